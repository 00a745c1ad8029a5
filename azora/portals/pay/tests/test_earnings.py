"""An instructor's earnings and payouts page: held, released and paid out, each sale with its split, a payout of
released earnings (refused above the released balance or below the minimum, changing nothing), payout history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import azora.finance.public as finance
from azora.accounts.models import User
from azora.accounts.public import platform_role_grant
from azora.accounts.tests.factories import UserFactory
from azora.education.models import Course
from azora.finance.models import Posting, Transfer
from azora.revenue.models import Order
from azora.revenue.services.shares import earnings_release_due
from azora.revenue.tests.checkout.factories import instructor_on, paid_course
from azora.revenue.tests.checkout.helpers import buy, refund, released
from azora.revenue.tests.pricing.factories import plan_catalogue

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[Any]]
EARNINGS_BUDGET = 30  # session, user, roles, accounts, balances, sales with their shares, payouts, the minimum
PAYOUT = {"account_holder": "Thabo Teacher", "bank_code": "250655", "account_number": "000123456789"}


@pytest.fixture
def teacher(db: None) -> User:
    plan_catalogue()
    return instructor_on("pro", email="teacher@example.test", display_name="Thabo Teacher")


@pytest.fixture
def course(teacher: User) -> Course:
    sold, _lessons = paid_course(instructor=teacher, minor=20_000)
    return sold


@pytest.fixture
def as_teacher(client: Client, teacher: User) -> Client:
    client.force_login(teacher)
    return client


@pytest.fixture
def sold(course: Course, django_capture_on_commit_callbacks: Capture) -> Order:
    buy(django_capture_on_commit_callbacks, UserFactory(email="buyer@example.test"), course)
    return Order.objects.get(course_id=course.id)


@pytest.fixture
def finance_admin(db: None) -> User:
    user: User = UserFactory(email="finance@example.test")
    platform_role_grant(user_id=user.id, role="finance_admin")
    return user


def _release(order: Order) -> None:
    Order.objects.filter(id=order.id).update(release_at=timezone.now() - dt.timedelta(minutes=1))
    assert earnings_release_due() == 1


def _money_rows() -> tuple[int, int]:
    return Transfer.objects.count(), Posting.objects.count()


def test_earnings_need_sign_in(client: Client) -> None:
    assert client.get("/pay/earnings/")["Location"].startswith("/accounts/login/")


def test_an_instructor_without_sales_sees_empty_earnings(as_teacher: Client) -> None:
    response = as_teacher.get("/pay/earnings/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Earnings and payouts</h1>" in html
    assert '<dt>Held</dt><dd class="num">0.00 ZAR</dd>' in html
    assert "No sales yet." in html
    assert "No payouts yet." in html
    assert "The smallest payout is 100.00 ZAR." in html
    assert '<a href="/pay/earnings/" aria-current="page">Earnings</a>' in html
    assert "style=" not in html


def test_a_sale_is_held_with_its_split(as_teacher: Client, teacher: User, sold: Order) -> None:
    html = as_teacher.get("/pay/earnings/").content.decode()

    share = sold.shares.get(instructor=teacher).amount_minor
    assert f'<dt>Held</dt><dd class="num">{share / 100:,.2f} ZAR</dd>' in html
    assert '<dd class="num earnings-released">0.00 ZAR</dd>' in html
    assert '<td data-label="Paid" class="num">200.00 ZAR</td>' in html
    assert f'<td data-label="Payment fee" class="num">{sold.fee_minor / 100:,.2f} ZAR</td>' in html
    assert f'<td data-label="Your share" class="num">{share / 100:,.2f} ZAR</td>' in html
    assert "Held until" in html


def test_a_payout_of_released_earnings_is_paid_and_listed(as_teacher: Client, teacher: User, sold: Order) -> None:
    _release(sold)
    assert released(teacher) > 10_000

    response = as_teacher.post("/pay/earnings/", {"amount": "100", **PAYOUT})

    assert response.status_code == 302
    assert response["Location"] == "/pay/earnings/"
    [payout] = finance.payouts_of(user_id=teacher.id).items
    assert (payout.amount.minor, payout.status) == (10_000, "paid")
    html = as_teacher.get("/pay/earnings/").content.decode()
    assert "Payout of 100.00 ZAR requested to Bank 250655 ••••6789." in html
    assert '<td data-label="Amount" class="num">100.00 ZAR</td>' in html
    assert '<span class="badge badge-paid">Paid</span>' in html
    assert '<dt>Paid out</dt><dd class="num">100.00 ZAR</dd>' in html
    assert "000123456789" not in html


def test_a_refund_after_the_payout_shows_what_is_owed_back(
    as_teacher: Client,
    teacher: User,
    sold: Order,
    finance_admin: User,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    _release(sold)
    share = released(teacher)
    assert as_teacher.post("/pay/earnings/", {"amount": f"{share / 100:.2f}", **PAYOUT}).status_code == 302
    assert sold.payment_intent_id is not None
    refund(django_capture_on_commit_callbacks, sold.payment_intent_id, finance_admin, None)

    html = as_teacher.get("/pay/earnings/").content.decode()

    assert f'<dt>Owed back after refunds</dt><dd class="num">{share / 100:,.2f} ZAR <span class="muted">' in html
    assert '<dd class="num earnings-released">0.00 ZAR</dd>' in html


def test_the_same_payout_form_sent_twice_pays_once(as_teacher: Client, teacher: User, sold: Order) -> None:
    _release(sold)
    data = {"amount": "100", "payout_id": "01938a2e-0000-7000-8000-000000000001", **PAYOUT}

    as_teacher.post("/pay/earnings/", data)
    as_teacher.post("/pay/earnings/", data)

    assert len(finance.payouts_of(user_id=teacher.id).items) == 1


@pytest.mark.parametrize(
    ("amount", "status", "message"),
    [
        ("5000", 409, "of released earnings is available for a payout now."),
        ("50", 422, "The smallest payout in ZAR is 100.00 ZAR."),
        ("abc", 422, "Enter an amount as a number, for example 25.00."),
    ],
)
def test_a_payout_the_engine_refuses_comes_back_with_its_reason_and_nothing_moves(
    as_teacher: Client, teacher: User, sold: Order, amount: str, status: int, message: str
) -> None:
    _release(sold)
    before = _money_rows()

    response = as_teacher.post("/pay/earnings/", {"amount": amount, **PAYOUT})

    assert response.status_code == status
    html = response.content.decode()
    assert '<div class="form-errors" role="alert" tabindex="-1" id="form-errors">' in html
    assert message in html
    assert _money_rows() == before
    assert finance.payouts_of(user_id=teacher.id).items == []
    assert 'value="000123456789"' not in html  # the account number is never written back into the page


def test_a_bad_account_number_is_refused_by_the_form(as_teacher: Client, teacher: User, sold: Order) -> None:
    _release(sold)

    response = as_teacher.post("/pay/earnings/", {"amount": "100", **PAYOUT, "account_number": "12ab"})

    assert response.status_code == 422
    assert "Account number: Enter the account number: 6 to 20 digits." in response.content.decode()
    assert finance.payouts_of(user_id=teacher.id).items == []


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


def test_the_earnings_page_costs_the_same_with_many_sales_and_payouts_as_with_one(
    as_teacher: Client, course: Course, django_capture_on_commit_callbacks: Capture
) -> None:
    buy(django_capture_on_commit_callbacks, UserFactory(email="first@example.test"), course)
    as_teacher.get("/pay/earnings/")  # the session's first request records it; later ones do not
    with_one = _queries(as_teacher, "/pay/earnings/")
    for number in range(4):
        buy(django_capture_on_commit_callbacks, UserFactory(email=f"buyer{number}@example.test"), course)

    with_many = _queries(as_teacher, "/pay/earnings/")

    assert as_teacher.get("/pay/earnings/").content.decode().count('<td data-label="Paid" class="num">') == 5
    assert with_many == with_one
    assert with_many <= EARNINGS_BUDGET
