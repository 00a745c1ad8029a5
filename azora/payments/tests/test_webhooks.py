"""Webhooks: signatures checked before anything is read, stored once per event id, processed after commit."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from pytest_django import DjangoCaptureOnCommitCallbacks

from azora.accounts.models import User
from azora.payments import services
from azora.payments.adapters.sandbox import SIGNATURE_HEADER, SandboxProvider
from azora.payments.adapters.signatures import stripe_style_sign
from azora.payments.config import payments_config
from azora.payments.errors import UnknownProvider, WebhookPayloadInvalid, WebhookSignatureInvalid
from azora.payments.models import PaymentIntent, Receipt, WebhookEvent, WebhookStatus
from azora.payments.public import PaymentIntentView
from azora.payments.tests.conftest import card, payments_snapshot, published
from azora.shared.money import Money

pytestmark = pytest.mark.django_db


def sandbox() -> SandboxProvider:
    return SandboxProvider(webhook_secret=payments_config().sandbox_webhook_secret)


def processing_intent(customer: User) -> PaymentIntentView:
    """An intent confirmed with the asynchronous card; its settlement task is NOT run (no on_commit here)."""
    intent = services.payment_intent_create(
        customer_id=customer.id, amount=Money(2500, "ZAR"), purpose="wallet_top_up", description="Top-up"
    )
    return services.payment_intent_confirm(
        intent_id=intent.id, customer_id=customer.id, payment_method=card("4000000000000077")
    )


def provider_ref(intent: PaymentIntentView) -> str:
    return PaymentIntent.objects.get(pk=intent.id).provider_ref


def event_body(ref: str, status: str, *, event_id: str, amount: int = 2500) -> bytes:
    payment = {"id": ref, "object": "payment_intent", "amount": amount, "currency": "ZAR", "status": status}
    payment |= {"card": {"brand": "visa", "last4": "0077"}, "failure_code": ""}
    event = {"id": event_id, "object": "event", "type": f"payment_intent.{status}", "created": int(time.time())}
    return json.dumps(event | {"data": {"object": payment}}).encode()


def signed(body: bytes, *, timestamp: int | None = None, secret: str | None = None) -> dict[str, str]:
    secret = secret or payments_config().sandbox_webhook_secret
    return {SIGNATURE_HEADER: stripe_style_sign(payload=body, secret=secret, timestamp=timestamp)}


def test_a_signed_settlement_succeeds_the_intent(
    customer: User, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    intent = processing_intent(customer)
    ref = provider_ref(intent)
    sandbox().settle(provider_ref=ref)
    body, headers = sandbox().signed_event(provider_ref=ref)
    with django_capture_on_commit_callbacks(execute=True):
        receipt = services.webhook_receive(provider="sandbox", body=body, headers=headers)
    assert receipt.is_duplicate is False
    stored = WebhookEvent.objects.get(event_id=receipt.event_id)
    assert (stored.status, stored.outcome, stored.deliveries) == (WebhookStatus.PROCESSED, "moved to succeeded", 1)
    assert PaymentIntent.objects.get(pk=intent.id).status == "succeeded"
    assert Receipt.objects.count() == 1


def test_the_same_event_twice_is_stored_and_applied_once(
    customer: User, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    intent = processing_intent(customer)
    body = event_body(provider_ref(intent), "succeeded", event_id="evt_1")
    with django_capture_on_commit_callbacks(execute=True):
        first = services.webhook_receive(provider="sandbox", body=body, headers=signed(body))
    with django_capture_on_commit_callbacks(execute=True):
        second = services.webhook_receive(provider="sandbox", body=body, headers=signed(body))
    assert (first.is_duplicate, second.is_duplicate) == (False, True)
    assert WebhookEvent.objects.get(event_id="evt_1").deliveries == 2
    assert Receipt.objects.count() == 1
    assert len(published("payments.payment_succeeded")) == 1


def test_a_late_processing_after_succeeded_changes_nothing(
    customer: User, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    intent = processing_intent(customer)
    ref = provider_ref(intent)
    succeeded = event_body(ref, "succeeded", event_id="evt_2")
    late = event_body(ref, "processing", event_id="evt_1")
    with django_capture_on_commit_callbacks(execute=True):
        services.webhook_receive(provider="sandbox", body=succeeded, headers=signed(succeeded))
    before = PaymentIntent.objects.get(pk=intent.id)
    with django_capture_on_commit_callbacks(execute=True):
        services.webhook_receive(provider="sandbox", body=late, headers=signed(late))
    after = PaymentIntent.objects.get(pk=intent.id)
    assert (after.status, after.updated_at) == ("succeeded", before.updated_at)
    stored = WebhookEvent.objects.get(event_id="evt_1")
    assert (stored.status, stored.outcome) == (WebhookStatus.IGNORED, "stale: processing after succeeded")
    assert len(published("payments.payment_succeeded")) == 1


def test_a_failure_after_success_changes_nothing(
    customer: User, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    intent = processing_intent(customer)
    ref = provider_ref(intent)
    succeeded, failed = event_body(ref, "succeeded", event_id="evt_a"), event_body(ref, "failed", event_id="evt_b")
    with django_capture_on_commit_callbacks(execute=True):
        services.webhook_receive(provider="sandbox", body=succeeded, headers=signed(succeeded))
        services.webhook_receive(provider="sandbox", body=failed, headers=signed(failed))
    assert PaymentIntent.objects.get(pk=intent.id).status == "succeeded"
    assert published("payments.payment_failed") == []


def test_an_event_whose_amount_differs_is_ignored(
    customer: User, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    intent = processing_intent(customer)
    body = event_body(provider_ref(intent), "succeeded", event_id="evt_x", amount=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.webhook_receive(provider="sandbox", body=body, headers=signed(body))
    assert PaymentIntent.objects.get(pk=intent.id).status == "processing"
    assert WebhookEvent.objects.get(event_id="evt_x").outcome == "amount_mismatch"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {SIGNATURE_HEADER: "t=1,v1=deadbeef"},
        {SIGNATURE_HEADER: "garbage"},
        {SIGNATURE_HEADER: "v1=abc"},
    ],
    ids=["missing", "wrong", "malformed", "no-timestamp"],
)
def test_bad_signatures_are_refused_before_anything_is_stored(customer: User, headers: dict[str, str]) -> None:
    intent = processing_intent(customer)
    body = event_body(provider_ref(intent), "succeeded", event_id="evt_bad")
    before = payments_snapshot()
    with pytest.raises(WebhookSignatureInvalid):
        services.webhook_receive(provider="sandbox", body=body, headers=headers)
    assert payments_snapshot() == before


def test_a_signature_with_another_secret_or_a_changed_body_is_refused(customer: User) -> None:
    intent = processing_intent(customer)
    body = event_body(provider_ref(intent), "succeeded", event_id="evt_bad")
    before = payments_snapshot()
    with pytest.raises(WebhookSignatureInvalid):
        services.webhook_receive(provider="sandbox", body=body, headers=signed(body, secret="not-the-secret"))
    tampered = body.replace(b"2500", b"2501")
    with pytest.raises(WebhookSignatureInvalid):
        services.webhook_receive(provider="sandbox", body=tampered, headers=signed(body))
    assert payments_snapshot() == before


def test_a_stale_signature_is_refused(customer: User) -> None:
    intent = processing_intent(customer)
    body = event_body(provider_ref(intent), "succeeded", event_id="evt_old")
    before = payments_snapshot()
    with pytest.raises(WebhookSignatureInvalid):
        services.webhook_receive(provider="sandbox", body=body, headers=signed(body, timestamp=int(time.time()) - 301))
    assert payments_snapshot() == before
    assert PaymentIntent.objects.get(pk=intent.id).status == "processing"


def test_a_signed_body_that_is_not_an_event_is_refused(db: None) -> None:
    body = b'{"hello": "world"}'
    with pytest.raises(WebhookPayloadInvalid):
        services.webhook_receive(provider="sandbox", body=body, headers=signed(body))
    assert WebhookEvent.objects.count() == 0


def test_an_unknown_provider_is_refused(db: None) -> None:
    with pytest.raises(UnknownProvider):
        services.webhook_receive(provider="paypal", body=b"{}", headers={})


def test_pending_events_are_processed_by_the_job(customer: User) -> None:
    intent = processing_intent(customer)
    body = event_body(provider_ref(intent), "succeeded", event_id="evt_lost")
    services.webhook_receive(provider="sandbox", body=body, headers=signed(body))  # its on_commit never runs here
    assert WebhookEvent.objects.get(event_id="evt_lost").status == WebhookStatus.RECEIVED
    WebhookEvent.objects.filter(event_id="evt_lost").update(
        created_at=WebhookEvent.objects.get().created_at.replace(year=2025)
    )
    assert services.pending_webhooks_process() == 1
    assert PaymentIntent.objects.get(pk=intent.id).status == "succeeded"
    assert services.webhook_process(webhook_event_id=WebhookEvent.objects.get().pk) == "already processed"


def test_the_health_probe_reports_a_backlog_and_stuck_intents(customer: User) -> None:
    from azora.payments.selectors import payments_health

    assert payments_health() == ""
    intent = processing_intent(customer)
    body = event_body(provider_ref(intent), "succeeded", event_id="evt_wait")
    services.webhook_receive(provider="sandbox", body=body, headers=signed(body))  # not processed: no commit here
    later = WebhookEvent.objects.get().created_at + dt.timedelta(hours=2)
    assert payments_health(now=later) == (
        "1 webhook event(s) unprocessed for over 5 minutes; 1 payment intent(s) processing for over an hour"
    )
