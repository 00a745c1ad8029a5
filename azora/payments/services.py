"""The write side of the Payment Service: intents through their state machine, webhooks, refunds and receipts.

Provider calls never run inside a database transaction: a service commits the state it is leaving from, calls
the provider (with retries and an idempotency key), then applies the provider's answer in a second transaction
that re-locks the intent. Successes post to the ledger, number the receipt and publish the event in the same
transaction as the status change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal, cast

from django.db import IntegrityError, connections, transaction
from django.db.models import F, Sum
from django.utils import timezone

from azora.accounts.public import user_profile
from azora.payments import ledger
from azora.payments.adapters import (
    CreateRequest,
    PaymentProvider,
    ProviderError,
    ProviderIntent,
    ProviderRefund,
    RetryPolicy,
    SaveRequest,
    SignatureError,
    build_provider,
)
from azora.payments.config import payments_config
from azora.payments.errors import (
    IdempotencyKeyReused,
    InvalidAmount,
    InvalidPaymentMethod,
    InvalidPurpose,
    InvalidTransition,
    PaymentIntentNotFound,
    PaymentMethodDeclined,
    PaymentMethodLimitReached,
    PaymentMethodNotFound,
    PaymentNotRefundable,
    ProviderRejected,
    ProviderUnavailable,
    RefundExceedsRemaining,
    RefundNotPermitted,
    RefundWindowClosed,
    UnknownProvider,
    WebhookPayloadInvalid,
    WebhookSignatureInvalid,
)
from azora.payments.events import PaymentFailed, PaymentRefunded, PaymentRefundFailed, PaymentSucceeded
from azora.payments.models import (
    InvoiceCounter,
    PaymentIntent,
    PaymentIntentTransition,
    Purpose,
    Receipt,
    Refund,
    RefundStatus,
    SavedPaymentMethod,
    WebhookEvent,
    WebhookStatus,
)
from azora.payments.public import PaymentIntentView, RefundView, SavedPaymentMethodView
from azora.payments.selectors import intent_view, is_finance_admin, refund_view, saved_method_view
from azora.payments.state import IntentStatus, may_transition, path_to
from azora.shared.errors import DomainError, ValidationFailed
from azora.shared.events import publish
from azora.shared.ids import uuid7
from azora.shared.money import CURRENCY_EXPONENTS, Money, UnknownCurrency
from azora.shared.observability.logging import get_logger

logger = get_logger("azora.payments")

MAX_DESCRIPTION_LENGTH = 500
MAX_METADATA_KEYS = 20
MAX_METADATA_KEY_LENGTH = 40
MAX_METADATA_VALUE_LENGTH = 500
MAX_IDEMPOTENCY_KEY_LENGTH = 255

# Given to every adapter built here, which retries its own requests with it; tests replace it to count
# attempts without sleeping (see tests/conftest.py).
retry_policy = RetryPolicy()


def provider_named(name: str) -> PaymentProvider:
    config = payments_config()
    if name not in config.enabled_providers:
        raise UnknownProvider(f"The payment provider {name!r} is not enabled.", extra={"provider": name})
    return build_provider(name, config=config, retry=retry_policy)


# --- creating an intent ---------------------------------------------------------------------------------


def payment_intent_create(
    *,
    customer_id: uuid.UUID,
    amount: Money,
    purpose: str,
    description: str,
    credit_account_id: uuid.UUID | None = None,
    metadata: Mapping[str, str] | None = None,
    provider: str | None = None,
    idempotency_key: str | None = None,
) -> PaymentIntentView:
    """A new intent (requires_payment_method), created at the provider first; the same key returns the same intent."""
    _check_amount(amount)
    if purpose not in Purpose.values:
        message = f"One of {', '.join(Purpose.values)}."
        raise InvalidPurpose(extra={"errors": [{"field": "purpose", "message": message}]})
    description = description.strip()
    if not description or len(description) > MAX_DESCRIPTION_LENGTH:
        raise ValidationFailed(
            "The description must be 1 to 500 characters.",
            extra={"errors": [{"field": "description", "message": "1 to 500 characters."}]},
        )
    clean_metadata = _clean_metadata(metadata or {})
    provider_name = provider or payments_config().default_provider
    adapter = provider_named(provider_name)
    key = _clean_key(idempotency_key)
    fingerprint = _fingerprint(
        [amount.minor, amount.currency, purpose, description, str(credit_account_id), clean_metadata, provider_name]
    )
    if key:
        replay = _replay_create(customer_id=customer_id, key=key, fingerprint=fingerprint)
        if replay is not None:
            return replay
    if credit_account_id is not None and ledger.account_currency(account_id=credit_account_id) != amount.currency:
        raise ValidationFailed(
            "The credit account does not exist or is in another currency.",
            extra={"errors": [{"field": "credit_account_id", "message": "Unknown account or other currency."}]},
        )
    intent_id = uuid7()
    profile = user_profile(user_id=customer_id)
    created = _call(
        lambda: adapter.create_intent(
            CreateRequest(
                amount=amount,
                reference=str(intent_id),
                description=description,
                customer_email=profile.email,
                metadata=clean_metadata,
                idempotency_key=f"azora-create-{customer_id}-{key}" if key else f"azora-create-{intent_id}",
            )
        )
    )
    try:
        with transaction.atomic():
            account_id = credit_account_id or ledger.default_credit_account(
                customer_id=customer_id, purpose=purpose, currency=amount.currency
            )
            intent = PaymentIntent.objects.create(
                id=intent_id,
                customer_id=customer_id,
                amount_minor=amount.minor,
                currency=amount.currency,
                purpose=purpose,
                description=description,
                provider=provider_name,
                provider_ref=created.provider_ref,
                credit_account_id=account_id,
                metadata=clean_metadata,
                next_action=dict(created.next_action) if created.next_action else None,
                create_idempotency_key=key,
                create_fingerprint=fingerprint,
            )
    except IntegrityError:
        # The same key raced in from a concurrent request: its intent is the answer.
        replay = _replay_create(customer_id=customer_id, key=key, fingerprint=fingerprint) if key else None
        if replay is None:
            raise
        return replay
    logger.info("payment_intent_created", intent_id=str(intent.id), provider=provider_name, currency=amount.currency)
    return intent_view(intent)


def _replay_create(*, customer_id: uuid.UUID, key: str, fingerprint: str) -> PaymentIntentView | None:
    existing = PaymentIntent.objects.filter(customer_id=customer_id, create_idempotency_key=key).first()
    if existing is None:
        return None
    if existing.create_fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    return intent_view(existing)


# --- confirming, challenges, canceling -------------------------------------------------------------------


def payment_intent_confirm(
    *,
    intent_id: uuid.UUID,
    customer_id: uuid.UUID,
    payment_method: Mapping[str, str],
    idempotency_key: str | None = None,
) -> PaymentIntentView:
    """Charges the payment method: requires_payment_method -> requires_confirmation -> processing -> outcome.

    Called again with the same key it returns the intent as it is now and charges nothing again.
    """

    def check(adapter: PaymentProvider, intent: PaymentIntent) -> None:
        try:
            adapter.check_payment_method(payment_method)
        except ValueError as error:
            raise InvalidPaymentMethod(str(error)) from error

    def charge(adapter: PaymentProvider, intent: PaymentIntent, provider_key: str) -> ProviderIntent:
        return adapter.confirm_intent(
            provider_ref=intent.provider_ref,
            payment_method=payment_method,
            idempotency_key=provider_key,
            return_url=payments_config().return_url_template.format(intent_id=intent.id),
        )

    return _confirm(
        intent_id=intent_id, customer_id=customer_id, idempotency_key=idempotency_key, check=check, charge=charge
    )


def payment_intent_confirm_saved(
    *,
    intent_id: uuid.UUID,
    customer_id: uuid.UUID,
    method_id: uuid.UUID,
    idempotency_key: str | None = None,
) -> PaymentIntentView:
    """Charges the customer's saved payment method off-session, through the same steps as a confirm: the same
    transitions, and on success the same ledger transfer, receipt and PaymentSucceeded in one transaction."""
    saved: list[SavedPaymentMethod] = []

    def check(adapter: PaymentProvider, intent: PaymentIntent) -> None:
        method = SavedPaymentMethod.objects.filter(pk=method_id, customer_id=customer_id).first()
        if method is None:
            raise PaymentMethodNotFound()
        if method.provider != intent.provider:
            raise InvalidPaymentMethod(
                f"The saved payment method is kept by {method.provider}; this payment goes through {intent.provider}.",
                extra={"errors": [{"field": "method_id", "message": f"A {intent.provider} payment method."}]},
            )
        saved.append(method)

    def charge(adapter: PaymentProvider, intent: PaymentIntent, provider_key: str) -> ProviderIntent:
        return adapter.confirm_intent_saved(
            provider_ref=intent.provider_ref,
            token=saved[0].provider_token,
            customer_ref=saved[0].provider_customer_ref,
            idempotency_key=provider_key,
        )

    return _confirm(
        intent_id=intent_id, customer_id=customer_id, idempotency_key=idempotency_key, check=check, charge=charge
    )


def _confirm(
    *,
    intent_id: uuid.UUID,
    customer_id: uuid.UUID,
    idempotency_key: str | None,
    check: Callable[[PaymentProvider, PaymentIntent], None],
    charge: Callable[[PaymentProvider, PaymentIntent, str], ProviderIntent],
) -> PaymentIntentView:
    """The steps of every confirm: lock, replay a repeated key, `check` the payment method (refusals write
    nothing), move to processing and commit; then `charge` at the provider outside any transaction and apply
    its answer in a second one."""
    key = _clean_key(idempotency_key)
    with transaction.atomic():
        intent = _locked_intent(intent_id=intent_id, customer_id=customer_id)
        if key and intent.confirm_idempotency_key == key:
            return intent_view(intent)
        if intent.status not in {"requires_payment_method", "requires_confirmation"}:
            raise _invalid_transition(intent, "processing")
        adapter = provider_named(intent.provider)
        check(adapter, intent)
        _move_along(intent, cast(list[IntentStatus], path_to(cast(IntentStatus, intent.status), "processing")), "api")
        intent.confirm_idempotency_key = key or f"auto-{uuid7()}"
        intent.failure_code = intent.failure_message = ""
        intent.save()
    provider_key = f"azora-confirm-{intent.id}-{intent.confirm_idempotency_key}"
    try:
        result = _call(lambda: charge(adapter, intent, provider_key))
    except ProviderRejected as error:
        return _fail_after_rejection(intent_id=intent.id, code="provider_rejected", message=error.detail)
    return _apply_result(intent_id=intent.id, result=result, adapter=adapter, source="provider")


# --- saved payment methods -------------------------------------------------------------------------------

# A customer keeps a handful of cards at most; the limit is checked before the provider is called.
MAX_SAVED_METHODS = 10


def payment_method_save(
    *, customer_id: uuid.UUID, payment_method: Mapping[str, str], provider: str | None = None
) -> SavedPaymentMethodView:
    """Tokenises the payment method at the provider and keeps the token with what may be shown (brand, last four
    digits, expiry); the card number and CVC go to the provider only and are never stored."""
    provider_name = provider or payments_config().default_provider
    adapter = provider_named(provider_name)
    if not isinstance(payment_method, Mapping):
        raise InvalidPaymentMethod("The payment method must be a mapping of names to text.")
    kept = SavedPaymentMethod.objects.filter(customer_id=customer_id)
    if kept.count() >= MAX_SAVED_METHODS:
        raise PaymentMethodLimitReached(extra={"limit": MAX_SAVED_METHODS})
    customer_ref = (
        kept.filter(provider=provider_name)
        .exclude(provider_customer_ref="")
        .values_list("provider_customer_ref", flat=True)
        .first()
        or ""
    )
    profile = user_profile(user_id=customer_id)
    method_id = uuid7()
    request = SaveRequest(
        payment_method=payment_method,
        customer_ref=customer_ref,
        customer_email=profile.email,
        reference=str(customer_id),
        idempotency_key=f"azora-save-{method_id}",
    )
    try:
        result = adapter.save_payment_method(request)
    except ValueError as error:
        raise InvalidPaymentMethod(str(error)) from error
    except ProviderError as error:
        if not error.retryable and error.status in {400, 402, 404}:
            # The provider refused this card or reference: the customer's problem to fix, not ours.
            raise PaymentMethodDeclined(str(error), extra={"failure_code": error.code or "card_declined"}) from error
        raise _provider_failure(error) from error
    method = SavedPaymentMethod.objects.create(
        id=method_id,
        customer_id=customer_id,
        provider=provider_name,
        provider_token=result.token,
        provider_customer_ref=result.customer_ref,
        brand=result.brand[:32],
        last4=result.last4[-4:],
        exp_month=result.exp_month,
        exp_year=result.exp_year,
    )
    logger.info("payment_method_saved", method_id=str(method.id), provider=provider_name)
    return saved_method_view(method)


def payment_method_delete(*, customer_id: uuid.UUID, method_id: uuid.UUID) -> None:
    """The provider forgets the token first; only then is the method deleted here (a provider that cannot be
    reached leaves it in place, so the customer can try again)."""
    method = SavedPaymentMethod.objects.filter(pk=method_id, customer_id=customer_id).first()
    if method is None:
        raise PaymentMethodNotFound()
    try:
        adapter = provider_named(method.provider)
    except UnknownProvider:
        # The provider was switched off since: nothing can charge the token any more.
        adapter = None
    if adapter is not None:
        _call(
            lambda: adapter.delete_payment_method(
                token=method.provider_token, customer_ref=method.provider_customer_ref
            )
        )
    SavedPaymentMethod.objects.filter(pk=method.pk).delete()
    logger.info("payment_method_deleted", method_id=str(method.id), provider=method.provider)


def payment_intent_complete_action(
    *, intent_id: uuid.UUID, customer_id: uuid.UUID, outcome: Literal["approve", "deny"]
) -> PaymentIntentView:
    if outcome not in {"approve", "deny"}:
        raise ValidationFailed("The outcome must be approve or deny.")
    with transaction.atomic():
        intent = _locked_intent(intent_id=intent_id, customer_id=customer_id)
        if intent.status != "requires_action":
            raise _invalid_transition(intent, "processing")
    adapter = provider_named(intent.provider)
    result = _call(lambda: adapter.complete_action(provider_ref=intent.provider_ref, outcome=outcome))
    return _apply_result(intent_id=intent.id, result=result, adapter=adapter, source="provider")


def payment_intent_cancel(*, intent_id: uuid.UUID, customer_id: uuid.UUID) -> PaymentIntentView:
    with transaction.atomic():
        intent = _locked_intent(intent_id=intent_id, customer_id=customer_id)
        if not may_transition(cast(IntentStatus, intent.status), "canceled"):
            raise _invalid_transition(intent, "canceled")
    adapter = provider_named(intent.provider)
    try:
        result = _call(
            lambda: adapter.cancel_intent(provider_ref=intent.provider_ref, idempotency_key=f"azora-cancel-{intent.id}")
        )
    except ProviderRejected:
        # The provider would not cancel (it has moved on): learn where it is, record that, and refuse the cancel.
        current = _call(lambda: adapter.retrieve_intent(provider_ref=intent.provider_ref))
        view = _apply_result(intent_id=intent.id, result=current, adapter=adapter, source="provider")
        raise InvalidTransition(
            f"A {view.status} payment intent cannot be canceled.", extra={"current_status": view.status}
        ) from None
    with transaction.atomic():
        intent = _locked_intent(intent_id=intent_id, customer_id=customer_id)
        if result.status == "canceled" and may_transition(cast(IntentStatus, intent.status), "canceled"):
            _move(intent, "canceled", source="api")
            intent.next_action = None
            intent.finished_at = timezone.now()
            intent.save()
        elif intent.status != "canceled":
            raise _invalid_transition(intent, "canceled")
    return intent_view(intent)


def payment_intent_sync(*, intent_id: uuid.UUID) -> PaymentIntentView:
    """Asks the provider where an intent stands and applies it (the reconcile job's step for stuck intents)."""
    intent = PaymentIntent.objects.get(pk=intent_id)
    adapter = provider_named(intent.provider)
    result = _call(lambda: adapter.retrieve_intent(provider_ref=intent.provider_ref))
    if intent.status == "processing" and result.status in {"requires_payment_method", "requires_confirmation"}:
        # The provider never received the confirm (every attempt failed on the way): nothing was charged.
        return _fail_after_rejection(
            intent_id=intent.id, code="confirmation_not_received", message="The provider never received the payment."
        )
    return _apply_result(intent_id=intent.id, result=result, adapter=adapter, source="provider")


STUCK_AFTER = dt.timedelta(minutes=15)
STUCK_BATCH_SIZE = 100


def stuck_intents_sync(*, now: dt.datetime | None = None) -> int:
    """Intents left processing (a provider that never answered a confirm) are asked about; returns how many moved."""
    cutoff = (now or timezone.now()) - STUCK_AFTER
    stuck = list(
        PaymentIntent.objects.filter(status="processing", updated_at__lt=cutoff)
        .order_by("updated_at")
        .values_list("id", flat=True)[:STUCK_BATCH_SIZE]
    )
    moved = 0
    for intent_id in stuck:
        try:
            view = payment_intent_sync(intent_id=intent_id)
        except DomainError as error:
            logger.warning("payment_intent_sync_failed", intent_id=str(intent_id), code=error.code)
            continue
        moved += view.status != "processing"
    return moved


def sandbox_settlement_deliver(*, provider_ref: str) -> str:
    """The sandbox's bank settles a processing payment; the sandbox then sends its signed webhook to us."""
    from azora.payments.adapters.sandbox import SandboxProvider

    adapter = provider_named("sandbox")
    assert isinstance(adapter, SandboxProvider)
    adapter.settle(provider_ref=provider_ref)
    body, headers = adapter.signed_event(provider_ref=provider_ref)
    return webhook_receive(provider="sandbox", body=body, headers=headers).event_id


def _fail_after_rejection(*, intent_id: uuid.UUID, code: str, message: str) -> PaymentIntentView:
    with transaction.atomic():
        intent = PaymentIntent.objects.select_for_update().get(pk=intent_id)
        if may_transition(cast(IntentStatus, intent.status), "failed"):
            _move(intent, "failed", source="provider")
            intent.failure_code, intent.failure_message = code, message[:500]
            intent.finished_at = timezone.now()
            _publish_failure(intent)
            intent.save()
    return intent_view(intent)


def _apply_result(
    *, intent_id: uuid.UUID, result: ProviderIntent, adapter: PaymentProvider, source: str
) -> PaymentIntentView:
    with transaction.atomic():
        intent = PaymentIntent.objects.select_for_update().get(pk=intent_id)
        apply_provider_state(intent, result, source=source)
        status = cast(IntentStatus, intent.status)
        transaction.on_commit(
            partial(adapter.after_commit, provider_ref=intent.provider_ref, status=status), robust=True
        )
    return intent_view(intent)


def apply_provider_state(intent: PaymentIntent, result: ProviderIntent, *, source: str) -> str:
    """Moves a LOCKED intent to the status the provider reports, through the allowed steps; returns what it did.

    A report that cannot be reached from where the intent is (a late "processing" after "succeeded", anything
    after a terminal status) changes nothing. So does a report whose amount is not the intent's.
    """
    if result.amount != Money(intent.amount_minor, intent.currency):
        logger.warning("payment_amount_mismatch", intent_id=str(intent.id), provider=intent.provider)
        return "amount_mismatch"
    path = path_to(cast(IntentStatus, intent.status), result.status)
    if path is None:
        return f"stale: {result.status} after {intent.status}"
    if not path:
        return "unchanged"
    _move_along(intent, path, source)
    intent.next_action = dict(result.next_action) if result.status == "requires_action" and result.next_action else None
    if result.card_last4:
        intent.payment_method_brand, intent.payment_method_last4 = result.card_brand, result.card_last4
    if result.status == "failed":
        intent.failure_code = result.failure_code or "payment_failed"
        intent.failure_message = (result.failure_message or "The payment failed.")[:500]
        intent.finished_at = timezone.now()
        _publish_failure(intent)
    elif result.status == "succeeded":
        _record_success(intent)
    intent.save()
    return f"moved to {intent.status}"


def _move(intent: PaymentIntent, status: IntentStatus, *, source: str) -> None:
    _move_along(intent, [status], source)


def _move_along(intent: PaymentIntent, path: Sequence[IntentStatus], source: str) -> None:
    """Moves the intent through each status of `path` in turn, recording every step (one INSERT for them all)."""
    steps = []
    for status in path:
        current = cast(IntentStatus, intent.status)
        if not may_transition(current, status):  # a programming error, never a client's: the callers check first
            raise InvalidTransition(f"{current} -> {status} is not allowed.")
        steps.append(PaymentIntentTransition(intent=intent, from_status=current, to_status=status, source=source))
        intent.status = status
    PaymentIntentTransition.objects.bulk_create(steps)


def _invalid_transition(intent: PaymentIntent, target: str) -> InvalidTransition:
    return InvalidTransition(
        f"A payment intent that is {intent.status} cannot move to {target}.",
        extra={"current_status": intent.status, "target": target},
    )


def _locked_intent(*, intent_id: uuid.UUID, customer_id: uuid.UUID) -> PaymentIntent:
    intent = PaymentIntent.objects.select_for_update().filter(pk=intent_id, customer_id=customer_id).first()
    if intent is None:
        raise PaymentIntentNotFound()
    return intent


def _publish_failure(intent: PaymentIntent) -> None:
    publish(
        PaymentFailed(
            payment_intent_id=intent.id,
            customer_id=intent.customer_id,
            amount=Money(intent.amount_minor, intent.currency),
            purpose=intent.purpose,
            provider=intent.provider,
            failure_code=intent.failure_code,
            failure_message=intent.failure_message,
        )
    )


# --- success: the ledger, the receipt and the event, in the intent's transaction ---------------------------


def _record_success(intent: PaymentIntent) -> None:
    now = timezone.now()
    gross = Money(intent.amount_minor, intent.currency)
    fee = payments_config().fees[intent.provider].fee_for(gross)
    intent.succeeded_at = intent.finished_at = now
    intent.fee_minor = fee.minor
    intent.failure_code = intent.failure_message = ""
    ledger.post_payment(
        transfer_id=intent.ledger_transfer_id,
        provider=intent.provider,
        gross=gross,
        fee=fee,
        credit_account_id=intent.credit_account_id,
        reason=f"Payment: {intent.description}"[:200],
        reference=f"payment_intent:{intent.id}",
        metadata={"payment_intent_id": str(intent.id), "purpose": intent.purpose, "provider": intent.provider},
    )
    receipt = _issue_receipt(intent, issued_at=now)
    publish(
        PaymentSucceeded(
            payment_intent_id=intent.id,
            customer_id=intent.customer_id,
            amount=gross,
            fee=fee,
            purpose=intent.purpose,
            provider=intent.provider,
            credit_account_id=intent.credit_account_id,
            ledger_transfer_id=intent.ledger_transfer_id,
            receipt_id=receipt.id,
            receipt_number=receipt.number,
            succeeded_at=now,
            metadata={str(key): str(value) for key, value in intent.metadata.items()},
        )
    )
    transaction.on_commit(partial(_enqueue_receipt_email, receipt.id), robust=True)


def allocate_invoice_number(*, year: int) -> tuple[int, str]:
    """The next number of `year`, from its counter row locked FOR UPDATE: gapless, because a rollback of the
    surrounding transaction also rolls back the increment. Must run inside the success transaction."""
    # One statement (PostgreSQL and SQLite alike): create the year's counter at 1, or add one to it. The upsert
    # locks the row until this transaction ends, so no one else takes a number meanwhile.
    with connections[InvoiceCounter.objects.db].cursor() as cursor:
        cursor.execute(_NEXT_INVOICE_SQL, [year])
        row = cursor.fetchone()
    sequence = int(row[0])
    return sequence, f"INV-{year}-{sequence:06d}"


_NEXT_INVOICE_SQL = (
    f"INSERT INTO {InvoiceCounter._meta.db_table} (year, last_number) VALUES (%s, 1) "  # noqa: S608 - our table
    f"ON CONFLICT (year) DO UPDATE SET last_number = {InvoiceCounter._meta.db_table}.last_number + 1 "
    "RETURNING last_number"
)


def _issue_receipt(intent: PaymentIntent, *, issued_at: dt.datetime) -> Receipt:
    year = issued_at.astimezone(dt.UTC).year
    sequence, number = allocate_invoice_number(year=year)
    profile = user_profile(user_id=intent.customer_id)
    line = {
        "description": intent.description,
        "quantity": 1,
        "unit_amount_minor": intent.amount_minor,
        "amount_minor": intent.amount_minor,
    }
    receipt = Receipt.objects.create(
        intent=intent,
        number=number,
        year=year,
        sequence=sequence,
        customer_id=intent.customer_id,
        customer_name=profile.display_name,
        customer_email=profile.email,
        issued_at=issued_at,
        currency=intent.currency,
        lines=[line],
        subtotal_minor=intent.amount_minor,
        total_minor=intent.amount_minor,
        provider=intent.provider,
        payment_method_brand=intent.payment_method_brand,
        payment_method_last4=intent.payment_method_last4,
    )
    intent.receipt = receipt  # the reverse one-to-one's cache: the view of this intent needs no query
    return receipt


def _enqueue_receipt_email(receipt_id: uuid.UUID) -> None:
    from azora.payments.tasks import send_receipt_email_task  # the task module imports this one

    send_receipt_email_task.enqueue(receipt_id=str(receipt_id))


def receipt_email_send(*, receipt_id: uuid.UUID) -> bool:
    """Emails the receipt once (HTML and plain text); False when it was already sent or does not exist."""
    from azora.payments.emails import send_receipt_email

    with transaction.atomic():
        receipt = Receipt.objects.select_for_update().select_related("intent").filter(pk=receipt_id).first()
        if receipt is None or receipt.emailed_at is not None or not receipt.customer_email:
            return False
        send_receipt_email(receipt)
        receipt.emailed_at = timezone.now()
        receipt.save(update_fields=["emailed_at"])
    return True


# --- webhooks --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WebhookReceipt:
    event_id: str
    is_duplicate: bool


def webhook_receive(*, provider: str, body: bytes, headers: Mapping[str, str]) -> WebhookReceipt:
    """Verifies the signature before reading anything, stores the event once, and processes it after commit."""
    adapter = provider_named(provider)
    try:
        event = adapter.parse_webhook(body=body, headers=headers, now=timezone.now())
    except SignatureError as error:
        logger.warning("payment_webhook_signature_refused", provider=provider, reason=str(error))
        raise WebhookSignatureInvalid() from error
    except (ValueError, KeyError, TypeError) as error:
        raise WebhookPayloadInvalid() from error
    with transaction.atomic():
        stored, created = WebhookEvent.objects.get_or_create(
            provider=provider,
            event_id=event.event_id,
            defaults={"event_type": event.event_type, "provider_ref": event.provider_ref, "payload": event.payload},
        )
        if not created:
            WebhookEvent.objects.filter(pk=stored.pk).update(deliveries=F("deliveries") + 1)
        if created or stored.status == WebhookStatus.RECEIVED:
            transaction.on_commit(partial(_enqueue_webhook, stored.pk), robust=True)
    return WebhookReceipt(event_id=event.event_id, is_duplicate=not created)


def _enqueue_webhook(webhook_event_id: int) -> None:
    from azora.payments.tasks import process_webhook_task  # the task module imports this one

    process_webhook_task.enqueue(webhook_event_id=webhook_event_id)


def webhook_process(*, webhook_event_id: int) -> str:
    """Applies a stored event to its intent, once; safe to run twice and in any order with other events."""
    with transaction.atomic():
        stored = WebhookEvent.objects.select_for_update().filter(pk=webhook_event_id).first()
        if stored is None or stored.status != WebhookStatus.RECEIVED:
            return "already processed"
        adapter = provider_named(stored.provider)
        event = adapter.parse_event(stored.payload)
        outcome = "no payment in the event"
        if event.intent is not None:
            intent = (
                PaymentIntent.objects.select_for_update()
                .filter(provider=stored.provider, provider_ref=event.provider_ref)
                .first()
            )
            if intent is not None:
                outcome = apply_provider_state(intent, event.intent, source="webhook")
            else:
                outcome = "unknown payment"
        elif event.refund is not None:
            outcome = _refund_report_apply(provider=stored.provider, report=event.refund)
        stored.status = WebhookStatus.PROCESSED if outcome.startswith("moved") else WebhookStatus.IGNORED
        stored.outcome = outcome[:500]
        stored.processed_at = timezone.now()
        stored.save(update_fields=["status", "outcome", "processed_at", "updated_at"])
    logger.info("payment_webhook_processed", provider=stored.provider, event_type=stored.event_type, outcome=outcome)
    return outcome


PENDING_WEBHOOK_AGE = dt.timedelta(minutes=1)


def pending_webhooks_process(*, now: dt.datetime | None = None) -> int:
    """Processes stored events still waiting a minute after arrival (their after-commit task was lost)."""
    cutoff = (now or timezone.now()) - PENDING_WEBHOOK_AGE
    waiting = list(
        WebhookEvent.objects.filter(status=WebhookStatus.RECEIVED, created_at__lt=cutoff)
        .order_by("id")
        .values_list("id", flat=True)[:STUCK_BATCH_SIZE]
    )
    for webhook_event_id in waiting:
        webhook_process(webhook_event_id=webhook_event_id)
    return len(waiting)


def _refund_report_apply(*, provider: str, report: ProviderRefund) -> str:
    """A provider failed a refund it had accepted (Stripe's refund.failed): reverse our reversal, free the amount."""
    if report.status != "failed":
        return f"refund {report.status}: nothing to do"
    found = Refund.objects.filter(intent__provider=provider, provider_ref=report.provider_ref).first()
    if found is None:
        return "unknown refund"
    intent = PaymentIntent.objects.select_for_update().get(pk=found.intent_id)  # the intent first, as elsewhere
    refund = Refund.objects.select_for_update().get(pk=found.pk)
    if refund.status != RefundStatus.SUCCEEDED:
        return f"stale: refund already {refund.status}"
    restore_id = uuid.uuid5(refund.ledger_transfer_id, "refund-failed")
    ledger.restore_after_failed_refund(
        transfer_id=restore_id,
        refund_transfer_id=refund.ledger_transfer_id,
        reason=f"Refund failed at {provider}: {refund.reason}"[:200],
    )
    refund.status, refund.failure_code = RefundStatus.FAILED, report.failure_code or "refund_failed"
    refund.save(update_fields=["status", "failure_code", "updated_at"])
    intent.amount_refunded_minor -= refund.amount_minor
    intent.save(update_fields=["amount_refunded_minor", "updated_at"])
    publish(
        PaymentRefundFailed(
            refund_id=refund.id,
            payment_intent_id=intent.id,
            customer_id=intent.customer_id,
            amount=Money(refund.amount_minor, refund.currency),
            failure_code=refund.failure_code,
            ledger_transfer_id=restore_id,
        )
    )
    return "moved refund to failed; ledger restored"


# --- refunds ---------------------------------------------------------------------------------------------


def refund_create(
    *,
    intent_id: uuid.UUID,
    amount: Money | None,
    reason: str,
    requested_by: uuid.UUID,
    idempotency_key: str | None = None,
) -> RefundView:
    """Refunds all or part of a succeeded payment within the refund window; finance admins only.

    The intent row is locked while the refund is reserved, so concurrent refunds can never exceed what was
    paid. The ledger reversal (in proportion refund/paid) and the event follow the provider's acceptance.
    """
    if not is_finance_admin(user_id=requested_by):
        raise RefundNotPermitted()
    reason = reason.strip()
    if not reason or len(reason) > 500:
        raise ValidationFailed(
            "A reason (1 to 500 characters) is required.",
            extra={"errors": [{"field": "reason", "message": "1 to 500 characters."}]},
        )
    if amount is not None:
        _check_amount(amount)
    key = _clean_key(idempotency_key) or f"auto-{uuid7()}"
    fingerprint = _fingerprint([str(intent_id), None if amount is None else [amount.minor, amount.currency], reason])
    refund = _reserve_refund(
        intent_id=intent_id, amount=amount, reason=reason, requested_by=requested_by, key=key, fingerprint=fingerprint
    )
    if refund.status != RefundStatus.PENDING:
        return refund_view(refund)
    intent = refund.intent
    adapter = provider_named(intent.provider)
    refund_amount = Money(refund.amount_minor, refund.currency)
    try:
        result = _call(
            lambda: adapter.refund(
                provider_ref=intent.provider_ref, amount=refund_amount, idempotency_key=f"azora-refund-{refund.id}"
            )
        )
    except ProviderRejected as error:
        with transaction.atomic():
            Refund.objects.filter(pk=refund.pk, status=RefundStatus.PENDING).update(
                status=RefundStatus.FAILED, failure_code="provider_rejected", updated_at=timezone.now()
            )
        raise error
    with transaction.atomic():
        locked = PaymentIntent.objects.select_for_update().get(pk=intent.pk)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status == RefundStatus.PENDING:
            if result.status == "failed":
                refund.status, refund.failure_code = RefundStatus.FAILED, result.failure_code or "refund_failed"
            else:
                _complete_refund(locked, refund, provider_ref=result.provider_ref)
            refund.save()
    return refund_view(refund)


def _reserve_refund(
    *,
    intent_id: uuid.UUID,
    amount: Money | None,
    reason: str,
    requested_by: uuid.UUID,
    key: str,
    fingerprint: str,
) -> Refund:
    existing = Refund.objects.select_related("intent").filter(requested_by=requested_by, idempotency_key=key).first()
    if existing is not None:
        if existing.fingerprint != fingerprint:
            raise IdempotencyKeyReused()
        return existing
    with transaction.atomic():
        intent = PaymentIntent.objects.select_for_update().filter(pk=intent_id).first()
        if intent is None:
            raise PaymentIntentNotFound()
        if intent.status != "succeeded" or intent.succeeded_at is None:
            raise PaymentNotRefundable(extra={"current_status": intent.status})
        window = dt.timedelta(days=payments_config().refund_window_days)
        if timezone.now() > intent.succeeded_at + window:
            raise RefundWindowClosed(extra={"refundable_until": (intent.succeeded_at + window).isoformat()})
        reserved = (
            Refund.objects.filter(intent=intent, status__in=[RefundStatus.PENDING, RefundStatus.SUCCEEDED]).aggregate(
                total=Sum("amount_minor")
            )["total"]
            or 0
        )
        remaining = Money(intent.amount_minor - reserved, intent.currency)
        wanted = amount or remaining
        if wanted.currency != intent.currency:
            raise ValidationFailed(
                "The refund must be in the payment's currency.",
                extra={"errors": [{"field": "currency", "message": f"Must be {intent.currency}."}]},
            )
        if wanted.minor <= 0 or remaining < wanted:
            raise RefundExceedsRemaining(
                f"At most {remaining} can still be refunded.",
                extra={"remaining": str(remaining.to_decimal()), "currency": remaining.currency},
            )
        refund = Refund.objects.create(
            intent=intent,
            amount_minor=wanted.minor,
            currency=wanted.currency,
            reason=reason,
            requested_by=requested_by,
            idempotency_key=key,
            fingerprint=fingerprint,
        )
    return refund


def _complete_refund(intent: PaymentIntent, refund: Refund, *, provider_ref: str) -> None:
    refund_amount = Money(refund.amount_minor, refund.currency)
    paid = Money(intent.amount_minor, intent.currency)
    ledger.reverse_payment(
        transfer_id=refund.ledger_transfer_id,
        original_transfer_id=intent.ledger_transfer_id,
        refund=refund_amount,
        paid=paid,
        reason=f"Refund: {refund.reason}"[:200],
        metadata={"payment_intent_id": str(intent.id), "refund_id": str(refund.id)},
    )
    refund.status = RefundStatus.SUCCEEDED
    refund.provider_ref = provider_ref
    refund.succeeded_at = timezone.now()
    intent.amount_refunded_minor += refund.amount_minor
    intent.save(update_fields=["amount_refunded_minor", "updated_at"])
    publish(
        PaymentRefunded(
            refund_id=refund.id,
            payment_intent_id=intent.id,
            customer_id=intent.customer_id,
            amount=refund_amount,
            amount_refunded_total=Money(intent.amount_refunded_minor, intent.currency),
            is_full=intent.amount_refunded_minor == intent.amount_minor,
            reason=refund.reason,
            ledger_transfer_id=refund.ledger_transfer_id,
        )
    )


# --- helpers ---------------------------------------------------------------------------------------------


def _call[T](operation: Callable[[], T]) -> T:
    """Runs a provider call (whose HTTP requests the adapter retries with `retry_policy`) and maps what is
    left of a failure onto a domain error. Retries happen in the adapter only, never twice over."""
    try:
        return operation()
    except ProviderError as error:
        raise _provider_failure(error) from error


def _provider_failure(error: ProviderError) -> DomainError:
    logger.warning(
        "payment_provider_error", retryable=error.retryable, status=error.status, code=error.code, reason=str(error)
    )
    if error.retryable:
        return ProviderUnavailable()
    return ProviderRejected(f"The payment provider refused the request ({error.code or error.status}).")


def _check_amount(amount: Money) -> None:
    if amount.currency not in CURRENCY_EXPONENTS:
        raise UnknownCurrency(f"Unknown currency {amount.currency!r}.")
    if amount.minor <= 0:
        raise InvalidAmount(extra={"errors": [{"field": "amount", "message": "Must be more than zero."}]})


def _clean_key(key: str | None) -> str:
    if key is None:
        return ""
    if not 1 <= len(key) <= MAX_IDEMPOTENCY_KEY_LENGTH or not all(" " <= character <= "~" for character in key):
        raise ValidationFailed("The idempotency key must be 1 to 255 printable ASCII characters.")
    return key


def _clean_metadata(metadata: Mapping[str, str]) -> dict[str, str]:
    if len(metadata) > MAX_METADATA_KEYS:
        raise ValidationFailed(f"At most {MAX_METADATA_KEYS} metadata keys.")
    clean: dict[str, str] = {}
    for key, value in metadata.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise ValidationFailed("Metadata keys and values must be strings.")
        if not 1 <= len(key) <= MAX_METADATA_KEY_LENGTH or len(value) > MAX_METADATA_VALUE_LENGTH:
            raise ValidationFailed("Metadata keys are 1 to 40 characters, values at most 500.")
        clean[key] = value
    return clean


def _fingerprint(parts: list[Any]) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
