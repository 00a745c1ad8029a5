"""The Payment Service's contract for other apps and the portals: payment intents, refunds, receipts, test cards.

The dataclasses are defined here; services and selectors import them, so the functions import those modules
inside each call, never at module load.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from azora.payments.adapters.cards import SANDBOX_TEST_CARDS
from azora.payments.state import IntentStatus
from azora.shared.money import Money

if TYPE_CHECKING:
    from azora.shared.pagination import Page

Purpose = Literal["course_purchase", "subscription", "marketplace_order", "wallet_top_up"]
RefundStatus = Literal["pending", "succeeded", "failed"]

__all__ = [
    "SANDBOX_TEST_CARDS",
    "IntentStatus",
    "PaymentIntentView",
    "Purpose",
    "ReceiptLine",
    "ReceiptView",
    "RefundStatus",
    "RefundView",
    "SavedPaymentMethodView",
    "payment_intent_cancel",
    "payment_intent_complete_action",
    "payment_intent_confirm",
    "payment_intent_confirm_saved",
    "payment_intent_create",
    "payment_intent_get",
    "payment_intents_of",
    "payment_method_delete",
    "payment_method_save",
    "payment_methods_of",
    "providers_enabled",
    "receipt_for_intent",
    "receipt_get",
    "refund_create",
    "refunds_of_intent",
]


@dataclass(frozen=True, slots=True)
class PaymentIntentView:
    id: uuid.UUID
    customer_id: uuid.UUID
    amount: Money
    status: IntentStatus
    purpose: Purpose
    description: str
    provider: str
    metadata: Mapping[str, Any]
    next_action: Mapping[str, Any] | None
    failure_code: str | None
    failure_message: str | None
    amount_refunded: Money
    receipt_id: uuid.UUID | None
    created_at: datetime
    succeeded_at: datetime | None
    fee: Money | None = None
    credit_account_id: uuid.UUID | None = None
    payment_method_brand: str = ""
    payment_method_last4: str = ""

    @property
    def amount_refundable(self) -> Money:
        return self.amount - self.amount_refunded if self.status == "succeeded" else Money.zero(self.amount.currency)


@dataclass(frozen=True, slots=True)
class RefundView:
    id: uuid.UUID
    payment_intent_id: uuid.UUID
    amount: Money
    status: RefundStatus
    reason: str
    requested_by: uuid.UUID
    failure_code: str | None
    created_at: datetime
    succeeded_at: datetime | None


@dataclass(frozen=True, slots=True)
class SavedPaymentMethodView:
    """A saved card as it may be shown: never its number or CVC (only the provider holds those)."""

    id: uuid.UUID
    provider: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    description: str
    quantity: int
    unit_amount: Money
    amount: Money


@dataclass(frozen=True, slots=True)
class ReceiptView:
    id: uuid.UUID
    number: str  # "INV-2026-000123"
    payment_intent_id: uuid.UUID
    customer_id: uuid.UUID
    customer_name: str
    customer_email: str
    issued_at: datetime
    lines: tuple[ReceiptLine, ...]
    subtotal: Money
    total: Money
    amount_refunded: Money
    provider: str
    payment_method_brand: str
    payment_method_last4: str
    purpose: Purpose
    description: str


def payment_intent_create(
    *,
    customer_id: uuid.UUID,
    amount: Money,
    purpose: Purpose,
    description: str,
    credit_account_id: uuid.UUID | None = None,
    metadata: Mapping[str, str] | None = None,
    provider: str | None = None,
    idempotency_key: str | None = None,
) -> PaymentIntentView:
    """A new intent in requires_payment_method. `credit_account_id` is credited with the gross on success;
    by default a top-up credits the customer's wallet in that currency, anything else "revenue:sales"."""
    from azora.payments import services

    return services.payment_intent_create(
        customer_id=customer_id,
        amount=amount,
        purpose=purpose,
        description=description,
        credit_account_id=credit_account_id,
        metadata=metadata,
        provider=provider,
        idempotency_key=idempotency_key,
    )


def payment_intent_confirm(
    *,
    intent_id: uuid.UUID,
    customer_id: uuid.UUID,
    payment_method: Mapping[str, str],
    idempotency_key: str | None = None,
) -> PaymentIntentView:
    """Charges the payment method. Sandbox: {"type": "card", "number", "exp_month", "exp_year", "cvc"}."""
    from azora.payments import services

    return services.payment_intent_confirm(
        intent_id=intent_id, customer_id=customer_id, payment_method=payment_method, idempotency_key=idempotency_key
    )


def payment_intent_confirm_saved(
    *,
    intent_id: uuid.UUID,
    customer_id: uuid.UUID,
    method_id: uuid.UUID,
    idempotency_key: str | None = None,
) -> PaymentIntentView:
    """Charges the customer's saved payment method without them present (a renewal). The outcome is the intent's
    status: a card that needs 3-D Secure fails with failure_code "authentication_required". Success posts to the
    ledger and publishes PaymentSucceeded exactly as `payment_intent_confirm` does."""
    from azora.payments import services

    return services.payment_intent_confirm_saved(
        intent_id=intent_id, customer_id=customer_id, method_id=method_id, idempotency_key=idempotency_key
    )


def payment_method_save(
    *, customer_id: uuid.UUID, payment_method: Mapping[str, str], provider: str | None = None
) -> SavedPaymentMethodView:
    """Tokenises the payment method at the provider (default: the default provider) for off-session charges.
    Sandbox: a card as for a confirm; Stripe: {"type": "card", "payment_method": "pm_..."}; Paystack:
    {"type": "paystack_transaction", "reference": "<a paid transaction of this customer>"}."""
    from azora.payments import services

    return services.payment_method_save(customer_id=customer_id, payment_method=payment_method, provider=provider)


def payment_methods_of(*, customer_id: uuid.UUID) -> list[SavedPaymentMethodView]:
    """The customer's saved payment methods, newest first."""
    from azora.payments import selectors

    return selectors.payment_methods_of(customer_id=customer_id)


def payment_method_delete(*, customer_id: uuid.UUID, method_id: uuid.UUID) -> None:
    """The provider forgets the token, then the method is deleted; PaymentMethodNotFound unless it is the customer's."""
    from azora.payments import services

    services.payment_method_delete(customer_id=customer_id, method_id=method_id)


def payment_intent_complete_action(
    *, intent_id: uuid.UUID, customer_id: uuid.UUID, outcome: Literal["approve", "deny"]
) -> PaymentIntentView:
    """The customer answered the challenge (requires_action) shown by the checkout page."""
    from azora.payments import services

    return services.payment_intent_complete_action(intent_id=intent_id, customer_id=customer_id, outcome=outcome)


def payment_intent_cancel(*, intent_id: uuid.UUID, customer_id: uuid.UUID) -> PaymentIntentView:
    from azora.payments import services

    return services.payment_intent_cancel(intent_id=intent_id, customer_id=customer_id)


def payment_intent_get(*, intent_id: uuid.UUID, viewer_id: uuid.UUID) -> PaymentIntentView:
    """NotFound (payment_intent_not_found) unless the viewer is the customer or a finance admin."""
    from azora.payments import selectors

    return selectors.payment_intent_get(intent_id=intent_id, viewer_id=viewer_id)


def payment_intents_of(
    *, customer_id: uuid.UUID, cursor: str | None = None, limit: int = 50
) -> Page[PaymentIntentView]:
    """The customer's intents, newest first."""
    from azora.payments import selectors

    return selectors.payment_intents_of(customer_id=customer_id, cursor=cursor, limit=limit)


def refund_create(
    *,
    intent_id: uuid.UUID,
    amount: Money | None,
    reason: str,
    requested_by: uuid.UUID,
    idempotency_key: str | None = None,
) -> RefundView:
    """Finance admins only; `amount=None` refunds everything that remains."""
    from azora.payments import services

    return services.refund_create(
        intent_id=intent_id, amount=amount, reason=reason, requested_by=requested_by, idempotency_key=idempotency_key
    )


def refunds_of_intent(*, intent_id: uuid.UUID, viewer_id: uuid.UUID) -> list[RefundView]:
    from azora.payments import selectors

    return selectors.refunds_of_intent(intent_id=intent_id, viewer_id=viewer_id)


def receipt_get(*, receipt_id: uuid.UUID, viewer_id: uuid.UUID) -> ReceiptView:
    """NotFound (receipt_not_found) unless the viewer is the customer or a finance admin."""
    from azora.payments import selectors

    return selectors.receipt_get(receipt_id=receipt_id, viewer_id=viewer_id)


def receipt_for_intent(*, intent_id: uuid.UUID, viewer_id: uuid.UUID) -> ReceiptView | None:
    from azora.payments import selectors

    return selectors.receipt_for_intent(intent_id=intent_id, viewer_id=viewer_id)


def providers_enabled() -> tuple[str, ...]:
    """The providers a checkout may use; the first is the default."""
    from azora.payments.config import payments_config

    config = payments_config()
    others = tuple(name for name in config.enabled_providers if name != config.default_provider)
    return (config.default_provider, *others)
