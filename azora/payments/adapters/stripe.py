"""The Stripe adapter: PaymentIntents and Refunds through the official `stripe` package, at a configurable API base.

Cards reach Stripe as PaymentMethod ids created in the browser by Stripe.js (`pm_...`), never as raw numbers.
Stripe's own retries are off: every call goes through our RetryPolicy with an Idempotency-Key.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from typing import Any, Literal, cast

import stripe

from azora.payments.adapters.base import (
    CreateRequest,
    ProviderError,
    ProviderEvent,
    ProviderIntent,
    ProviderRefund,
    ProviderSavedMethod,
    RefundStatus,
    SaveRequest,
)
from azora.payments.adapters.retry import RetryPolicy
from azora.payments.adapters.signatures import DEFAULT_TOLERANCE_SECONDS, stripe_style_verify
from azora.payments.state import IntentStatus
from azora.shared.money import Money

SIGNATURE_HEADER = "Stripe-Signature"
STATUS_MAP: Mapping[str, IntentStatus] = {
    "requires_payment_method": "requires_payment_method",
    "requires_confirmation": "requires_confirmation",
    "requires_action": "requires_action",
    "processing": "processing",
    "requires_capture": "processing",  # we capture automatically; a manual capture is still in flight
    "succeeded": "succeeded",
    "canceled": "canceled",
}
RETRYABLE_CONFLICT_CODES = frozenset({"lock_timeout", "rate_limit"})


class StripeProvider:
    name = "stripe"

    def __init__(
        self,
        *,
        secret_key: str,
        webhook_secret: str,
        api_base: str,
        timeout: float,
        retry: RetryPolicy,
        tolerance: int = DEFAULT_TOLERANCE_SECONDS,
    ) -> None:
        self._client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": api_base},
            max_network_retries=0,
            http_client=stripe.RequestsClient(timeout=timeout),
        )
        self._webhook_secret = webhook_secret
        self._retry = retry
        self._tolerance = tolerance

    def check_payment_method(self, payment_method: Mapping[str, str]) -> None:
        method = str(payment_method.get("payment_method", ""))
        if payment_method.get("type") != "card" or not method.startswith("pm_"):
            raise ValueError('Stripe takes {"type": "card", "payment_method": "pm_..."} from Stripe.js.')

    def create_intent(self, request: CreateRequest) -> ProviderIntent:
        params: dict[str, Any] = {
            "amount": request.amount.minor,
            "currency": request.amount.currency.lower(),
            "description": request.description[:1000],
            "payment_method_types": ["card"],
            "metadata": {**request.metadata, "azora_reference": request.reference},
        }
        return self._intent_call(
            lambda: self._client.v1.payment_intents.create(
                params=cast(Any, params), options={"idempotency_key": request.idempotency_key}
            )
        )

    def confirm_intent(
        self, *, provider_ref: str, payment_method: Mapping[str, str], idempotency_key: str, return_url: str = ""
    ) -> ProviderIntent:
        try:
            self.check_payment_method(payment_method)
        except ValueError as error:
            raise ProviderError(str(error), retryable=False, status=400, code="invalid_payment_method") from error
        params: dict[str, Any] = {"payment_method": payment_method["payment_method"], "expand": ["payment_method"]}
        if return_url:
            # Where the bank's 3-D Secure page sends the customer back; Stripe then answers redirect_to_url.
            params["return_url"] = return_url
        return self._intent_call(
            lambda: self._client.v1.payment_intents.confirm(
                provider_ref, params=cast(Any, params), options={"idempotency_key": idempotency_key}
            )
        )

    def save_payment_method(self, request: SaveRequest) -> ProviderSavedMethod:
        """Attaches the Stripe.js PaymentMethod to the customer's Stripe Customer (created with the first one),
        which is what lets a later PaymentIntent charge it off-session."""
        self.check_payment_method(request.payment_method)
        customer = request.customer_ref
        if not customer:
            params = {"email": request.customer_email, "metadata": {"azora_customer_id": request.reference}}
            created = self._retry.call(
                lambda: _translate(
                    lambda: self._client.v1.customers.create(
                        params=cast(Any, params), options={"idempotency_key": f"{request.idempotency_key}-customer"}
                    )
                )
            )
            customer = str(_as_dict(created)["id"])
        method = request.payment_method["payment_method"]
        attached = _as_dict(
            self._retry.call(
                lambda: _translate(
                    lambda: self._client.v1.payment_methods.attach(
                        method,
                        params=cast(Any, {"customer": customer}),
                        options={"idempotency_key": f"{request.idempotency_key}-attach"},
                    )
                )
            )
        )
        card = attached.get("card") or {}
        return ProviderSavedMethod(
            token=str(attached["id"]),
            customer_ref=customer,
            brand=str(card.get("brand", "")),
            last4=str(card.get("last4", "")),
            exp_month=int(card.get("exp_month") or 0),
            exp_year=int(card.get("exp_year") or 0),
        )

    def delete_payment_method(self, *, token: str, customer_ref: str) -> None:
        try:
            self._retry.call(lambda: _translate(lambda: self._client.v1.payment_methods.detach(token)))
        except ProviderError as error:
            # Already detached (or deleted at Stripe): the token is gone either way.
            if error.retryable or error.status not in {400, 404}:
                raise

    def confirm_intent_saved(
        self, *, provider_ref: str, token: str, customer_ref: str, idempotency_key: str
    ) -> ProviderIntent:
        """Stripe's recipe for charging a saved card: the intent names the Customer, then confirms with the
        PaymentMethod and off_session=true. A card that needs authentication is declined (authentication_required)."""
        self._retry.call(
            lambda: _translate(
                lambda: self._client.v1.payment_intents.update(
                    provider_ref,
                    params=cast(Any, {"customer": customer_ref}),
                    options={"idempotency_key": f"{idempotency_key}-customer"},
                )
            )
        )
        params: dict[str, Any] = {"payment_method": token, "off_session": True, "expand": ["payment_method"]}
        return self._intent_call(
            lambda: self._client.v1.payment_intents.confirm(
                provider_ref, params=cast(Any, params), options={"idempotency_key": idempotency_key}
            )
        )

    def complete_action(self, *, provider_ref: str, outcome: Literal["approve", "deny"]) -> ProviderIntent:
        # The customer answered the challenge on Stripe's (or the bank's) page: Stripe knows the result.
        return self.retrieve_intent(provider_ref=provider_ref)

    def retrieve_intent(self, *, provider_ref: str) -> ProviderIntent:
        return self._intent_call(
            lambda: self._client.v1.payment_intents.retrieve(
                provider_ref, params=cast(Any, {"expand": ["payment_method"]})
            )
        )

    def cancel_intent(self, *, provider_ref: str, idempotency_key: str) -> ProviderIntent:
        return self._intent_call(
            lambda: self._client.v1.payment_intents.cancel(
                provider_ref, params=cast(Any, {}), options={"idempotency_key": idempotency_key}
            )
        )

    def refund(self, *, provider_ref: str, amount: Money, idempotency_key: str) -> ProviderRefund:
        params = {"payment_intent": provider_ref, "amount": amount.minor}
        refund = self._retry.call(
            lambda: _translate(
                lambda: self._client.v1.refunds.create(
                    params=cast(Any, params), options={"idempotency_key": idempotency_key}
                )
            )
        )
        data = _as_dict(refund)
        status = str(data.get("status", ""))
        return ProviderRefund(
            provider_ref=str(data["id"]),
            status=_refund_status(status),
            amount=Money(int(data["amount"]), str(data["currency"]).upper()),
            failure_code=str(data.get("failure_reason") or ""),
        )

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str], now: dt.datetime) -> ProviderEvent:
        header = next((value for key, value in headers.items() if key.lower() == SIGNATURE_HEADER.lower()), None)
        stripe_style_verify(
            payload=body, header=header, secret=self._webhook_secret, now=now.timestamp(), tolerance=self._tolerance
        )
        return self.parse_event(json.loads(body))

    def parse_event(self, payload: Mapping[str, Any]) -> ProviderEvent:
        if not isinstance(payload, Mapping) or payload.get("object") != "event":
            raise ValueError("Not a Stripe event.")
        event_type = str(payload["type"])
        obj = payload["data"]["object"]
        intent = _to_intent(obj) if obj.get("object") == "payment_intent" else None
        provider_ref = str(obj.get("id")) if intent else str(obj.get("payment_intent") or "")
        refund = None
        if obj.get("object") == "refund":  # refund.updated / refund.failed / charge.refund.updated
            status = str(obj.get("status", ""))
            refund = ProviderRefund(
                provider_ref=str(obj["id"]),
                status=_refund_status(status),
                amount=Money(int(obj["amount"]), str(obj["currency"]).upper()),
                failure_code=str(obj.get("failure_reason") or ""),
            )
        return ProviderEvent(
            event_id=str(payload["id"]),
            event_type=event_type,
            provider_ref=provider_ref,
            intent=intent,
            payload=dict(payload),
            refund=refund,
        )

    def after_commit(self, *, provider_ref: str, status: IntentStatus) -> None:
        """Stripe sends its own webhooks."""

    def _intent_call(self, operation: Callable[[], Any]) -> ProviderIntent:
        def attempt() -> ProviderIntent:
            try:
                return _to_intent(_as_dict(operation()))
            except stripe.CardError as error:
                # A decline is an outcome, not a failure of the call: Stripe attaches the intent to the error.
                body = error.json_body if isinstance(error.json_body, dict) else {}
                details = body.get("error", {})
                intent = details.get("payment_intent")
                if not isinstance(intent, dict):
                    raise ProviderError(str(error.user_message or error), retryable=False, status=402) from error
                code = _failure_code(details)
                declined = _to_intent(intent)
                return ProviderIntent(
                    provider_ref=declined.provider_ref,
                    status="failed",
                    amount=declined.amount,
                    failure_code=code,
                    failure_message=str(details.get("message") or ""),
                    card_brand=declined.card_brand,
                    card_last4=declined.card_last4,
                )

        return self._retry.call(lambda: _translate(attempt))


def _translate[T](operation: Callable[[], T]) -> T:
    """Maps the stripe package's errors onto ProviderError, deciding what may be retried."""
    try:
        return operation()
    except stripe.APIConnectionError as error:
        raise ProviderError("Stripe could not be reached.", retryable=True) from error
    except stripe.RateLimitError as error:
        raise ProviderError("Stripe is rate limiting.", retryable=True, status=429, code="rate_limit") from error
    except (stripe.AuthenticationError, stripe.PermissionError) as error:
        # Stripe's own message quotes (a masked form of) the key: never pass it on to logs or clients.
        raise ProviderError("Stripe refused the API key.", retryable=False, status=error.http_status) from error
    except stripe.IdempotencyError as error:
        raise ProviderError(str(error), retryable=False, status=error.http_status, code="idempotency_error") from error
    except stripe.StripeError as error:
        status = error.http_status or 0
        code = str(error.code or "")
        retryable = status >= 500 or (status == 409 and code in RETRYABLE_CONFLICT_CODES)
        raise ProviderError(
            f"Stripe answered {status}: {error.user_message or code}", retryable=retryable, status=status, code=code
        ) from error


def _refund_status(status: str) -> RefundStatus:
    if status in {"failed", "canceled"}:
        return "failed"
    return "succeeded" if status == "succeeded" else "pending"


def _failure_code(error: Mapping[str, Any]) -> str:
    """insufficient_funds and the like from a decline's decline_code; the error code otherwise (expired_card...)."""
    decline = str(error.get("decline_code") or "")
    if decline and decline != "generic_decline":
        return decline
    return str(error.get("code") or "card_declined")


def _as_dict(obj: Any) -> dict[str, Any]:
    if isinstance(obj, dict):
        return obj
    return cast(dict[str, Any], obj.to_dict())


def _to_intent(data: Mapping[str, Any]) -> ProviderIntent:
    status = STATUS_MAP.get(str(data.get("status")))
    if status is None:
        raise ProviderError(f"Unknown PaymentIntent status {data.get('status')!r}.", retryable=False)
    error = data.get("last_payment_error") or {}
    failure_code = ""
    failure_message = ""
    if status == "requires_payment_method" and error:
        # Stripe returns a declined intent to requires_payment_method; our intents end there as failed.
        status = "failed"
        failure_code = _failure_code(error)
        failure_message = str(error.get("message") or "")
    next_action = data.get("next_action")
    action: dict[str, Any] | None = None
    if status == "requires_action" and isinstance(next_action, Mapping):
        redirect = next_action.get("redirect_to_url") or {}
        action = {"type": str(next_action.get("type", "")), "url": str(redirect.get("url", ""))}
    method = data.get("payment_method")
    card = method.get("card", {}) if isinstance(method, Mapping) else {}
    return ProviderIntent(
        provider_ref=str(data["id"]),
        status=status,
        amount=Money(int(data["amount"]), str(data["currency"]).upper()),
        next_action=action,
        failure_code=failure_code,
        failure_message=failure_message,
        card_brand=str(card.get("brand", "")),
        card_last4=str(card.get("last4", "")),
    )
