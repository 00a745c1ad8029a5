"""The services and the webhook endpoint with Paystack behind them (the local Paystack server)."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from django.test import Client
from pytest_django import DjangoCaptureOnCommitCallbacks

from azora.accounts.models import User
from azora.finance import public as finance
from azora.payments import services
from azora.payments.models import PaymentIntent, Receipt
from azora.payments.tests.conftest import card, payments_snapshot
from azora.payments.tests.contract.servers import PAYSTACK_KEY, FakeProvider
from azora.shared.money import Money

pytestmark = pytest.mark.django_db


def paystack_event(server: FakeProvider, reference: str, name: str) -> bytes:
    transaction = {key: value for key, value in server.objects[reference].items() if key not in {"refunded", "refunds"}}
    return json.dumps({"event": name, "data": transaction}).encode()


def test_a_pending_paystack_charge_settles_by_its_signed_webhook(
    customer: User,
    paystack_server: FakeProvider,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    intent = services.payment_intent_create(
        customer_id=customer.id, amount=Money(300000, "NGN"), purpose="course_purchase", description="Course",
        provider="paystack",
    )  # fmt: skip
    assert intent.next_action is not None
    assert intent.next_action["url"].startswith("https://checkout.paystack.com/")
    pending = services.payment_intent_confirm(
        intent_id=intent.id, customer_id=customer.id, payment_method=card("4000000000000077")
    )
    assert pending.status == "processing"
    reference = PaymentIntent.objects.get(pk=intent.id).provider_ref
    assert reference == str(intent.id)
    paystack_server.objects[reference]["status"] = "success"
    body = paystack_event(paystack_server, reference, "charge.success")
    before = payments_snapshot()
    forged = Client().post(
        "/api/v1/webhooks/paystack", data=body, content_type="application/json",
        headers={"x-paystack-signature": hmac.new(b"wrong", body, hashlib.sha512).hexdigest()},
    )  # fmt: skip
    assert (forged.status_code, forged.json()["code"]) == (400, "webhook_signature_invalid")
    assert payments_snapshot() == before
    signature = hmac.new(PAYSTACK_KEY.encode(), body, hashlib.sha512).hexdigest()
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            "/api/v1/webhooks/paystack", data=body, content_type="application/json",
            headers={"x-paystack-signature": signature},
        )  # fmt: skip
    assert response.json() == {"received": True, "duplicate": False}
    row = PaymentIntent.objects.get(pk=intent.id)
    assert row.status == "succeeded"
    assert Receipt.objects.get(intent_id=intent.id).payment_method_last4 == "0077"
    fees = finance.platform_account(code="provider_fees:paystack", currency="NGN")
    assert finance.balance(account_id=fees.id).posted.minor == 4600  # 1.50% of 3000.00 = 45.00, plus 1.00


def test_a_paystack_decline(customer: User, paystack_server: FakeProvider) -> None:
    intent = services.payment_intent_create(
        customer_id=customer.id, amount=Money(5000, "GHS"), purpose="course_purchase", description="Course",
        provider="paystack",
    )  # fmt: skip
    failed = services.payment_intent_confirm(
        intent_id=intent.id, customer_id=customer.id, payment_method=card("4000000000000069")
    )
    assert (failed.status, failed.failure_code, failed.failure_message) == ("failed", "expired_card", "Expired Card")
