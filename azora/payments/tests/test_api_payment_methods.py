"""/api/v1/payment-methods through the real edge: save, list, delete; bad input saves nothing; others' get 404."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.test import Client

from azora.accounts.models import User
from azora.accounts.tests.conftest import session_client
from azora.finance.tests.factories import ledger_snapshot
from azora.payments import public
from azora.payments.models import SandboxSavedCard, SavedPaymentMethod
from azora.payments.tests.conftest import SUCCESS_CARD, payments_snapshot
from azora.shared.models import OutboxEvent
from azora.shared.money import Money

pytestmark = pytest.mark.django_db
JSON = "application/json"
PATH = "/api/v1/payment-methods"


def save(client: Client, body: Any) -> Any:
    return client.post(PATH, data=json.dumps(body), content_type=JSON)


def everything() -> dict[str, Any]:
    """What a save or delete can write: saved methods, the sandbox's tokens, payments, ledger and events."""
    return {
        **payments_snapshot(),
        "saved": sorted(SavedPaymentMethod.objects.values_list("id", "provider_token")),
        "sandbox_cards": sorted(SandboxSavedCard.objects.values_list("id", "is_detached")),
        "ledger": ledger_snapshot(),
        "events": OutboxEvent.objects.count(),
    }


def test_save_list_and_delete_a_card_never_echoing_its_number(customer: User) -> None:
    client = session_client(customer)
    created = save(client, {"payment_method": {**SUCCESS_CARD, "cvc": "987"}})
    assert created.status_code == 201, created.content
    body = created.json()
    row = SavedPaymentMethod.objects.get()
    assert body == {
        "id": str(row.id), "provider": "sandbox", "brand": "visa", "last4": "4242",
        "exp_month": 12, "exp_year": 2040, "created_at": body["created_at"],
    }  # fmt: skip
    assert "4242424242424242" not in created.content.decode()
    shown = json.dumps({key: value for key, value in body.items() if key not in {"id", "created_at"}})
    assert "987" not in shown  # the id and timestamp are left out: their digits can hold any short run by chance
    assert row.customer_id == customer.id
    listed = client.get(PATH)
    assert listed.status_code == 200
    assert listed.json() == {"items": [body]}
    deleted = client.delete(f"{PATH}/{row.id}")
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert SavedPaymentMethod.objects.count() == 0
    assert SandboxSavedCard.objects.get(pk=row.provider_token).is_detached is True
    assert client.get(PATH).json() == {"items": []}


def test_the_saved_id_is_the_payment_method_id_a_subscription_takes(customer: User) -> None:
    client = session_client(customer)
    method_id = save(client, {"payment_method": SUCCESS_CARD, "provider": "sandbox"}).json()["id"]
    intent = public.payment_intent_create(
        customer_id=customer.id, amount=Money(9900, "ZAR"), purpose="subscription", description="Pro, monthly"
    )
    charged = public.payment_intent_confirm_saved(
        intent_id=intent.id, customer_id=customer.id, method_id=uuid.UUID(method_id)
    )
    assert charged.status == "succeeded"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"payment_method": {"type": "bank", "iban": "DE89370400440532013000"}}, 422, "invalid_payment_method"),
        ({"payment_method": {**SUCCESS_CARD, "exp_month": "13"}}, 422, "invalid_payment_method"),
        ({"payment_method": {**SUCCESS_CARD, "number": "4242424242424241"}}, 422, "payment_method_declined"),
        ({"payment_method": {**SUCCESS_CARD, "exp_year": "2020"}}, 422, "payment_method_declined"),
        ({"payment_method": SUCCESS_CARD, "provider": "nowhere"}, 422, "validation_failed"),
        ({"payment_method": SUCCESS_CARD, "extra": "field"}, 422, "validation_failed"),
        ({"payment_method": "4242424242424242"}, 422, "validation_failed"),
        ({}, 422, "validation_failed"),
    ],
)
def test_bad_input_is_a_problem_and_saves_nothing(customer: User, body: Any, status: int, code: str) -> None:
    client = session_client(customer)
    before = everything()
    response = save(client, body)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == code
    assert "4242424242424241" not in response.content.decode()
    assert everything() == before


def test_someone_elses_method_is_not_found_and_stays(customer: User, other_user: User) -> None:
    mine = save(session_client(customer), {"payment_method": SUCCESS_CARD}).json()
    theirs = session_client(other_user)
    assert theirs.get(PATH).json() == {"items": []}
    before = everything()
    response = theirs.delete(f"{PATH}/{mine['id']}")
    assert response.status_code == 404
    assert response.json()["code"] == "payment_method_not_found"
    assert everything() == before
    unknown = theirs.delete(f"{PATH}/00000000-0000-0000-0000-000000000000")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "payment_method_not_found")


def test_anonymous_callers_are_refused_and_nothing_is_saved() -> None:
    before = everything()
    response = save(Client(), {"payment_method": SUCCESS_CARD})
    assert response.status_code == 401
    assert Client().get(PATH).status_code == 401
    assert everything() == before


def test_the_list_reads_in_a_fixed_number_of_queries(customer: User, django_assert_max_num_queries: Any) -> None:
    client = session_client(customer)
    for _ in range(3):
        assert save(client, {"payment_method": SUCCESS_CARD}).status_code == 201
    # The session, the user and the one read of the methods (plus transaction bookkeeping), however many there are.
    with django_assert_max_num_queries(7):
        response = client.get(PATH)
    assert len(response.json()["items"]) == 3
    assert save(client, {"payment_method": SUCCESS_CARD}).status_code == 201
    with django_assert_max_num_queries(7):
        assert len(client.get(PATH).json()["items"]) == 4
