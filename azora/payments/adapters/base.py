"""The one Protocol every payment provider adapter implements, and the plain values that cross it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from azora.payments.state import IntentStatus
from azora.shared.money import Money

RefundStatus = Literal["pending", "succeeded", "failed"]


class ProviderError(Exception):
    """A provider call failed; `retryable` says whether the same request may be sent again (network, 429, 5xx)."""

    def __init__(self, message: str, *, retryable: bool, status: int | None = None, code: str = "") -> None:
        super().__init__(message)
        self.retryable = retryable
        self.status = status
        self.code = code


class SignatureError(Exception):
    """A webhook's signature is missing, malformed, wrong or outside the tolerance; nothing of it was read."""


@dataclass(frozen=True, slots=True)
class ProviderIntent:
    """The provider's view of a payment, already mapped onto our statuses."""

    provider_ref: str
    status: IntentStatus
    amount: Money
    next_action: Mapping[str, Any] | None = None
    failure_code: str = ""
    failure_message: str = ""
    card_brand: str = ""
    card_last4: str = ""


@dataclass(frozen=True, slots=True)
class ProviderRefund:
    provider_ref: str
    status: RefundStatus
    amount: Money
    failure_code: str = ""


@dataclass(frozen=True, slots=True)
class ProviderEvent:
    """A verified webhook event. `intent` is set for payment events and carries the status the provider reports."""

    event_id: str
    event_type: str
    provider_ref: str
    intent: ProviderIntent | None
    payload: Mapping[str, Any] = field(default_factory=dict)
    refund: ProviderRefund | None = None  # set for refund events (a refund the provider later failed)


@dataclass(frozen=True, slots=True)
class ProviderSavedMethod:
    """A payment method the provider keeps for charges without the customer present: its reusable token and what
    may be shown. Never the card number or the CVC."""

    token: str  # the sandbox's sbx_pm_..., Stripe's pm_..., Paystack's AUTH_...
    customer_ref: str  # the provider's customer the token belongs to (Stripe cus_..., Paystack the email), or ""
    brand: str
    last4: str
    exp_month: int
    exp_year: int


@dataclass(frozen=True, slots=True)
class SaveRequest:
    payment_method: Mapping[str, str]
    customer_ref: str  # the provider customer of this customer's earlier saved methods, "" for the first
    customer_email: str
    reference: str  # our customer id, for the provider's metadata
    idempotency_key: str


@dataclass(frozen=True, slots=True)
class CreateRequest:
    amount: Money
    reference: str  # our intent id: the provider's reference/metadata, for reconciliation
    description: str
    customer_email: str
    metadata: Mapping[str, str]
    idempotency_key: str


class PaymentProvider(Protocol):
    """What the Payment Service needs from a provider. Every method raises ProviderError on failure."""

    name: str

    def check_payment_method(self, payment_method: Mapping[str, str]) -> None:
        """Raises ValueError when the payment method's shape is wrong for this provider (nothing is sent)."""
        ...

    def create_intent(self, request: CreateRequest) -> ProviderIntent: ...

    def confirm_intent(
        self, *, provider_ref: str, payment_method: Mapping[str, str], idempotency_key: str, return_url: str = ""
    ) -> ProviderIntent: ...

    def complete_action(self, *, provider_ref: str, outcome: Literal["approve", "deny"]) -> ProviderIntent: ...

    def save_payment_method(self, request: SaveRequest) -> ProviderSavedMethod:
        """Tokenises a payment method for later off-session charges. ValueError when its shape is wrong for this
        provider (nothing is sent); ProviderError with status 402 when the card itself is refused."""
        ...

    def delete_payment_method(self, *, token: str, customer_ref: str) -> None:
        """The provider forgets the token (detach / deactivate); forgetting an unknown token is not an error."""
        ...

    def confirm_intent_saved(
        self, *, provider_ref: str, token: str, customer_ref: str, idempotency_key: str
    ) -> ProviderIntent:
        """Charges a saved method with the customer absent (off-session). Nobody can answer a challenge, so a
        card that needs one fails with failure_code "authentication_required" instead of requiring action."""
        ...

    def retrieve_intent(self, *, provider_ref: str) -> ProviderIntent: ...

    def cancel_intent(self, *, provider_ref: str, idempotency_key: str) -> ProviderIntent: ...

    def refund(self, *, provider_ref: str, amount: Money, idempotency_key: str) -> ProviderRefund: ...

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str], now: dt.datetime) -> ProviderEvent:
        """Verifies the signature FIRST (SignatureError), then parses the body (ValueError when it is not an event)."""
        ...

    def parse_event(self, payload: Mapping[str, Any]) -> ProviderEvent:
        """An already verified (stored) event body as a ProviderEvent; ValueError when it is not one."""
        ...

    def after_commit(self, *, provider_ref: str, status: IntentStatus) -> None:
        """Called once the service committed the status a provider call returned (the sandbox schedules webhooks)."""
        ...
