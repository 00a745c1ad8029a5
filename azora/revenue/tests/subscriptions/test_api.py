"""The subscriptions endpoints through the real /api/v1 edge: start, read, change, cancel, seats; problem responses
that change nothing; Idempotency-Key replays; a query budget on the seat list."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from azora.accounts.models import User
from azora.accounts.tests.conftest import session_client
from azora.payments.models import PaymentIntent
from azora.revenue.models import Subscription
from azora.revenue.tests.subscriptions.conftest import GOOD_CARD, PRO_MONTH_ZAR, member_of, save_card

pytestmark = pytest.mark.django_db
JSON = "application/json"


def send(client: Client, method: str, path: str, body: Any = None, **headers: str) -> Any:
    if method == "delete":  # no body at all (an empty JSON body is malformed)
        return client.delete(f"/api/v1{path}", headers=headers)
    data = json.dumps(body) if body is not None else None
    return getattr(client, method)(f"/api/v1{path}", data=data, content_type=JSON, headers=headers)


def start_body(card: uuid.UUID, **overrides: Any) -> dict[str, Any]:
    return {"plan_code": "pro", "interval": "month", "currency": "ZAR", "payment_method_id": str(card)} | overrides


def test_start_read_change_and_cancel(customer: User, card: uuid.UUID) -> None:
    client = session_client(customer)
    me = client.get("/api/v1/me/subscription")
    assert me.status_code == 200
    assert me.json() == {"plan_code": "free", "subscription": None}
    created = send(client, "post", "/subscriptions", start_body(card))
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["plan_code"], body["seats"], body["cancel_at_period_end"]) == (
        "active",
        "pro",
        1,
        False,
    )
    assert body["unit_amount"] == {"amount": "149.00", "currency": "ZAR", "minor": PRO_MONTH_ZAR}
    assert body["latest_charge"]["kind"] == "start"
    assert body["latest_charge"]["status"] == "paid"
    me = client.get("/api/v1/me/subscription").json()
    assert me["plan_code"] == "pro"
    assert me["subscription"]["id"] == body["id"]
    assert client.get(f"/api/v1/subscriptions/{body['id']}").json()["id"] == body["id"]
    canceled = send(client, "post", f"/subscriptions/{body['id']}/cancel")
    assert canceled.status_code == 200
    assert canceled.json()["cancel_at_period_end"] is True
    reactivated = send(client, "patch", f"/subscriptions/{body['id']}", {"cancel_at_period_end": False})
    assert reactivated.status_code == 200
    assert reactivated.json()["cancel_at_period_end"] is False
    yearly = send(client, "patch", f"/subscriptions/{body['id']}", {"interval": "year"})
    assert yearly.status_code == 200, yearly.content
    assert yearly.json()["interval"] == "year"
    assert yearly.json()["latest_charge"]["kind"] == "proration"


def test_a_repeated_idempotency_key_starts_and_charges_once(customer: User, card: uuid.UUID) -> None:
    client = session_client(customer)
    first = send(client, "post", "/subscriptions", start_body(card), **{"Idempotency-Key": "start-pro-1"})
    second = send(client, "post", "/subscriptions", start_body(card), **{"Idempotency-Key": "start-pro-1"})
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    assert Subscription.objects.count() == 1
    assert PaymentIntent.objects.count() == 1


def assert_problem(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"plan_code": "platinum"}, 404, "plan_not_found"),
        ({"plan_code": "free"}, 422, "plan_not_subscribable"),
        ({"plan_code": "enterprise"}, 422, "plan_not_subscribable"),
        ({"currency": "AZR"}, 422, "price_not_available"),
        ({"payment_method_id": None}, 422, "payment_method_required"),
        ({"payment_method_id": str(uuid.UUID(int=5))}, 404, "payment_method_not_found"),
        ({"seats": 2}, 422, "validation_failed"),
        ({"interval": "week"}, 422, "validation_failed"),
        ({"coupon_code": "NOSUCH"}, 422, "coupon_not_found"),
        ({"trial": True, "coupon_code": "ANY"}, 422, "validation_failed"),
        ({"colour": "blue"}, 422, "validation_failed"),
    ],
)
def test_bad_starts_get_a_problem_and_change_nothing(
    customer: User,
    card: uuid.UUID,
    snapshot: Callable[[], dict[str, Any]],
    overrides: dict[str, Any],
    status: int,
    code: str,
) -> None:
    before = snapshot()
    response = send(session_client(customer), "post", "/subscriptions", start_body(card, **overrides))
    assert_problem(response, status, code)
    assert snapshot() == before


def test_a_second_live_subscription_is_a_conflict(
    customer: User, card: uuid.UUID, snapshot: Callable[[], dict[str, Any]]
) -> None:
    client = session_client(customer)
    assert send(client, "post", "/subscriptions", start_body(card)).status_code == 201
    before = snapshot()
    assert_problem(
        send(client, "post", "/subscriptions", start_body(card, interval="year")), 409, "subscription_exists"
    )
    assert snapshot() == before


def test_a_declined_card_is_402(customer: User) -> None:
    declining = save_card(customer, {**GOOD_CARD, "number": "4000000000009995"})
    response = send(session_client(customer), "post", "/subscriptions", start_body(declining))
    assert_problem(response, 402, "subscription_payment_failed")
    assert response.json()["failure_code"] == "insufficient_funds"
    assert Subscription.objects.get().status == "canceled"


def test_someone_elses_subscription_is_404_and_unchanged(
    customer: User, stranger: User, card: uuid.UUID, snapshot: Callable[[], dict[str, Any]]
) -> None:
    subscription_id = send(session_client(customer), "post", "/subscriptions", start_body(card)).json()["id"]
    other = session_client(stranger)
    before = snapshot()
    assert_problem(other.get(f"/api/v1/subscriptions/{subscription_id}"), 404, "subscription_not_found")
    assert_problem(send(other, "post", f"/subscriptions/{subscription_id}/cancel"), 404, "subscription_not_found")
    assert_problem(
        send(other, "patch", f"/subscriptions/{subscription_id}", {"interval": "year"}), 404, "subscription_not_found"
    )
    assert_problem(other.get(f"/api/v1/subscriptions/{subscription_id}/seats"), 404, "subscription_not_found")
    assert other.get("/api/v1/me/subscription").json() == {"plan_code": "free", "subscription": None}
    assert snapshot() == before


def test_signed_out_is_401() -> None:
    response = send(Client(), "post", "/subscriptions", {"plan_code": "pro", "currency": "ZAR"})
    assert response.status_code == 401


def test_seats_over_the_api_with_a_query_budget(
    customer: User,
    organisation: Any,
    card: uuid.UUID,
    snapshot: Callable[[], dict[str, Any]],
    django_assert_max_num_queries: Any,
) -> None:
    client = session_client(customer)
    created = send(
        client,
        "post",
        "/subscriptions",
        start_body(card, plan_code="enterprise", organisation_id=str(organisation.id), seats=6),
    )
    assert created.status_code == 201, created.content
    subscription_id = created.json()["id"]
    members = [member_of(organisation, email=f"m{n}@example.test") for n in range(5)]
    for member in members:
        assigned = send(client, "post", f"/subscriptions/{subscription_id}/seats", {"user_id": str(member.id)})
        assert assigned.status_code == 201, assigned.content
    # the session's six, then the subscription, the caller's role, the seats and their people: not one per seat
    with django_assert_max_num_queries(10):
        listed = client.get(f"/api/v1/subscriptions/{subscription_id}/seats")
    assert [seat["email"] for seat in listed.json()["items"]] == [
        "naledi@example.test",
        *[f"m{n}@example.test" for n in range(5)],
    ]
    extra = member_of(organisation, email="late@example.test")
    before = snapshot()
    assert_problem(
        send(client, "patch", f"/subscriptions/{subscription_id}", {"seats": 5}), 409, "seats_below_assigned"
    )
    assert_problem(
        send(client, "post", f"/subscriptions/{subscription_id}/seats", {"user_id": str(extra.id)}),
        409,
        "seats_exhausted",
    )
    assert snapshot() == before
    removed = send(client, "delete", f"/subscriptions/{subscription_id}/seats/{members[0].id}")
    assert removed.status_code == 204, removed.content
    assert client.get("/api/v1/me/subscription").json()["plan_code"] == "enterprise"
