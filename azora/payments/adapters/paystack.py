"""The Paystack adapter: its HTTP API through httpx (transaction initialize/verify, charge, refund).

Paystack identifies a payment by the merchant's `reference`, which is our intent id: creating twice with the
same reference is refused by Paystack, so the reference is the idempotency key of a payment. Webhooks carry
`x-paystack-signature`, the HMAC-SHA512 of the raw body with the secret key.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any, Literal

import httpx

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
from azora.payments.adapters.cards import digits_of
from azora.payments.adapters.retry import RetryPolicy
from azora.payments.adapters.signatures import paystack_verify
from azora.payments.state import IntentStatus
from azora.shared.money import Money

SIGNATURE_HEADER = "x-paystack-signature"
# Transaction and charge statuses as Paystack documents them.
STATUS_MAP: Mapping[str, IntentStatus] = {
    "success": "succeeded",
    "failed": "failed",
    "abandoned": "requires_payment_method",
    "ongoing": "requires_action",
    "send_otp": "requires_action",
    "send_pin": "requires_action",
    "send_phone": "requires_action",
    "send_birthday": "requires_action",
    "send_address": "requires_action",
    "open_url": "requires_action",
    "pending": "processing",
    "processing": "processing",
    "queued": "processing",
    "reversed": "succeeded",  # a refunded payment did succeed; the refund is ours to record
}
# gateway_response texts of declines, mapped onto the same codes as the sandbox and Stripe.
DECLINE_CODES: Mapping[str, str] = {
    "insufficient funds": "insufficient_funds",
    "expired card": "expired_card",
    "declined": "card_declined",
    "do not honor": "card_declined",
}
PAYMENT_EVENTS = frozenset({"charge.success", "charge.failed"})


class PaystackProvider:
    name = "paystack"

    def __init__(self, *, secret_key: str, api_base: str, timeout: float, retry: RetryPolicy) -> None:
        self._secret_key = secret_key
        self._client = httpx.Client(
            base_url=api_base,
            timeout=timeout,
            headers={"Authorization": f"Bearer {secret_key}", "Content-Type": "application/json"},
        )
        self._retry = retry
        self._emails: dict[str, str] = {}

    def check_payment_method(self, payment_method: Mapping[str, str]) -> None:
        kind = payment_method.get("type")
        if kind == "authorization_code" and str(payment_method.get("authorization_code", "")).startswith("AUTH_"):
            return
        if kind != "card" or not digits_of(str(payment_method.get("number", ""))).isdigit():
            raise ValueError('Paystack takes {"type": "card", "number", "cvc", "exp_month", "exp_year"}.')

    def create_intent(self, request: CreateRequest) -> ProviderIntent:
        body = {
            "email": request.customer_email,
            "amount": request.amount.minor,
            "currency": request.amount.currency,
            "reference": request.reference,
            "metadata": {**request.metadata, "description": request.description},
        }
        try:
            data = self._request("POST", "/transaction/initialize", json_body=body)
        except ProviderError as error:
            if error.retryable or "duplicate" not in str(error).lower():
                raise
            # A retry after a lost answer: Paystack already has the reference. It is ours if the amount matches.
            existing = self.retrieve_intent(provider_ref=request.reference)
            if existing.amount != request.amount:
                raise
            return existing
        return ProviderIntent(
            provider_ref=str(data.get("reference") or request.reference),
            status="requires_payment_method",
            amount=request.amount,
            # Paystack's hosted checkout, for a front end that sends the customer there instead of taking the card.
            next_action={"type": "redirect_to_url", "url": str(data.get("authorization_url", ""))},
        )

    def confirm_intent(
        self, *, provider_ref: str, payment_method: Mapping[str, str], idempotency_key: str, return_url: str = ""
    ) -> ProviderIntent:
        try:
            self.check_payment_method(payment_method)
        except ValueError as error:
            raise ProviderError(str(error), retryable=False, status=400, code="invalid_payment_method") from error
        current = self.retrieve_intent(provider_ref=provider_ref)
        if current.status != "requires_payment_method":
            # Already charged (a retry after a lost answer): the reference is the idempotency key.
            return current
        email = self._email_of(provider_ref)
        body: dict[str, Any] = {
            "email": email,
            "amount": str(current.amount.minor),
            "currency": current.amount.currency,
            "reference": provider_ref,
        }
        if payment_method.get("type") == "authorization_code":
            body["authorization_code"] = payment_method["authorization_code"]
            path = "/transaction/charge_authorization"
        else:
            body["card"] = {
                "number": digits_of(payment_method["number"]),
                "cvv": str(payment_method.get("cvc", "")),
                "expiry_month": str(payment_method.get("exp_month", "")),
                "expiry_year": str(payment_method.get("exp_year", "")),
            }
            path = "/charge"
        return _to_intent(self._request("POST", path, json_body=body))

    def save_payment_method(self, request: SaveRequest) -> ProviderSavedMethod:
        """Paystack cannot tokenise a card without charging it: what is saved is the reusable authorization of a
        transaction the customer paid, `{"type": "paystack_transaction", "reference": "..."}`."""
        reference = str(request.payment_method.get("reference", ""))
        if request.payment_method.get("type") != "paystack_transaction" or not reference or "/" in reference:
            raise ValueError('Paystack saves {"type": "paystack_transaction", "reference": "<a paid transaction>"}.')
        data = self._request("GET", f"/transaction/verify/{reference}")
        authorization = data.get("authorization") or {}
        customer = data.get("customer") or {}
        email = str(customer.get("email", "")) if isinstance(customer, Mapping) else ""
        if data.get("status") != "success" or not isinstance(authorization, Mapping):
            raise ProviderError("The transaction was not paid.", retryable=False, status=402, code="not_paid")
        if not authorization.get("reusable") or not str(authorization.get("authorization_code", "")):
            message = "The card of that transaction cannot be charged again."
            raise ProviderError(message, retryable=False, status=402, code="not_reusable")
        if email.lower() != request.customer_email.lower():
            # Paystack charges an authorization only with its customer's email: another person's card is refused.
            raise ProviderError("The transaction is another customer's.", retryable=False, status=400, code="not_yours")
        return ProviderSavedMethod(
            token=str(authorization["authorization_code"]),
            customer_ref=email,
            brand=str(authorization.get("brand", "")).lower(),
            last4=str(authorization.get("last4", "")),
            exp_month=int(authorization.get("exp_month") or 0),
            exp_year=int(authorization.get("exp_year") or 0),
        )

    def delete_payment_method(self, *, token: str, customer_ref: str) -> None:
        """customer/deactivate_authorization, whose answer has no `data`; an unknown authorization is gone already."""

        def attempt() -> None:
            try:
                response = self._client.post("/customer/deactivate_authorization", json={"authorization_code": token})
            except httpx.TransportError as error:
                raise ProviderError("Paystack could not be reached.", retryable=True) from error
            if response.status_code == 429 or response.status_code >= 500:
                raise ProviderError(
                    f"Paystack answered {response.status_code}.", retryable=True, status=response.status_code
                )
            if response.status_code >= 400 and response.status_code != 404:
                raise ProviderError(
                    "Paystack refused to deactivate the authorization.", retryable=False, status=response.status_code
                )

        self._retry.call(attempt)

    def confirm_intent_saved(
        self, *, provider_ref: str, token: str, customer_ref: str, idempotency_key: str
    ) -> ProviderIntent:
        """transaction/charge_authorization with the saved authorization. Should Paystack ask for the customer
        (an OTP, a bank page), nobody is there to answer: the charge counts as failed, authentication_required."""
        if customer_ref:
            self._emails.setdefault(provider_ref, customer_ref)
        result = self.confirm_intent(
            provider_ref=provider_ref,
            payment_method={"type": "authorization_code", "authorization_code": token},
            idempotency_key=idempotency_key,
        )
        if result.status != "requires_action":
            return result
        return ProviderIntent(
            provider_ref=result.provider_ref,
            status="failed",
            amount=result.amount,
            failure_code="authentication_required",
            failure_message="The card needs its holder to authenticate, and they were not present.",
            card_brand=result.card_brand,
            card_last4=result.card_last4,
        )

    def complete_action(self, *, provider_ref: str, outcome: Literal["approve", "deny"]) -> ProviderIntent:
        # The customer finished the bank's step (OTP, 3-D Secure page) with Paystack: ask Paystack how it went.
        return self.retrieve_intent(provider_ref=provider_ref)

    def retrieve_intent(self, *, provider_ref: str) -> ProviderIntent:
        data = self._request("GET", f"/transaction/verify/{provider_ref}")
        customer = data.get("customer")
        if isinstance(customer, Mapping) and customer.get("email"):
            self._emails[provider_ref] = str(customer["email"])
        return _to_intent(data)

    def cancel_intent(self, *, provider_ref: str, idempotency_key: str) -> ProviderIntent:
        # Paystack has no cancel: an unpaid transaction is simply abandoned. Refuse when it has moved on.
        current = self.retrieve_intent(provider_ref=provider_ref)
        if current.status in {"succeeded", "processing"}:
            raise ProviderError(
                f"A {current.status} Paystack transaction cannot be canceled.", retryable=False, status=400
            )
        return ProviderIntent(provider_ref=provider_ref, status="canceled", amount=current.amount)

    def refund(self, *, provider_ref: str, amount: Money, idempotency_key: str) -> ProviderRefund:
        """Paystack has no idempotency keys: ours goes in `merchant_note`, and before every attempt the
        transaction's refunds are listed, so a retry after a lost answer finds the refund instead of repeating it."""

        def attempt() -> dict[str, Any]:
            listed = self._send("GET", "/refund", None, params={"transaction": provider_ref})
            for existing in listed if isinstance(listed, list) else []:
                if isinstance(existing, dict) and existing.get("merchant_note") == idempotency_key:
                    return existing
            body = {"transaction": provider_ref, "amount": amount.minor, "merchant_note": idempotency_key}
            created = self._send("POST", "/refund", body)
            if not isinstance(created, dict):
                raise ProviderError("Paystack answered a refund with something else.", retryable=False)
            return created

        data = self._retry.call(attempt)
        status = str(data.get("status", ""))
        mapped: RefundStatus = "failed" if status == "failed" else "succeeded" if status == "processed" else "pending"
        return ProviderRefund(
            provider_ref=str(data.get("id", "")),
            status=mapped,
            amount=Money(int(data.get("amount", amount.minor)), str(data.get("currency", amount.currency))),
        )

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str], now: dt.datetime) -> ProviderEvent:
        header = next((value for key, value in headers.items() if key.lower() == SIGNATURE_HEADER), None)
        paystack_verify(payload=body, header=header, secret=self._secret_key)
        return self.parse_event(json.loads(body))

    def parse_event(self, payload: Mapping[str, Any]) -> ProviderEvent:
        if not isinstance(payload, Mapping) or not isinstance(payload.get("data"), Mapping):
            raise ValueError("Not a Paystack event.")
        event_type = str(payload["event"])
        data = payload["data"]
        # Paystack events carry no event id: the event name with the object's id identifies one.
        event_id = f"{event_type}:{data.get('id')}:{data.get('status', '')}"
        intent = _to_intent(data) if event_type in PAYMENT_EVENTS else None
        reference = str(data.get("reference") or (data.get("transaction") or {}).get("reference") or "")
        return ProviderEvent(
            event_id=event_id, event_type=event_type, provider_ref=reference, intent=intent, payload=dict(payload)
        )

    def after_commit(self, *, provider_ref: str, status: IntentStatus) -> None:
        """Paystack sends its own webhooks."""

    def _email_of(self, provider_ref: str) -> str:
        return self._emails.get(provider_ref, "")

    def _request(self, method: str, path: str, *, json_body: Mapping[str, Any] | None = None) -> dict[str, Any]:
        def attempt() -> dict[str, Any]:
            data = self._send(method, path, json_body)
            if not isinstance(data, dict):
                raise ProviderError("Paystack answered with an unexpected shape.", retryable=False)
            return data

        return self._retry.call(attempt)

    def _send(
        self,
        method: str,
        path: str,
        json_body: Mapping[str, Any] | None,
        *,
        params: Mapping[str, str] | None = None,
    ) -> dict[str, Any] | list[Any]:
        """One request; `data` of Paystack's `{"status", "message", "data"}` envelope."""
        try:
            response = self._client.request(method, path, json=json_body, params=params)
        except httpx.TransportError as error:
            raise ProviderError("Paystack could not be reached.", retryable=True) from error
        if response.status_code == 429 or response.status_code >= 500:
            raise ProviderError(
                f"Paystack answered {response.status_code}.", retryable=True, status=response.status_code
            )
        try:
            document = response.json()
        except ValueError as error:
            raise ProviderError("Paystack answered with something other than JSON.", retryable=False) from error
        data = document.get("data") if isinstance(document, dict) else None
        if response.status_code >= 400 or not document.get("status") or not isinstance(data, dict | list):
            # A charge that was declined still answers with its data; anything else is a refused request.
            if isinstance(data, dict) and data.get("status") == "failed":
                return data
            message = str(document.get("message", "")) if isinstance(document, dict) else ""
            raise ProviderError(
                f"Paystack refused the request: {message}", retryable=False, status=response.status_code
            )
        return data


def _to_intent(data: Mapping[str, Any]) -> ProviderIntent:
    raw_status = str(data.get("status", ""))
    status = STATUS_MAP.get(raw_status)
    if status is None:
        raise ProviderError(f"Unknown Paystack status {raw_status!r}.", retryable=False)
    authorization = data.get("authorization") or {}
    failure_code = ""
    failure_message = ""
    if status == "failed":
        gateway = str(data.get("gateway_response") or data.get("message") or "Declined")
        failure_code = DECLINE_CODES.get(gateway.strip().lower(), "card_declined")
        failure_message = gateway
    next_action = None
    if status == "requires_action":
        next_action = {
            "type": raw_status,
            "url": str(data.get("url", "")),
            "message": str(data.get("display_text", "")),
        }
    return ProviderIntent(
        provider_ref=str(data["reference"]),
        status=status,
        amount=Money(int(data["amount"]), str(data.get("currency", "NGN"))),
        next_action=next_action,
        failure_code=failure_code,
        failure_message=failure_message,
        card_brand=str(authorization.get("brand", "")).lower(),
        card_last4=str(authorization.get("last4", "")),
    )
