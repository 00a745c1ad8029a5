"""The payments endpoints through the real /api/v1 edge: auth, who sees what, bad input, webhooks, a Stripe run."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qsl

import pytest
import stripe
from django.test import Client
from pytest_django import DjangoCaptureOnCommitCallbacks

from azora.accounts.models import User
from azora.accounts.tests.conftest import session_client
from azora.finance import public as finance
from azora.payments.adapters.sandbox import SIGNATURE_HEADER
from azora.payments.adapters.signatures import stripe_style_sign
from azora.payments.config import payments_config
from azora.payments.models import PaymentIntent, SandboxPayment, WebhookEvent
from azora.payments.tests.conftest import SUCCESS_CARD, card, payments_snapshot
from azora.payments.tests.contract.servers import FakeProvider

pytestmark = pytest.mark.django_db
JSON = "application/json"


def post(client: Client, path: str, body: Any = None, **headers: str) -> Any:
    data = json.dumps(body) if body is not None else None
    return client.post(f"/api/v1{path}", data=data, content_type=JSON, headers=headers)


def create(client: Client, **overrides: Any) -> Any:
    body = {"amount": "150.00", "currency": "ZAR", "purpose": "wallet_top_up", "description": "Wallet top-up"}
    return post(client, "/payment-intents", body | overrides)


def paid(client: Client) -> dict[str, Any]:
    intent = create(client).json()
    response = post(client, f"/payment-intents/{intent['id']}/confirm", {"payment_method": SUCCESS_CARD})
    assert response.status_code == 200, response.content
    return dict(response.json())


def test_create_confirm_and_read_back(customer: User) -> None:
    client = session_client(customer)
    created = create(client)
    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "requires_payment_method"
    assert body["amount"] == {"amount": "150.00", "currency": "ZAR", "minor": 15000}
    done = paid(client)
    assert done["status"] == "succeeded"
    assert (done["payment_method_brand"], done["payment_method_last4"]) == ("visa", "4242")
    fetched = client.get(f"/api/v1/payment-intents/{done['id']}").json()
    assert fetched["receipt_id"] == done["receipt_id"]
    receipt = client.get(f"/api/v1/receipts/{done['receipt_id']}")
    assert receipt.status_code == 200
    assert receipt.json()["number"].endswith("-000001")
    assert receipt.json()["total"]["amount"] == "150.00"
    listed = client.get("/api/v1/payment-intents").json()
    assert [item["id"] for item in listed["items"]] == [done["id"], body["id"]]


def test_another_user_gets_404_and_a_finance_admin_sees_all(
    customer: User, other_user: User, finance_admin: User
) -> None:
    done = paid(session_client(customer))
    stranger = session_client(other_user)
    for path in (f"/payment-intents/{done['id']}", f"/receipts/{done['receipt_id']}"):
        response = stranger.get(f"/api/v1{path}")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert session_client(finance_admin).get(f"/api/v1{path}").status_code == 200
    before = payments_snapshot()
    assert post(stranger, f"/payment-intents/{done['id']}/cancel").status_code == 404
    assert stranger.get("/api/v1/payment-intents").json()["items"] == []
    assert payments_snapshot() == before


def test_anonymous_callers_are_refused(db: None) -> None:
    assert create(Client()).status_code == 401
    assert PaymentIntent.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"amount": "0"}, 422, "invalid_amount"),
        ({"amount": "-5.00"}, 422, "invalid_amount"),
        ({"amount": "1.234"}, 422, "validation_failed"),
        ({"amount": "ten"}, 422, "validation_failed"),
        ({"amount": "NaN"}, 422, "validation_failed"),
        ({"currency": "XYZ"}, 422, "unknown_currency"),
        ({"purpose": "gift"}, 422, "validation_failed"),
        ({"provider": "stripe"}, 422, "unknown_provider"),
        ({"surprise": 1}, 422, "validation_failed"),
    ],
)
def test_bad_input_is_a_problem_and_changes_nothing(
    customer: User, overrides: dict[str, Any], status: int, code: str
) -> None:
    client = session_client(customer)
    before = payments_snapshot()
    response = create(client, **overrides)
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert payments_snapshot() == before
    assert SandboxPayment.objects.count() == 0


def test_an_invalid_transition_is_a_409_problem(customer: User) -> None:
    client = session_client(customer)
    done = paid(client)
    before = payments_snapshot()
    again = post(client, f"/payment-intents/{done['id']}/confirm", {"payment_method": SUCCESS_CARD})
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition"
    assert (again.json()["status"], again.json()["current_status"]) == (409, "succeeded")
    cancel = post(client, f"/payment-intents/{done['id']}/cancel")
    assert (cancel.status_code, cancel.json()["code"]) == (409, "invalid_transition")
    assert payments_snapshot() == before


def test_idempotency_key_replays_create_and_confirm(customer: User) -> None:
    client = session_client(customer)
    first = (
        create(client, **{})
        if False
        else post(
            client,
            "/payment-intents",
            {"amount": "20.00", "currency": "ZAR", "purpose": "wallet_top_up", "description": "Top-up"},
            **{"Idempotency-Key": "create-abc"},
        )
    )
    second = post(
        client,
        "/payment-intents",
        {"amount": "20.00", "currency": "ZAR", "purpose": "wallet_top_up", "description": "Top-up"},
        **{"Idempotency-Key": "create-abc"},
    )
    assert second.json()["id"] == first.json()["id"]
    assert second["Idempotent-Replayed"] == "true"
    assert PaymentIntent.objects.count() == 1
    intent_id = first.json()["id"]
    confirm = {"payment_method": SUCCESS_CARD}
    one = post(client, f"/payment-intents/{intent_id}/confirm", confirm, **{"Idempotency-Key": "confirm-abc"})
    two = post(client, f"/payment-intents/{intent_id}/confirm", confirm, **{"Idempotency-Key": "confirm-abc"})
    assert (one.status_code, two.status_code) == (200, 200)
    assert one.json()["receipt_id"] == two.json()["receipt_id"]


def test_a_challenge_through_the_api(customer: User) -> None:
    client = session_client(customer)
    intent = create(client).json()
    challenged = post(
        client, f"/payment-intents/{intent['id']}/confirm", {"payment_method": card("4000000000003220")}
    ).json()
    assert challenged["status"] == "requires_action"
    approved = post(client, f"/payment-intents/{intent['id']}/challenge", {"outcome": "approve"}).json()
    assert approved["status"] == "succeeded"


def test_refunds_through_the_api(customer: User, finance_admin: User) -> None:
    done = paid(session_client(customer))
    body = {"payment_intent_id": done["id"], "amount": "50.00", "reason": "Course not as described"}
    before = payments_snapshot()
    refused = post(session_client(customer), "/refunds", body)
    assert (refused.status_code, refused.json()["code"]) == (403, "refund_not_permitted")
    assert payments_snapshot() == before
    admin = session_client(finance_admin)
    made = post(admin, "/refunds", body)
    assert made.status_code == 201
    assert (made.json()["status"], made.json()["amount"]["amount"]) == ("succeeded", "50.00")
    wallet = finance.user_wallet(user_id=customer.id, currency="ZAR")
    balance = finance.balance(account_id=wallet.id).posted.minor
    before = payments_snapshot()
    too_much = post(admin, "/refunds", body | {"amount": "100.01"})
    assert (too_much.status_code, too_much.json()["code"]) == (409, "refund_exceeds_remaining")
    assert payments_snapshot() == before
    assert finance.balance(account_id=wallet.id).posted.minor == balance == 10000
    too_precise = post(admin, "/refunds", body | {"amount": "1.001"})
    assert too_precise.status_code == 422


def sandbox_event(ref: str, status: str = "succeeded", event_id: str = "evt_api") -> bytes:
    payment = {"id": ref, "object": "payment_intent", "amount": 15000, "currency": "ZAR", "status": status}
    event = {"id": event_id, "object": "event", "type": f"payment_intent.{status}", "created": int(time.time())}
    return json.dumps(event | {"data": {"object": payment}}).encode()


def test_webhooks_need_no_credential_and_no_csrf_but_a_signature(
    customer: User, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    client = session_client(customer)
    intent = create(client).json()
    post(client, f"/payment-intents/{intent['id']}/confirm", {"payment_method": card("4000000000000077")})
    ref = PaymentIntent.objects.get(pk=intent["id"]).provider_ref
    body = sandbox_event(ref)
    provider_client = Client(enforce_csrf_checks=True)
    before = payments_snapshot()
    bad = provider_client.post(
        "/api/v1/webhooks/sandbox", data=body, content_type=JSON, headers={SIGNATURE_HEADER: "t=1,v1=00"}
    )
    assert (bad.status_code, bad.json()["code"]) == (400, "webhook_signature_invalid")
    stale = stripe_style_sign(
        payload=body, secret=payments_config().sandbox_webhook_secret, timestamp=int(time.time()) - 3600
    )
    old = provider_client.post(
        "/api/v1/webhooks/sandbox", data=body, content_type=JSON, headers={SIGNATURE_HEADER: stale}
    )
    assert (old.status_code, old.json()["code"]) == (400, "webhook_signature_invalid")
    assert payments_snapshot() == before
    signature = stripe_style_sign(payload=body, secret=payments_config().sandbox_webhook_secret)
    with django_capture_on_commit_callbacks(execute=True):
        good = provider_client.post(
            "/api/v1/webhooks/sandbox", data=body, content_type=JSON, headers={SIGNATURE_HEADER: signature}
        )
    assert good.status_code == 200
    assert good.json() == {"received": True, "duplicate": False}
    assert PaymentIntent.objects.get(pk=intent["id"]).status == "succeeded"
    again = provider_client.post(
        "/api/v1/webhooks/sandbox", data=body, content_type=JSON, headers={SIGNATURE_HEADER: signature}
    )
    assert again.json() == {"received": True, "duplicate": True}
    assert WebhookEvent.objects.get().deliveries == 2
    unknown = provider_client.post("/api/v1/webhooks/paypal", data=b"{}", content_type=JSON)
    assert (unknown.status_code, unknown.json()["code"]) == (422, "unknown_provider")


# --- a whole payment through Stripe's API (the local Stripe server) ----------------------------------------


def test_a_stripe_payment_end_to_end(
    customer: User, stripe_server: FakeProvider, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    client = session_client(customer)
    intent = create(client, provider="stripe", amount="80.00").json()
    assert intent["provider"] == "stripe"
    method = {"type": "card", "payment_method": "pm_card_authenticationRequired"}
    challenged = post(
        client, f"/payment-intents/{intent['id']}/confirm", {"payment_method": method}, **{"Idempotency-Key": "k-9"}
    ).json()
    assert challenged["status"] == "requires_action"
    assert challenged["next_action"]["type"] == "redirect_to_url"
    confirm_requests = [r for r in stripe_server.requests if r.path.endswith("/confirm")]
    assert [r.headers["Idempotency-Key"] for r in confirm_requests] == [f"azora-confirm-{intent['id']}-k-9"]
    return_url = f"http://127.0.0.1:8000/pay/checkout/{intent['id']}/result/"
    assert ("return_url", return_url) in parse_qsl(confirm_requests[0].body.decode())
    ref = PaymentIntent.objects.get(pk=intent["id"]).provider_ref
    # The customer passes 3-D Secure at the bank; Stripe tells us by a signed webhook.
    stripe_server.objects[ref].update(status="succeeded", next_action=None)
    view = {key: value for key, value in stripe_server.objects[ref].items() if key not in {"card", "refunded"}}
    event = {"id": "evt_stripe_1", "object": "event", "type": "payment_intent.succeeded", "data": {"object": view}}
    body = json.dumps(event)
    timestamp = int(time.time())
    signature = stripe.WebhookSignature._compute_signature(f"{timestamp}.{body}", "whsec_api_test")
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            "/api/v1/webhooks/stripe",
            data=body.encode(),
            content_type=JSON,
            headers={"Stripe-Signature": f"t={timestamp},v1={signature}"},
        )
    assert response.status_code == 200
    done = client.get(f"/api/v1/payment-intents/{intent['id']}").json()
    assert done["status"] == "succeeded"
    assert done["receipt_id"] is not None
    clearing = finance.platform_account(code="clearing:stripe", currency="ZAR")
    fees = finance.platform_account(code="provider_fees:stripe", currency="ZAR")
    # 2.90% of 80.00 = 2.32, plus 0.30 = 2.62
    assert finance.balance(account_id=fees.id).posted.minor == 262
    assert finance.balance(account_id=clearing.id).posted.minor == 8000 - 262
