"""Buying a course through the Pay UI: the review page (price, coupon, AZR, total) → the order and its payment
intent → the card checkout → the order page that opens the course. Refusals change nothing."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.test import Client

import azora.education.public as education
import azora.payments.public as payments
import azora.revenue.public as revenue
from azora.accounts.models import User
from azora.accounts.tests.factories import UserFactory
from azora.education.models import Course
from azora.portals.pay.tests.conftest import SUCCESS_CARD
from azora.portals.shell.tests.helpers import HTMX, is_fragment
from azora.revenue.models import Order
from azora.revenue.tests.checkout.conftest import revenue_snapshot
from azora.revenue.tests.checkout.factories import SUCCESS_CARD as SUCCESS_PAYMENT_METHOD
from azora.revenue.tests.checkout.factories import CouponFactory, instructor_on, paid_course
from azora.revenue.tests.checkout.helpers import dispatch_all
from azora.revenue.tests.pricing.factories import plan_catalogue

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[Any]]


@pytest.fixture
def course(db: None) -> Course:
    plan_catalogue()
    teacher = instructor_on("pro", email="teacher@example.test", display_name="Thabo Teacher")
    sold, _lessons = paid_course(instructor=teacher, minor=20_000)
    return sold


def _review_url(course: Course) -> str:
    return f"/pay/buy/course/{course.id}/"


def _apply(client: Client, course: Course, **fields: str):  # type: ignore[no-untyped-def]  # Django's test response
    return client.post(_review_url(course), {"currency": "ZAR", "coupon": "", "redeem_azr": "", **fields})


def test_buying_needs_sign_in(client: Client, course: Course) -> None:
    response = client.get(_review_url(course))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_review_page_shows_the_price_and_total_and_writes_nothing(signed_in: Client, course: Course) -> None:
    before = revenue_snapshot()

    response = signed_in.get(_review_url(course))

    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>Buy {course.title}</h1>" in html
    assert "<div><dt>Price</dt><dd>200.00 ZAR</dd></div>" in html
    assert '<div class="summary-total"><dt>You pay</dt><dd>200.00 ZAR</dd></div>' in html
    assert 'name="coupon"' in html
    assert 'name="redeem_azr"' in html
    assert 'type="hidden" name="currency" value="ZAR"' in html
    assert "Continue to pay 200.00 ZAR" in html
    assert "style=" not in html
    assert revenue_snapshot() == before


def test_a_coupon_shows_its_discount_before_anything_is_bought(signed_in: Client, course: Course) -> None:
    CouponFactory(code="LEARN10", percent_off_bp=1_000)
    before = revenue_snapshot()

    response = _apply(signed_in, course, coupon="learn10", action="apply")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<div><dt>Coupon</dt><dd>\u221220.00 ZAR</dd></div>" in html
    assert '<div class="summary-total"><dt>You pay</dt><dd>180.00 ZAR</dd></div>' in html
    assert "Continue to pay 180.00 ZAR" in html
    assert revenue_snapshot() == before


def test_applying_under_htmx_redraws_the_review_panel_only(signed_in: Client, course: Course) -> None:
    CouponFactory(code="LEARN10", percent_off_bp=1_000)

    response = signed_in.post(
        _review_url(course), {"currency": "ZAR", "coupon": "LEARN10", "action": "apply"}, headers=HTMX
    )

    assert response.status_code == 200
    assert is_fragment(response.content)
    assert response.content.decode().lstrip().startswith('<div id="review-panel"')


@pytest.mark.parametrize(
    ("coupon", "message"),
    [
        ("NOPE", "There is no such coupon."),
        ("OLD", "The coupon has expired."),
    ],
)
def test_a_bad_coupon_is_refused_beside_its_field_and_nothing_is_written(
    signed_in: Client, course: Course, coupon: str, message: str
) -> None:
    CouponFactory(code="OLD", expires_at="2020-01-01T00:00:00Z")
    before = revenue_snapshot()

    for action in ("apply", "pay"):
        response = _apply(signed_in, course, coupon=coupon, action=action)

        assert response.status_code == 422
        html = response.content.decode()
        assert f'<a href="#id_coupon">Coupon code (optional): {message}</a>' in html
        assert '<div class="summary-total"><dt>You pay</dt><dd>200.00 ZAR</dd></div>' in html
    assert revenue_snapshot() == before


def test_redeeming_azr_without_a_certificate_is_refused_and_nothing_is_written(
    signed_in: Client, course: Course
) -> None:
    before = revenue_snapshot()

    response = _apply(signed_in, course, redeem_azr="10", action="apply")

    assert response.status_code == 422
    assert '<a href="#id_redeem_azr">AZR to redeem (optional):' in response.content.decode()
    assert revenue_snapshot() == before


def test_an_amount_that_is_not_a_number_is_refused_by_the_form(signed_in: Client, course: Course) -> None:
    before = revenue_snapshot()

    response = _apply(signed_in, course, redeem_azr="ten", action="pay")

    assert response.status_code == 422
    assert "Enter an amount as a number, for example 25.00." in response.content.decode()
    assert revenue_snapshot() == before


def test_buy_with_a_coupon_pay_by_card_and_open_the_course(
    signed_in: Client, person: User, course: Course, django_capture_on_commit_callbacks: Capture
) -> None:
    CouponFactory(code="LEARN10", percent_off_bp=1_000)

    response = _apply(signed_in, course, coupon="LEARN10", action="pay")

    assert response.status_code == 302
    order = Order.objects.get(buyer=person)
    assert (order.status, order.total_minor, order.coupon_discount_minor) == ("pending", 18_000, 2_000)
    assert response["Location"] == f"/pay/checkout/{order.payment_intent_id}/"
    checkout = signed_in.get(response["Location"]).content.decode()
    assert '<p class="big-amount">180.00 ZAR</p>' in checkout

    with django_capture_on_commit_callbacks(execute=True):
        paid = signed_in.post(
            response["Location"],
            {"number": SUCCESS_CARD, "exp_month": "12", "exp_year": "2035", "cvc": "123", "confirm_key": "k1"},
        )
    dispatch_all()

    assert paid["Location"] == f"/pay/checkout/{order.payment_intent_id}/result/"
    result = signed_in.get(paid["Location"]).content.decode()
    assert f'<a class="button" href="/pay/orders/{order.id}/">Go to your course</a>' in result
    done = signed_in.get(f"/pay/orders/{order.id}/").content.decode()
    assert "<h1>Purchase complete</h1>" in done
    assert f'<a class="button" href="/courses/{course.slug}/">Open the course</a>' in done
    assert education.is_enrolled(user_id=person.id, course_id=course.id)
    page = signed_in.get(f"/courses/{course.slug}/").content.decode()
    assert "Buy for" not in page
    assert "Start learning" in page


def test_a_course_already_owned_is_not_sold_again(signed_in: Client, person: User, course: Course) -> None:
    education.enrollment_create(course_id=course.id, user_id=person.id, source="purchase")
    before = revenue_snapshot()

    shown = signed_in.get(_review_url(course))
    posted = _apply(signed_in, course, action="pay")

    for response in (shown, posted):
        assert response.status_code == 409
        html = response.content.decode()
        assert "You already own this course" in html
        assert f'href="/courses/{course.slug}/">Open the course</a>' in html
        assert 'name="coupon"' not in html
    assert revenue_snapshot() == before


def test_the_courses_own_instructor_is_told_why_it_cannot_be_bought(client: Client, course: Course) -> None:
    teacher = User.objects.get(email="teacher@example.test")
    client.force_login(teacher)

    response = client.get(_review_url(course))

    assert response.status_code == 409
    assert "You already have this course." in response.content.decode()


def test_free_unknown_and_unpublished_courses_are_404(signed_in: Client, course: Course) -> None:
    free = education.course_create(user_id=course.created_by_id, title="Free one", summary="", level="beginner")

    assert signed_in.get(f"/pay/buy/course/{uuid.uuid4()}/").status_code == 404
    assert signed_in.get(f"/pay/buy/course/{free.id}/").status_code == 404


def test_another_persons_order_is_a_404(
    signed_in: Client, course: Course, django_capture_on_commit_callbacks: Capture
) -> None:
    buyer = UserFactory(email="naledi@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        created = revenue.checkout_create(user_id=buyer.id, item="course", course_id=course.id, currency="ZAR")
    assert created.order_id is not None

    assert signed_in.get(f"/pay/orders/{created.order_id}/").status_code == 404
    assert signed_in.get(f"/pay/orders/{uuid.uuid4()}/").status_code == 404


def test_an_unpaid_order_page_links_back_to_its_payment(signed_in: Client, person: User, course: Course) -> None:
    response = _apply(signed_in, course, action="pay")
    order = Order.objects.get(buyer=person)

    html = signed_in.get(f"/pay/orders/{order.id}/").content.decode()

    assert response.status_code == 302
    assert "<h1>Waiting for the payment</h1>" in html
    assert f'href="/pay/checkout/{order.payment_intent_id}/">Go to the payment</a>' in html
    assert re.search(r'hx-trigger="every 2s"', html)


def test_a_plan_is_reviewed_with_its_interval_and_price(signed_in: Client) -> None:
    plan_catalogue()

    monthly = signed_in.get("/pay/buy/plan/pro/").content.decode()
    yearly = signed_in.get("/pay/buy/plan/pro/?interval=year").content.decode()

    assert "<h1>Buy Pro</h1>" in monthly
    assert "billed every month" in monthly
    assert "<div><dt>Price</dt><dd>149.00 ZAR</dd></div>" in monthly
    assert "billed every year" in yearly
    assert "<div><dt>Price</dt><dd>1,499.00 ZAR</dd></div>" in yearly
    assert '<input type="hidden" name="interval" value="year">' in yearly
    assert signed_in.get("/pay/buy/plan/unknown/").status_code == 404


NEW_CARD = {"method": "new", "number": "4242 4242 4242 4242", "exp_month": "12", "exp_year": "2035", "cvc": "123"}


def test_a_plan_is_bought_with_a_new_card_that_is_kept_for_renewals(
    signed_in: Client, person: User, django_capture_on_commit_callbacks: Capture
) -> None:
    plan_catalogue()

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            "/pay/buy/plan/pro/", {"currency": "ZAR", "interval": "month", "action": "pay", **NEW_CARD}
        )

    order = Order.objects.get(buyer=person)
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == f"/pay/orders/{order.id}/"
    subscription = revenue.subscription_get_for_user(user_id=person.id)
    assert subscription is not None
    assert (subscription.plan_code, subscription.status, subscription.interval) == ("pro", "active", "month")
    [card] = payments.payment_methods_of(customer_id=person.id)
    assert (card.last4, subscription.payment_method_id) == ("4242", card.id)
    html = signed_in.get(response["Location"]).content.decode()
    assert "<h1>Purchase complete</h1>" in html
    assert "You are on Pro now." in html
    assert '<a class="button" href="/pay/subscription/">See your plan</a>' in html


def test_a_saved_card_is_offered_first_for_a_plan(signed_in: Client, person: User) -> None:
    plan_catalogue()
    card = payments.payment_method_save(customer_id=person.id, payment_method=SUCCESS_PAYMENT_METHOD)

    html = signed_in.get("/pay/buy/plan/pro/").content.decode()

    assert f'<input type="radio" name="method" value="{card.id}" required id="id_method_0" checked>' in html
    assert "Visa ••••4242, 12/2040</label>" in html
    assert "Subscribe for 149.00 ZAR" in html


def test_a_new_card_with_missing_details_is_refused_and_nothing_is_bought(signed_in: Client, person: User) -> None:
    plan_catalogue()
    before = revenue_snapshot()

    response = signed_in.post(
        "/pay/buy/plan/pro/", {"currency": "ZAR", "interval": "month", "action": "pay", "method": "new", "number": ""}
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert '<a href="#id_number">Card number: This field is required.</a>' in html
    assert revenue_snapshot() == before
    assert payments.payment_methods_of(customer_id=person.id) == []
    assert revenue.subscription_get_for_user(user_id=person.id) is None


def test_a_declined_card_for_a_plan_says_so_and_the_plan_does_not_start(signed_in: Client, person: User) -> None:
    plan_catalogue()

    response = signed_in.post(
        "/pay/buy/plan/pro/",
        {"currency": "ZAR", "interval": "month", "action": "pay", **NEW_CARD, "number": "4000000000000002"},
    )

    assert response.status_code == 422
    assert "The payment for the subscription failed." in response.content.decode()
    assert revenue.subscription_get_for_user(user_id=person.id) is None
    assert not Order.objects.filter(buyer=person).exists()
