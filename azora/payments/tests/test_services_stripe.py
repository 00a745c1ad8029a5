"""The services with Stripe behind them (the local Stripe server): declines, stuck intents, refunds on the wire."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
import stripe
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from azora.accounts.models import User
from azora.finance import public as finance
from azora.payments import services
from azora.payments.errors import ProviderUnavailable
from azora.payments.models import PaymentIntent, Refund
from azora.payments.public import PaymentIntentView
from azora.payments.tests.conftest import Sleeps, payments_snapshot, published
from azora.payments.tests.contract.servers import FakeProvider
from azora.shared.money import Money

pytestmark = pytest.mark.django_db
VISA = {"type": "card", "payment_method": "pm_card_visa"}


def stripe_intent(customer: User) -> PaymentIntentView:
    return services.payment_intent_create(
        customer_id=customer.id, amount=Money(5000, "USD"), purpose="course_purchase", description="Course",
        provider="stripe",
    )  # fmt: skip


def test_a_stripe_decline_fails_with_stripes_decline_code(customer: User, stripe_server: FakeProvider) -> None:
    intent = stripe_intent(customer)
    failed = services.payment_intent_confirm(
        intent_id=intent.id,
        customer_id=customer.id,
        payment_method={"type": "card", "payment_method": "pm_card_chargeDeclinedInsufficientFunds"},
    )
    assert (failed.status, failed.failure_code) == ("failed", "insufficient_funds")
    assert finance.transfer_get(transfer_id=PaymentIntent.objects.get(pk=intent.id).ledger_transfer_id) is None


def test_a_provider_down_through_every_retry_leaves_processing_then_the_sync_job_fails_it(
    customer: User, stripe_server: FakeProvider, sleeps: Sleeps
) -> None:
    intent = stripe_intent(customer)
    stripe_server.fail_next(*[503] * 5)
    with pytest.raises(ProviderUnavailable):
        services.payment_intent_confirm(intent_id=intent.id, customer_id=customer.id, payment_method=VISA)
    assert stripe_server.count("POST", "/v1/payment_intents/") == 5  # the create, then 5 confirm attempts
    assert sleeps.delays == [0.5, 1.0, 2.0, 4.0]
    assert PaymentIntent.objects.get(pk=intent.id).status == "processing"
    assert services.stuck_intents_sync() == 0  # not stuck long enough yet
    later = timezone.now() + dt.timedelta(minutes=16)
    assert services.stuck_intents_sync(now=later) == 1
    row = PaymentIntent.objects.get(pk=intent.id)
    assert (row.status, row.failure_code) == ("failed", "confirmation_not_received")


def test_a_stripe_refund_carries_its_idempotency_key(
    customer: User, finance_admin: User, stripe_server: FakeProvider
) -> None:
    intent = stripe_intent(customer)
    services.payment_intent_confirm(intent_id=intent.id, customer_id=customer.id, payment_method=VISA)
    refund = services.refund_create(
        intent_id=intent.id, amount=Money(1250, "USD"), reason="Partial", requested_by=finance_admin.id
    )
    assert refund.status == "succeeded"
    [request] = [r for r in stripe_server.requests if r.path == "/v1/refunds"]
    assert request.headers["Idempotency-Key"] == f"azora-refund-{refund.id}"
    assert b"amount=1250" in request.body


def test_a_refund_stripe_refuses_is_failed_and_frees_the_amount(
    customer: User, finance_admin: User, stripe_server: FakeProvider
) -> None:
    intent = stripe_intent(customer)
    services.payment_intent_confirm(intent_id=intent.id, customer_id=customer.id, payment_method=VISA)
    ref = PaymentIntent.objects.get(pk=intent.id).provider_ref
    stripe_server.objects[ref]["refunded"] = 5000  # refunded in Stripe's dashboard behind our back
    before = payments_snapshot()
    with pytest.raises(Exception, match="refused"):
        services.refund_create(intent_id=intent.id, amount=None, reason="x", requested_by=finance_admin.id)
    after = payments_snapshot()
    assert after["refunds"][0][1] == "failed"
    assert after["intents"] == before["intents"]
    wallet_or_sales = finance.platform_account(code="revenue:sales", currency="USD")
    assert finance.balance(account_id=wallet_or_sales.id).posted.minor == 5000


def test_a_refund_stripe_fails_later_is_undone_in_the_ledger(
    customer: User,
    finance_admin: User,
    stripe_server: FakeProvider,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    intent = stripe_intent(customer)
    services.payment_intent_confirm(intent_id=intent.id, customer_id=customer.id, payment_method=VISA)
    sales = finance.platform_account(code="revenue:sales", currency="USD")
    refund = services.refund_create(
        intent_id=intent.id, amount=Money(2000, "USD"), reason="Partial", requested_by=finance_admin.id
    )
    assert finance.balance(account_id=sales.id).posted.minor == 3000
    provider_ref = Refund.objects.get(pk=refund.id).provider_ref
    failed = {"id": provider_ref, "object": "refund", "amount": 2000, "currency": "usd", "status": "failed",
              "failure_reason": "expired_or_canceled_card", "payment_intent": "pi_x"}  # fmt: skip
    body = json.dumps({"id": "evt_refund_failed", "object": "event", "type": "refund.failed",
                       "data": {"object": failed}})  # fmt: skip
    timestamp = int(time.time())
    signature = stripe.WebhookSignature._compute_signature(f"{timestamp}.{body}", "whsec_api_test")
    headers = {"Stripe-Signature": f"t={timestamp},v1={signature}"}
    with django_capture_on_commit_callbacks(execute=True):
        services.webhook_receive(provider="stripe", body=body.encode(), headers=headers)
    row = Refund.objects.get(pk=refund.id)
    assert (row.status, row.failure_code) == ("failed", "expired_or_canceled_card")
    assert PaymentIntent.objects.get(pk=intent.id).amount_refunded_minor == 0
    assert finance.balance(account_id=sales.id).posted.minor == 5000
    assert [event["failure_code"] for event in published("payments.payment_refund_failed")] == [
        "expired_or_canceled_card"
    ]
    # Delivered again, it changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        services.webhook_receive(provider="stripe", body=body.encode(), headers=headers)
    assert finance.balance(account_id=sales.id).posted.minor == 5000
    assert len(published("payments.payment_refund_failed")) == 1
