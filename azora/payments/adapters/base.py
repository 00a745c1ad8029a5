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
