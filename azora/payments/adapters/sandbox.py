"""The sandbox provider: an in-process, Stripe-like payment provider with test cards, challenges and async webhooks.

Its own records (payments, idempotency keys) live in the sandbox tables, as they would on a provider's side,
so that a challenge approved in one request or process is seen by the next. It signs its webhooks with a
Stripe-like scheme and its own secret.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Callable, Mapping
from typing import Any, Literal

from django.db import IntegrityError, transaction

from azora.payments.adapters.base import (
    CreateRequest,
    ProviderError,
    ProviderEvent,
    ProviderIntent,
    ProviderRefund,
    ProviderSavedMethod,
    SaveRequest,
)
from azora.payments.adapters.cards import SANDBOX_TEST_CARDS, brand_of, digits_of, luhn_valid
from azora.payments.adapters.signatures import DEFAULT_TOLERANCE_SECONDS, stripe_style_sign, stripe_style_verify
from azora.payments.models import SandboxIdempotencyRecord, SandboxPayment, SandboxSavedCard
from azora.payments.state import IntentStatus
from azora.shared.money import Money

SIGNATURE_HEADER = "Sandbox-Signature"
FAILURE_MESSAGES: Mapping[str, str] = {
    "card_declined": "Your card was declined.",
    "insufficient_funds": "Your card has insufficient funds.",
    "expired_card": "Your card has expired.",
    "incorrect_number": "Your card number is incorrect.",
    "authentication_failed": "The card holder did not pass the authentication challenge.",
    "authentication_required": "The card needs its holder to authenticate, and they were not present.",
}
EVENT_TYPES: Mapping[IntentStatus, str] = {
    "succeeded": "payment_intent.succeeded",
    "failed": "payment_intent.payment_failed",
    "processing": "payment_intent.processing",
    "requires_action": "payment_intent.requires_action",
    "canceled": "payment_intent.canceled",
}


class SandboxProvider:
    """Implements PaymentProvider; a card that settles later gets its webhook from a task after commit."""

    name = "sandbox"

    def __init__(
        self,
        *,
        webhook_secret: str,
        tolerance: int = DEFAULT_TOLERANCE_SECONDS,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        self._webhook_secret = webhook_secret
        self._tolerance = tolerance
        self._today = today

    # --- the PaymentProvider protocol ---------------------------------------------------------------

    def check_payment_method(self, payment_method: Mapping[str, str]) -> None:
        if payment_method.get("type") != "card":
            raise ValueError('The sandbox takes {"type": "card", "number": ..., "exp_month": ..., "exp_year": ...}.')
        number = digits_of(str(payment_method.get("number", "")))
        if not number.isdigit():
            raise ValueError("The card number must be digits.")
        try:
            month, year = int(payment_method.get("exp_month", "")), int(payment_method.get("exp_year", ""))
        except ValueError as error:
            raise ValueError("The expiry month and year must be numbers.") from error
        if not 1 <= month <= 12 or not 2000 <= year <= 2200:
            raise ValueError("The expiry month or year is out of range.")

    def create_intent(self, request: CreateRequest) -> ProviderIntent:
        def create() -> dict[str, Any]:
            payment = SandboxPayment.objects.create(
                id=f"sbx_pi_{secrets.token_hex(12)}",
                amount_minor=request.amount.minor,
                currency=request.amount.currency,
                status="requires_payment_method",
                reference=request.reference,
                metadata=dict(request.metadata),
            )
            return _as_json(payment)

        fingerprint = _fingerprint(["create", request.amount.minor, request.amount.currency, request.reference])
        return _intent(self._idempotent(request.idempotency_key, fingerprint, create))

    def confirm_intent(
        self, *, provider_ref: str, payment_method: Mapping[str, str], idempotency_key: str, return_url: str = ""
    ) -> ProviderIntent:
        try:
            self.check_payment_method(payment_method)
        except ValueError as error:
            raise ProviderError(str(error), retryable=False, status=400, code="invalid_payment_method") from error
        number = digits_of(payment_method["number"])

        def confirm() -> dict[str, Any]:
            # Runs inside _idempotent's transaction, whose failure undoes all of it: no savepoint of its own.
            with transaction.atomic(savepoint=False):
                payment = self._locked(provider_ref)
                if payment.status not in {"requires_payment_method", "requires_confirmation"}:
                    raise ProviderError(
                        f"The payment is {payment.status}.", retryable=False, status=400, code="unexpected_state"
                    )
                payment.card_brand, payment.card_last4 = brand_of(number), number[-4:]
                payment.status, payment.failure_code = self._outcome(number, payment_method)
                payment.save()
                return _as_json(payment)

        fingerprint = _fingerprint(["confirm", provider_ref, number[-4:]])
        return _intent(self._idempotent(idempotency_key, fingerprint, confirm))

    def complete_action(self, *, provider_ref: str, outcome: Literal["approve", "deny"]) -> ProviderIntent:
        with transaction.atomic():
            payment = self._locked(provider_ref)
            if payment.status == "requires_action":
                payment.status = "succeeded" if outcome == "approve" else "failed"
                payment.failure_code = "" if outcome == "approve" else "authentication_failed"
                payment.save()
            return _intent(_as_json(payment))

    def retrieve_intent(self, *, provider_ref: str) -> ProviderIntent:
        return _intent(_as_json(self._get(provider_ref)))

    def save_payment_method(self, request: SaveRequest) -> ProviderSavedMethod:
        """Keeps a token that remembers the test card's outcome (so a saved decline card fails a renewal), as
        Stripe's attach does; an invalid number or an expired date is refused as a card error (402)."""
        self.check_payment_method(request.payment_method)
        number = digits_of(request.payment_method["number"])
        month, year = int(request.payment_method["exp_month"]), int(request.payment_method["exp_year"])
        if not luhn_valid(number):
            raise ProviderError(
                FAILURE_MESSAGES["incorrect_number"], retryable=False, status=402, code="incorrect_number"
            )
        today = self._today()
        if (year, month) < (today.year, today.month):
            raise ProviderError(FAILURE_MESSAGES["expired_card"], retryable=False, status=402, code="expired_card")

        def save() -> dict[str, Any]:
            card = SandboxSavedCard.objects.create(
                id=f"sbx_pm_{secrets.token_hex(12)}",
                outcome=SANDBOX_TEST_CARDS.get(number, "succeeded"),
                brand=brand_of(number),
                last4=number[-4:],
                exp_month=month,
                exp_year=year,
            )
            return {"id": card.id, "brand": card.brand, "last4": card.last4, "exp_month": month, "exp_year": year}

        fingerprint = _fingerprint(["save", request.reference, number[-4:], month, year])
        data = self._idempotent(request.idempotency_key, fingerprint, save)
        return ProviderSavedMethod(
            token=str(data["id"]),
            customer_ref="",
            brand=str(data["brand"]),
            last4=str(data["last4"]),
            exp_month=int(data["exp_month"]),
            exp_year=int(data["exp_year"]),
        )

    def delete_payment_method(self, *, token: str, customer_ref: str) -> None:
        SandboxSavedCard.objects.filter(pk=token).update(is_detached=True)

    def confirm_intent_saved(
        self, *, provider_ref: str, token: str, customer_ref: str, idempotency_key: str
    ) -> ProviderIntent:
        def confirm() -> dict[str, Any]:
            with transaction.atomic(savepoint=False):
                payment = self._locked(provider_ref)
                card = SandboxSavedCard.objects.filter(pk=token, is_detached=False).first()
                if card is None:
                    raise ProviderError(
                        f"No such payment method: {token}.", retryable=False, status=404, code="payment_method_missing"
                    )
                if payment.status not in {"requires_payment_method", "requires_confirmation"}:
                    raise ProviderError(
                        f"The payment is {payment.status}.", retryable=False, status=400, code="unexpected_state"
                    )
                payment.card_brand, payment.card_last4 = card.brand, card.last4
                payment.status, payment.failure_code = self._saved_outcome(card)
                payment.save()
                return _as_json(payment)

        fingerprint = _fingerprint(["confirm_saved", provider_ref, token])
        return _intent(self._idempotent(idempotency_key, fingerprint, confirm))

    def cancel_intent(self, *, provider_ref: str, idempotency_key: str) -> ProviderIntent:
        with transaction.atomic():
            payment = self._locked(provider_ref)
            if payment.status in {"succeeded", "processing"}:
                message = f"A {payment.status} payment cannot be canceled."
                raise ProviderError(message, retryable=False, status=400, code="not_cancelable")
            if payment.status != "failed":
                payment.status = "canceled"
                payment.save()
            return _intent(_as_json(payment))

    def refund(self, *, provider_ref: str, amount: Money, idempotency_key: str) -> ProviderRefund:
        def refund() -> dict[str, Any]:
            with transaction.atomic():
                payment = self._locked(provider_ref)
                if payment.status != "succeeded":
                    raise ProviderError("Only a succeeded payment can be refunded.", retryable=False, status=400)
                if amount.currency != payment.currency or amount.minor > payment.amount_minor - payment.refunded_minor:
                    raise ProviderError(
                        "The refund is more than the charge's remaining amount.",
                        retryable=False,
                        status=400,
                        code="amount_too_large",
                    )
                payment.refunded_minor += amount.minor
                payment.save()
                return {"id": f"sbx_re_{secrets.token_hex(12)}", "amount": amount.minor, "currency": amount.currency}

        fingerprint = _fingerprint(["refund", provider_ref, amount.minor, amount.currency])
        data = self._idempotent(idempotency_key, fingerprint, refund)
        return ProviderRefund(
            provider_ref=str(data["id"]), status="succeeded", amount=Money(int(data["amount"]), str(data["currency"]))
        )

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str], now: dt.datetime) -> ProviderEvent:
        stripe_style_verify(
            payload=body,
            header=_header(headers, SIGNATURE_HEADER),
            secret=self._webhook_secret,
            now=now.timestamp(),
            tolerance=self._tolerance,
        )
        return self.parse_event(json.loads(body))

    def parse_event(self, payload: Mapping[str, Any]) -> ProviderEvent:
        if not isinstance(payload, Mapping) or not isinstance(payload.get("data"), Mapping):
            raise ValueError("Not a sandbox event.")
        payment = payload["data"].get("object")
        if not isinstance(payment, Mapping):
            raise ValueError("The event has no object.")
        return ProviderEvent(
            event_id=str(payload["id"]),
            event_type=str(payload["type"]),
            provider_ref=str(payment["id"]),
            intent=_intent(payment),
            payload=dict(payload),
        )

    def after_commit(self, *, provider_ref: str, status: IntentStatus) -> None:
        """A confirm left the payment processing: the bank's answer arrives later, as a signed webhook."""
        if status == "processing":
            from azora.payments.tasks import deliver_sandbox_webhook_task  # the task module imports the services

            deliver_sandbox_webhook_task.enqueue(provider_ref=provider_ref)

    # --- the sandbox's own side: settling asynchronous payments and sending their webhooks ---------------

    def settle(self, *, provider_ref: str) -> None:
        """The bank answered: a processing payment succeeds. Called by the webhook delivery task."""
        with transaction.atomic():
            payment = self._locked(provider_ref)
            if payment.status == "processing":
                payment.status = "succeeded"
                payment.save()

    def signed_event(self, *, provider_ref: str, timestamp: int | None = None) -> tuple[bytes, dict[str, str]]:
        """The webhook the sandbox sends for the payment's current status, with its signature header."""
        payment = _as_json(self._get(provider_ref))
        event = {
            "id": f"evt_sbx_{secrets.token_hex(12)}",
            "object": "event",
            "type": EVENT_TYPES.get(payment["status"], "payment_intent.updated"),
            "created": int(dt.datetime.now(dt.UTC).timestamp()) if timestamp is None else timestamp,
            "data": {"object": payment},
        }
        body = json.dumps(event, separators=(",", ":")).encode()
        signature = stripe_style_sign(payload=body, secret=self._webhook_secret, timestamp=timestamp)
        return body, {SIGNATURE_HEADER: signature, "Content-Type": "application/json"}

    # --- helpers ------------------------------------------------------------------------------------------

    def _outcome(self, number: str, payment_method: Mapping[str, str]) -> tuple[str, str]:
        if not luhn_valid(number):
            return "failed", "incorrect_number"
        expiry = (int(payment_method["exp_year"]), int(payment_method["exp_month"]))
        today = self._today()
        if expiry < (today.year, today.month):
            return "failed", "expired_card"
        outcome = SANDBOX_TEST_CARDS.get(number, "succeeded")
        if outcome in {"succeeded", "requires_action", "processing"}:
            return outcome, ""
        return "failed", outcome

    def _saved_outcome(self, card: SandboxSavedCard) -> tuple[str, str]:
        today = self._today()
        if (card.exp_year, card.exp_month) < (today.year, today.month):
            return "failed", "expired_card"
        if card.outcome == "requires_action":
            # Off-session: nobody is there to pass the challenge.
            return "failed", "authentication_required"
        if card.outcome in {"succeeded", "processing"}:
            return card.outcome, ""
        return "failed", card.outcome

    @staticmethod
    def _get(provider_ref: str) -> SandboxPayment:
        payment = SandboxPayment.objects.filter(pk=provider_ref).first()
        if payment is None:
            raise ProviderError(f"No such payment: {provider_ref}.", retryable=False, status=404, code="not_found")
        return payment

    @staticmethod
    def _locked(provider_ref: str) -> SandboxPayment:
        payment = SandboxPayment.objects.select_for_update().filter(pk=provider_ref).first()
        if payment is None:
            raise ProviderError(f"No such payment: {provider_ref}.", retryable=False, status=404, code="not_found")
        return payment

    @staticmethod
    def _idempotent(key: str, fingerprint: str, operation: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """Replays the stored answer of `key`; refuses the key with other parameters, like Stripe does."""
        stored = SandboxIdempotencyRecord.objects.filter(pk=key).first()
        if stored is None:
            try:
                with transaction.atomic():
                    response = operation()
                    SandboxIdempotencyRecord.objects.create(key=key, fingerprint=fingerprint, response=response)
                    return response
            except IntegrityError:
                stored = SandboxIdempotencyRecord.objects.get(pk=key)
        if stored.fingerprint != fingerprint:
            raise ProviderError(
                "Keys for idempotent requests can only be used with the same parameters.",
                retryable=False,
                status=400,
                code="idempotency_key_in_use",
            )
        return dict(stored.response)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    lowered = name.lower()
    return next((value for key, value in headers.items() if key.lower() == lowered), None)


def _fingerprint(parts: list[Any]) -> str:
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def _as_json(payment: SandboxPayment) -> dict[str, Any]:
    return {
        "id": payment.id,
        "object": "payment_intent",
        "amount": payment.amount_minor,
        "currency": payment.currency,
        "status": payment.status,
        "reference": payment.reference,
        "card": {"brand": payment.card_brand, "last4": payment.card_last4},
        "failure_code": payment.failure_code,
        "amount_refunded": payment.refunded_minor,
    }


def _intent(data: Mapping[str, Any]) -> ProviderIntent:
    status: IntentStatus = data["status"]
    card = data.get("card") or {}
    failure_code = str(data.get("failure_code") or "")
    next_action = {"type": "challenge", "provider_ref": data["id"]} if status == "requires_action" else None
    return ProviderIntent(
        provider_ref=str(data["id"]),
        status=status,
        amount=Money(int(data["amount"]), str(data["currency"])),
        next_action=next_action,
        failure_code=failure_code,
        failure_message=FAILURE_MESSAGES.get(failure_code, "") if failure_code else "",
        card_brand=str(card.get("brand", "")),
        card_last4=str(card.get("last4", "")),
    )
