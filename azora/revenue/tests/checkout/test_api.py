"""The checkout, order, revenue-split and earnings endpoints through the real /api/v1 edge, and a payout of
earnings still on hold refused by finance's POST /payouts (the one payouts endpoint)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from azora.accounts.models import User
from azora.accounts.tests.conftest import session_client
from azora.finance.models import Payout
from azora.revenue.models import CourseRevenueSplit, Order
from azora.revenue.services import shares
from azora.revenue.tests.checkout.factories import CouponFactory, instructor_on, paid_course
from azora.revenue.tests.checkout.helpers import Capture, buy

pytestmark = pytest.mark.django_db
JSON = "application/json"
BANK = {"account_number": "000123456789", "bank_code": "250655", "account_holder": "Thabo Teacher"}


def send(client: Client, method: str, path: str, body: Any = None) -> Any:
    call = getattr(client, method.lower())
    if body is None:
        return call(f"/api/v1{path}")
    return call(f"/api/v1{path}", data=json.dumps(body), content_type=JSON)


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert (body["status"], body["code"]) == (status, code)
    return body


def zar(minor: int) -> dict[str, Any]:
    return {"amount": f"{minor // 100}.{minor % 100:02d}", "currency": "ZAR", "minor": minor}


def test_post_checkout_returns_the_order_the_intent_and_the_pay_page(instructor: User, learner: User) -> None:
    course, _ = paid_course(instructor=instructor)
    CouponFactory(code="TENOFF", percent_off_bp=1_000)
    response = send(
        session_client(learner),
        "POST",
        "/checkout",
        {"item": "course", "course_id": str(course.id), "currency": "zar", "coupon_code": "TENOFF"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    order = Order.objects.get()
    assert body["order_id"] == str(order.id)
    assert (body["status"], body["list_amount"], body["coupon_discount"], body["total"]) == (
        "pending",
        zar(20_000),
        zar(2_000),
        zar(18_000),
    )
    assert body["checkout_url"] == f"/pay/checkout/{body['payment_intent_id']}/"
    assert body["payment_intent_id"] == str(order.payment_intent_id)


def test_bad_checkouts_are_problems_and_change_nothing(
    instructor: User,
    learner: User,
    snapshot: Callable[[], dict[str, Any]],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    course, _ = paid_course(instructor=instructor)
    client = session_client(learner)
    before = snapshot()
    wrong_currency = send(
        client, "POST", "/checkout", {"item": "course", "course_id": str(course.id), "currency": "USD"}
    )
    assert_problem(wrong_currency, 422, "price_not_available")
    bad_azr = send(
        client,
        "POST",
        "/checkout",
        {"item": "course", "course_id": str(course.id), "currency": "ZAR", "redeem_azr": "x"},
    )
    assert_problem(bad_azr, 422, "validation_failed")
    assert_problem(
        send(client, "POST", "/checkout", {"item": "course", "currency": "ZAR"}), 422, "checkout_item_invalid"
    )
    assert_problem(
        send(Client(), "POST", "/checkout", {"item": "plan", "plan_code": "pro", "currency": "ZAR"}),
        401,
        "not_authenticated",
    )
    assert snapshot() == before

    buy(django_capture_on_commit_callbacks, learner, course)
    before = snapshot()
    owned = send(client, "POST", "/checkout", {"item": "course", "course_id": str(course.id), "currency": "ZAR"})
    assert_problem(owned, 409, "course_already_owned")
    assert snapshot() == before


def test_order_get_is_for_its_buyer_and_instructors(
    instructor: User, learner: User, django_capture_on_commit_callbacks: Capture
) -> None:
    course, _ = paid_course(instructor=instructor)
    buy(django_capture_on_commit_callbacks, learner, course)
    order = Order.objects.get()
    mine = send(session_client(learner), "GET", f"/orders/{order.id}")
    assert mine.status_code == 200
    assert (mine.json()["status"], mine.json()["fee"], mine.json()["shares"]) == (
        "paid",
        zar(610),
        [{"instructor_id": str(instructor.id), "amount": zar(13_573), "refunded": zar(0)}],
    )
    assert send(session_client(instructor), "GET", f"/orders/{order.id}").status_code == 200
    stranger = instructor_on("pro", email="stranger@example.test")
    assert_problem(send(session_client(stranger), "GET", f"/orders/{order.id}"), 404, "order_not_found")


def test_put_revenue_split(instructor: User, learner: User, snapshot: Callable[[], dict[str, Any]]) -> None:
    partner = instructor_on("pro", email="partner@example.test")
    course, _ = paid_course(instructor=instructor, co_instructors=(partner,))
    path = f"/courses/{course.id}/revenue-split"
    default = send(session_client(partner), "GET", path)
    assert default.json() == {
        "course_id": str(course.id),
        "is_default": True,
        "shares": [{"instructor_id": str(instructor.id), "share_bp": 10_000}],
    }
    before = snapshot()
    bad_sum = {
        "shares": [
            {"instructor_id": str(instructor.id), "share_bp": 6_000},
            {"instructor_id": str(partner.id), "share_bp": 3_000},
        ]
    }
    body = assert_problem(send(session_client(instructor), "PUT", path, bad_sum), 422, "revenue_split_invalid")
    assert body["errors"] == [{"field": "body.shares", "message": "The shares add up to 9000, not 10000 (100%)."}]
    not_instructor = {"shares": [{"instructor_id": str(learner.id), "share_bp": 10_000}]}
    assert_problem(send(session_client(instructor), "PUT", path, not_instructor), 422, "revenue_split_invalid")
    good = {
        "shares": [
            {"instructor_id": str(instructor.id), "share_bp": 6_000},
            {"instructor_id": str(partner.id), "share_bp": 4_000},
        ]
    }
    assert_problem(send(session_client(learner), "PUT", path, good), 403, "revenue_split_not_permitted")
    assert_problem(send(session_client(learner), "GET", path), 403, "revenue_split_not_permitted")
    assert snapshot() == before
    assert CourseRevenueSplit.objects.count() == 0

    saved = send(session_client(instructor), "PUT", path, good)
    assert saved.status_code == 200, saved.content
    assert saved.json()["is_default"] is False
    assert sorted((row["instructor_id"], row["share_bp"]) for row in saved.json()["shares"]) == sorted(
        [(str(instructor.id), 6_000), (str(partner.id), 4_000)]
    )


def test_earnings_show_held_released_and_sales_within_a_query_budget(
    instructor: User,
    learner: User,
    django_capture_on_commit_callbacks: Capture,
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    course, _ = paid_course(instructor=instructor)
    other, _ = paid_course(instructor=instructor, minor=10_000)
    buy(django_capture_on_commit_callbacks, learner, course)
    buy(django_capture_on_commit_callbacks, learner, other)
    client = session_client(instructor)
    with django_assert_max_num_queries(16):
        response = send(client, "GET", "/instructor/earnings")
    assert response.status_code == 200, response.content
    body = response.json()
    # R100: fee 3.20, net 96.80, 70% = 67.76; R200: 135.73.
    assert body["balances"] == [
        {"currency": "ZAR", "held": zar(13_573 + 6_776), "released": zar(0), "paid_out": zar(0), "owed": None}
    ]
    assert [sale["my_share"] for sale in body["recent_sales"]] == [zar(6_776), zar(13_573)]
    assert body["payouts_url"] == "/api/v1/payouts"


def test_a_payout_above_the_released_balance_is_refused_and_changes_nothing(
    instructor: User,
    learner: User,
    snapshot: Callable[[], dict[str, Any]],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    course, _ = paid_course(instructor=instructor)
    buy(django_capture_on_commit_callbacks, learner, course)  # R135.73 held, nothing released yet
    client = session_client(instructor)
    before = snapshot()
    held_only = send(client, "POST", "/payouts", {"amount": "120.00", "currency": "ZAR", "destination": BANK})
    assert_problem(held_only, 409, "payout_exceeds_available")
    assert snapshot() == before
    assert Payout.objects.count() == 0

    order = Order.objects.get()
    assert order.release_at is not None
    shares.earnings_release_due(now=order.release_at)
    before = snapshot()
    above = send(client, "POST", "/payouts", {"amount": "135.74", "currency": "ZAR", "destination": BANK})
    assert_problem(above, 409, "payout_exceeds_available")
    assert snapshot() == before
    paid = send(client, "POST", "/payouts", {"amount": "135.73", "currency": "ZAR", "destination": BANK})
    assert paid.status_code == 201, paid.content
    answer = send(client, "GET", "/instructor/earnings")
    assert answer.status_code == 200, answer.content
    earnings = answer.json()
    assert earnings["balances"][0]["released"] == zar(0)
    assert earnings["balances"][0]["paid_out"] == (zar(13_573) if paid.json()["status"] == "paid" else zar(0))
