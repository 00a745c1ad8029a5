"""Payment intents through the sandbox: outcomes of each test card, the ledger, receipts, events and idempotency."""

from __future__ import annotations

import pytest
from django.core import mail
from pytest_django import DjangoCaptureOnCommitCallbacks

from azora.accounts.models import User
from azora.finance import public as finance
from azora.payments import services
from azora.payments.errors import (
    IdempotencyKeyReused,
    InvalidAmount,
    InvalidPaymentMethod,
    InvalidPurpose,
    InvalidTransition,
    PaymentIntentNotFound,
    UnknownProvider,
)
from azora.payments.models import PaymentIntent, PaymentIntentTransition, Receipt, SandboxPayment
from azora.payments.public import PaymentIntentView
from azora.payments.tests.conftest import SUCCESS_CARD, card, payments_snapshot, published
from azora.shared.money import Money

pytestmark = pytest.mark.django_db


def top_up(customer: User, minor: int = 15000, currency: str = "ZAR", **kwargs: object) -> PaymentIntentView:
    return services.payment_intent_create(
        customer_id=customer.id,
        amount=Money(minor, currency),
        purpose="wallet_top_up",
        description="Wallet top-up",
        **kwargs,  # type: ignore[arg-type]
    )


def test_a_new_intent_requires_a_payment_method(customer: User) -> None:
    intent = top_up(customer)
    assert intent.status == "requires_payment_method"
    assert intent.amount == Money(15000, "ZAR")
    assert intent.provider == "sandbox"
    assert intent.receipt_id is None
    wallet = finance.user_wallet(user_id=customer.id, currency="ZAR")
    assert intent.credit_account_id == wallet.id
    assert SandboxPayment.objects.get(reference=str(intent.id)).status == "requires_payment_method"


def test_success_posts_to_the_ledger_issues_a_receipt_and_publishes(
    customer: User, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    intent = top_up(customer)
    with django_capture_on_commit_callbacks(execute=True):
        paid = services.payment_intent_confirm(
            intent_id=intent.id, customer_id=customer.id, payment_method=SUCCESS_CARD
        )
    assert paid.status == "succeeded"
    assert paid.failure_code is None
    assert (paid.payment_method_brand, paid.payment_method_last4) == ("visa", "4242")
    # 2.90% of 150.00 = 4.35, plus 0.30 fixed = 4.65
    assert paid.fee == Money(465, "ZAR")
    row = PaymentIntent.objects.get(pk=intent.id)
    transfer = finance.transfer_get(transfer_id=row.ledger_transfer_id)
    assert transfer is not None
    assert transfer.status == "posted"
    assert transfer.kind == "payment"
    clearing = finance.platform_account(code="clearing:sandbox", currency="ZAR")
    fees = finance.platform_account(code="provider_fees:sandbox", currency="ZAR")
    wallet = finance.user_wallet(user_id=customer.id, currency="ZAR")
    assert sorted((p.account_id, p.side, p.amount.minor) for p in transfer.postings) == sorted(
        [(wallet.id, "credit", 15000), (clearing.id, "debit", 14535), (fees.id, "debit", 465)]
    )
    assert finance.balance(account_id=wallet.id).posted == Money(15000, "ZAR")
    receipt = Receipt.objects.get(intent_id=intent.id)
    assert paid.receipt_id == receipt.id
    assert receipt.number == f"INV-{receipt.issued_at.year}-000001"
    assert receipt.total_minor == 15000
    assert receipt.payment_method_last4 == "4242"
    assert [p["receipt_number"] for p in published("payments.payment_succeeded")] == [receipt.number]
    assert list(PaymentIntentTransition.objects.filter(intent_id=intent.id).values_list("to_status", flat=True)) == [
        "requires_confirmation",
        "processing",
        "succeeded",
    ]
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["thandi@example.test"]
    assert receipt.number in email.subject
    assert "150.00 ZAR" in email.body
    assert email.alternatives[0].mimetype == "text/html"  # type: ignore[attr-defined]
    assert receipt.number in str(email.alternatives[0].content)  # type: ignore[attr-defined]
    assert Receipt.objects.get(pk=receipt.id).emailed_at is not None


def test_the_receipt_email_is_sent_once(
    customer: User, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    intent = top_up(customer)
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_intent_confirm(intent_id=intent.id, customer_id=customer.id, payment_method=SUCCESS_CARD)
    receipt = Receipt.objects.get(intent_id=intent.id)
    assert services.receipt_email_send(receipt_id=receipt.id) is False  # already sent after the success commit
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("4000000000000002", "card_declined"),
        ("4000000000009995", "insufficient_funds"),
        ("4000000000000069", "expired_card"),
        ("4242424242424241", "incorrect_number"),
    ],
)
def test_declines_fail_the_intent_and_post_nothing(
    customer: User, number: str, code: str, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    intent = top_up(customer)
    with django_capture_on_commit_callbacks(execute=True):
        failed = services.payment_intent_confirm(
            intent_id=intent.id, customer_id=customer.id, payment_method=card(number)
        )
    assert failed.status == "failed"
    assert failed.failure_code == code
    assert failed.failure_message
    row = PaymentIntent.objects.get(pk=intent.id)
    assert finance.transfer_get(transfer_id=row.ledger_transfer_id) is None
    assert Receipt.objects.count() == 0
    assert [p["failure_code"] for p in published("payments.payment_failed")] == [code]
    assert published("payments.payment_succeeded") == []
    assert mail.outbox == []


def test_an_expiry_in_the_past_is_an_expired_card(customer: User) -> None:
    intent = top_up(customer)
    method = {**SUCCESS_CARD, "exp_year": "2020"}
    failed = services.payment_intent_confirm(intent_id=intent.id, customer_id=customer.id, payment_method=method)
    assert (failed.status, failed.failure_code) == ("failed", "expired_card")


def test_a_challenge_requires_action_then_approval_succeeds(customer: User) -> None:
    intent = top_up(customer)
    challenged = services.payment_intent_confirm(
        intent_id=intent.id, customer_id=customer.id, payment_method=card("4000000000003220")
    )
    assert challenged.status == "requires_action"
    assert challenged.next_action is not None
    assert challenged.next_action["type"] == "challenge"
    assert Receipt.objects.count() == 0
    approved = services.payment_intent_complete_action(intent_id=intent.id, customer_id=customer.id, outcome="approve")
    assert approved.status == "succeeded"
    assert approved.next_action is None
    assert approved.receipt_id is not None


def test_a_denied_challenge_fails(customer: User) -> None:
    intent = top_up(customer)
    services.payment_intent_confirm(
        intent_id=intent.id, customer_id=customer.id, payment_method=card("4000000000003220")
    )
    denied = services.payment_intent_complete_action(intent_id=intent.id, customer_id=customer.id, outcome="deny")
    assert (denied.status, denied.failure_code) == ("failed", "authentication_failed")
    assert finance.transfer_get(transfer_id=PaymentIntent.objects.get(pk=intent.id).ledger_transfer_id) is None


def test_an_async_card_settles_by_a_signed_webhook_after_commit(
    customer: User, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    intent = top_up(customer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        processing = services.payment_intent_confirm(
            intent_id=intent.id, customer_id=customer.id, payment_method=card("4000000000000077")
        )
    assert processing.status == "processing"
    assert Receipt.objects.count() == 0
    # The settlement webhook is delivered by a task scheduled after the confirm committed.
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    settled = services.payment_intent_sync(intent_id=intent.id)
    assert settled.status == "succeeded"
    assert settled.receipt_id is not None
    transitions = PaymentIntentTransition.objects.filter(intent_id=intent.id).order_by("id")
    assert [(t.to_status, t.source) for t in transitions] == [
        ("requires_confirmation", "api"),
        ("processing", "api"),
        ("succeeded", "webhook"),
    ]


def test_create_with_the_same_key_returns_the_same_intent(customer: User) -> None:
    first = top_up(customer, idempotency_key="key-1")
    again = top_up(customer, idempotency_key="key-1")
    assert again.id == first.id
    assert PaymentIntent.objects.count() == 1
    assert SandboxPayment.objects.count() == 1
    with pytest.raises(IdempotencyKeyReused):
        top_up(customer, minor=999, idempotency_key="key-1")
    assert PaymentIntent.objects.count() == 1


def test_confirm_with_the_same_key_charges_once(customer: User) -> None:
    intent = top_up(customer)
    first = services.payment_intent_confirm(
        intent_id=intent.id, customer_id=customer.id, payment_method=SUCCESS_CARD, idempotency_key="confirm-1"
    )
    again = services.payment_intent_confirm(
        intent_id=intent.id, customer_id=customer.id, payment_method=SUCCESS_CARD, idempotency_key="confirm-1"
    )
    assert (first.status, again.status) == ("succeeded", "succeeded")
    assert again.receipt_id == first.receipt_id
    assert Receipt.objects.count() == 1
    assert len(published("payments.payment_succeeded")) == 1


def test_confirm_of_a_succeeded_intent_with_a_new_key_is_an_invalid_transition(customer: User) -> None:
    intent = top_up(customer)
    services.payment_intent_confirm(intent_id=intent.id, customer_id=customer.id, payment_method=SUCCESS_CARD)
    before = payments_snapshot()
    with pytest.raises(InvalidTransition) as caught:
        services.payment_intent_confirm(intent_id=intent.id, customer_id=customer.id, payment_method=SUCCESS_CARD)
    assert caught.value.extra == {"current_status": "succeeded", "target": "processing"}
    assert payments_snapshot() == before


def test_cancel_before_payment_and_not_after(customer: User) -> None:
    intent = top_up(customer)
    canceled = services.payment_intent_cancel(intent_id=intent.id, customer_id=customer.id)
    assert canceled.status == "canceled"
    assert SandboxPayment.objects.get(reference=str(intent.id)).status == "canceled"
    before = payments_snapshot()
    with pytest.raises(InvalidTransition):
        services.payment_intent_confirm(intent_id=intent.id, customer_id=customer.id, payment_method=SUCCESS_CARD)
    with pytest.raises(InvalidTransition):
        services.payment_intent_cancel(intent_id=intent.id, customer_id=customer.id)
    assert payments_snapshot() == before


def test_a_processing_intent_cannot_be_canceled(customer: User) -> None:
    intent = top_up(customer)
    services.payment_intent_confirm(
        intent_id=intent.id, customer_id=customer.id, payment_method=card("4000000000000077")
    )
    before = payments_snapshot()
    with pytest.raises(InvalidTransition):
        services.payment_intent_cancel(intent_id=intent.id, customer_id=customer.id)
    assert payments_snapshot() == before


def test_another_customer_cannot_touch_the_intent(customer: User, other_user: User) -> None:
    intent = top_up(customer)
    before = payments_snapshot()
    with pytest.raises(PaymentIntentNotFound):
        services.payment_intent_confirm(intent_id=intent.id, customer_id=other_user.id, payment_method=SUCCESS_CARD)
    with pytest.raises(PaymentIntentNotFound):
        services.payment_intent_cancel(intent_id=intent.id, customer_id=other_user.id)
    assert payments_snapshot() == before


@pytest.mark.parametrize("minor", [0, -100])
def test_zero_and_negative_amounts_are_refused(customer: User, minor: int) -> None:
    before = payments_snapshot()
    with pytest.raises(InvalidAmount):
        top_up(customer, minor=minor)
    assert payments_snapshot() == before
    assert SandboxPayment.objects.count() == 0


def test_bad_purpose_provider_and_payment_method_are_refused(customer: User) -> None:
    with pytest.raises(InvalidPurpose):
        services.payment_intent_create(
            customer_id=customer.id, amount=Money(100, "ZAR"), purpose="gift", description="x"
        )
    with pytest.raises(UnknownProvider):
        top_up(customer, provider="stripe")
    intent = top_up(customer)
    before = payments_snapshot()
    with pytest.raises(InvalidPaymentMethod):
        services.payment_intent_confirm(
            intent_id=intent.id, customer_id=customer.id, payment_method={"type": "card", "number": "x"}
        )
    assert payments_snapshot() == before


def test_a_purchase_credits_platform_sales_by_default(customer: User) -> None:
    intent = services.payment_intent_create(
        customer_id=customer.id, amount=Money(5000, "USD"), purpose="course_purchase", description="Course"
    )
    assert intent.credit_account_id == finance.platform_account(code="revenue:sales", currency="USD").id
