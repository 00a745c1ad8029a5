"""POST and GET /api/v1/payouts through the real edge: the caller's own payouts, problems that change nothing."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from azora.accounts.models import User
from azora.accounts.tests.conftest import jwt_client, key_client, session_client
from azora.accounts.tests.factories import ApiKeyFactory, UserFactory
from azora.finance import public
from azora.finance.models import Payout, SandboxPayout
from azora.finance.tests.factories import fund, ledger_snapshot

pytestmark = pytest.mark.django_db
JSON = "application/json"
BANK = {"account_number": "000123456789", "bank_code": "250655", "account_holder": "Thandi Nkosi"}


def post(client: Client, body: Any, **headers: str) -> Any:
    return client.post("/api/v1/payouts", data=json.dumps(body), content_type=JSON, headers=headers)


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert (body["status"], body["code"]) == (status, code)
    return body


def everything() -> dict[str, Any]:
    return {"ledger": ledger_snapshot(), "payouts": Payout.objects.count(), "sandbox": SandboxPayout.objects.count()}


@pytest.fixture
def thandi(db: None) -> User:
    user: User = UserFactory(email="thandi@example.test")
    fund(public.user_earnings_account(user_id=user.id, currency="ZAR"), 500_00)
    return user


def test_a_payout_is_paid_and_shown_with_its_label_only(thandi: User) -> None:
    payout_id = uuid.uuid4()
    response = post(session_client(thandi), {"id": str(payout_id), "amount": "150.00", "destination": BANK})
    assert response.status_code == 201, response.content
    body = response.json()
    assert {key: body[key] for key in ("id", "status", "amount", "destination_label", "provider", "failure_code")} == {
        "id": str(payout_id),
        "status": "paid",
        "amount": {"amount": "150.00", "currency": "ZAR", "minor": 150_00},
        "destination_label": "Bank 250655 ••••6789",
        "provider": "sandbox",
        "failure_code": None,
    }
    assert body["paid_at"] is not None
    assert "000123456789" not in response.content.decode()
    earnings = public.user_earnings_account(user_id=thandi.id, currency="ZAR")
    assert public.balance(account_id=earnings.id).posted.minor == 350_00


def test_a_failed_payout_answers_201_with_why_and_returns_the_funds(thandi: User) -> None:
    response = post(
        session_client(thandi), {"amount": "200.00", "destination": {**BANK, "account_number": "000111111113"}}
    )
    assert response.status_code == 201, response.content
    assert (response.json()["status"], response.json()["failure_code"]) == ("failed", "account_closed")
    earnings = public.user_earnings_account(user_id=thandi.id, currency="ZAR")
    assert public.balance(account_id=earnings.id).available.minor == 500_00


def test_the_same_id_twice_pays_once(thandi: User) -> None:
    client, body = session_client(thandi), {"id": str(uuid.uuid4()), "amount": "150.00", "destination": BANK}
    first = post(client, body)
    before = everything()
    again = post(client, body)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert everything() == before


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"amount": "500.01", "destination": BANK}, 409, "payout_exceeds_available"),
        ({"amount": "99.99", "destination": BANK}, 422, "payout_below_minimum"),
        ({"amount": "150.00", "currency": "USD", "destination": BANK}, 422, "payout_currency_not_supported"),
        ({"amount": "150.00", "currency": "XXX", "destination": BANK}, 422, "unknown_currency"),
        ({"amount": "1e3", "destination": BANK}, 422, "invalid_amount"),
        ({"amount": "150.001", "destination": BANK}, 422, "invalid_amount"),
        ({"amount": "150.00", "destination": {**BANK, "account_number": "12AB"}}, 422, "invalid_payout_destination"),
        ({"amount": "150.00", "destination": {**BANK, "iban": "x"}}, 422, "validation_failed"),
        ({"amount": "150.00"}, 422, "validation_failed"),
    ],
)
def test_bad_requests_get_a_problem_and_change_nothing(
    thandi: User, body: dict[str, Any], status: int, code: str
) -> None:
    before = everything()
    assert_problem(post(session_client(thandi), body), status, code)
    assert everything() == before


def test_above_the_available_balance_the_problem_says_what_is_available(thandi: User) -> None:
    body = assert_problem(
        post(session_client(thandi), {"amount": "600.00", "destination": BANK}), 409, "payout_exceeds_available"
    )
    assert (body["available"], body["currency"]) == ("500.00", "ZAR")


def test_payouts_need_credentials_and_the_finance_scopes(thandi: User) -> None:
    before = everything()
    assert_problem(post(Client(), {"amount": "150.00", "destination": BANK}), 401, "not_authenticated")
    assert_problem(Client().get("/api/v1/payouts"), 401, "not_authenticated")
    reader = key_client(ApiKeyFactory(user=thandi, scopes=["finance:read"]).key)
    body = assert_problem(post(reader, {"amount": "150.00", "destination": BANK}), 403, "insufficient_scope")
    assert body["required_scope"] == "finance:write"
    assert reader.get("/api/v1/payouts").status_code == 200
    stranger = key_client(ApiKeyFactory(user=thandi, scopes=["profile:read"]).key)
    assert_problem(stranger.get("/api/v1/payouts"), 403, "insufficient_scope")
    assert everything() == before


def test_the_list_is_the_callers_own_newest_first_within_a_query_budget(
    thandi: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client = jwt_client(thandi)
    other = UserFactory()
    fund(public.user_earnings_account(user_id=other.id, currency="ZAR"), 500_00)
    post(session_client(other), {"amount": "100.00", "destination": BANK})
    ids = [post(client, {"amount": "100.00", "destination": BANK}).json()["id"]]
    with CaptureQueriesContext(connection) as one:
        response = client.get("/api/v1/payouts")
    budget = len(one.captured_queries)  # read now: the next request clears the connection's query log
    assert [item["id"] for item in response.json()["items"]] == ids
    for _ in range(3):
        ids.append(post(client, {"amount": "100.00", "destination": BANK}).json()["id"])
    with django_assert_num_queries(budget):
        response = client.get("/api/v1/payouts?limit=3")
    page = response.json()
    assert [item["id"] for item in page["items"]] == ids[::-1][:3]
    rest = client.get(f"/api/v1/payouts?limit=3&cursor={page['next_cursor']}").json()
    assert ([item["id"] for item in rest["items"]], rest["next_cursor"]) == ([ids[0]], None)
