"""Request and response shapes of the payments API: amounts as exact decimal strings, requests refuse unknown fields."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema

from azora.payments.public import PaymentIntentView, ReceiptView, RefundView, SavedPaymentMethodView
from azora.shared.schemas import AmountOut, StrictIn, amount_out


class PaymentIntentCreateIn(StrictIn):
    amount: str = Field(min_length=1, max_length=32, description='Decimal string, e.g. "150.00"; more than zero.')
    currency: str = Field(min_length=3, max_length=8, description='ISO 4217 code such as "ZAR", or "AZR".')
    purpose: Literal["course_purchase", "subscription", "marketplace_order", "wallet_top_up"]
    description: str = Field(min_length=1, max_length=500)
    metadata: dict[str, str] = Field(default_factory=dict, description="Up to 20 string keys and values.")
    provider: Literal["sandbox", "stripe", "paystack"] | None = Field(
        default=None, description="Omit for the platform's default provider."
    )


class PaymentIntentConfirmIn(StrictIn):
    payment_method: dict[str, str] = Field(
        description='Sandbox: {"type": "card", "number", "exp_month", "exp_year", "cvc"}; '
        'Stripe: {"type": "card", "payment_method": "pm_..."}; Paystack: a card or {"type": "authorization_code"}.'
    )


class PaymentIntentChallengeIn(StrictIn):
    outcome: Literal["approve", "deny"]


class PaymentIntentOut(Schema):
    id: uuid.UUID
    customer_id: uuid.UUID
    amount: AmountOut
    status: str
    purpose: str
    description: str
    provider: str
    metadata: dict[str, Any]
    next_action: dict[str, Any] | None
    failure_code: str | None
    failure_message: str | None
    amount_refunded: AmountOut
    receipt_id: uuid.UUID | None
    created_at: datetime
    succeeded_at: datetime | None
    payment_method_brand: str
    payment_method_last4: str

    @staticmethod
    def of(view: PaymentIntentView) -> PaymentIntentOut:
        return PaymentIntentOut(
            id=view.id,
            customer_id=view.customer_id,
            amount=amount_out(view.amount),
            status=view.status,
            purpose=view.purpose,
            description=view.description,
            provider=view.provider,
            metadata=dict(view.metadata),
            next_action=dict(view.next_action) if view.next_action else None,
            failure_code=view.failure_code,
            failure_message=view.failure_message,
            amount_refunded=amount_out(view.amount_refunded),
            receipt_id=view.receipt_id,
            created_at=view.created_at,
            succeeded_at=view.succeeded_at,
            payment_method_brand=view.payment_method_brand,
            payment_method_last4=view.payment_method_last4,
        )


class PaymentIntentPageOut(Schema):
    items: list[PaymentIntentOut]
    next_cursor: str | None


class RefundCreateIn(StrictIn):
    payment_intent_id: uuid.UUID
    amount: str | None = Field(
        default=None, min_length=1, max_length=32, description="Omit to refund everything that remains."
    )
    reason: str = Field(min_length=1, max_length=500)


class RefundOut(Schema):
    id: uuid.UUID
    payment_intent_id: uuid.UUID
    amount: AmountOut
    status: str
    reason: str
    requested_by: uuid.UUID
    failure_code: str | None
    created_at: datetime
    succeeded_at: datetime | None

    @staticmethod
    def of(view: RefundView) -> RefundOut:
        return RefundOut(
            id=view.id,
            payment_intent_id=view.payment_intent_id,
            amount=amount_out(view.amount),
            status=view.status,
            reason=view.reason,
            requested_by=view.requested_by,
            failure_code=view.failure_code,
            created_at=view.created_at,
            succeeded_at=view.succeeded_at,
        )


class ReceiptLineOut(Schema):
    description: str
    quantity: int
    unit_amount: AmountOut
    amount: AmountOut


class ReceiptOut(Schema):
    id: uuid.UUID
    number: str = Field(description='Gapless per year, e.g. "INV-2026-000123".')
    payment_intent_id: uuid.UUID
    customer_name: str
    customer_email: str
    issued_at: datetime
    lines: list[ReceiptLineOut]
    subtotal: AmountOut
    total: AmountOut
    amount_refunded: AmountOut
    provider: str
    payment_method_brand: str
    payment_method_last4: str

    @staticmethod
    def of(view: ReceiptView) -> ReceiptOut:
        return ReceiptOut(
            id=view.id,
            number=view.number,
            payment_intent_id=view.payment_intent_id,
            customer_name=view.customer_name,
            customer_email=view.customer_email,
            issued_at=view.issued_at,
            lines=[
                ReceiptLineOut(
                    description=line.description,
                    quantity=line.quantity,
                    unit_amount=amount_out(line.unit_amount),
                    amount=amount_out(line.amount),
                )
                for line in view.lines
            ],
            subtotal=amount_out(view.subtotal),
            total=amount_out(view.total),
            amount_refunded=amount_out(view.amount_refunded),
            provider=view.provider,
            payment_method_brand=view.payment_method_brand,
            payment_method_last4=view.payment_method_last4,
        )


class WebhookAcceptedOut(Schema):
    received: bool
    duplicate: bool


class PaymentMethodCreateIn(StrictIn):
    payment_method: dict[str, str] = Field(
        description='Sandbox: {"type": "card", "number", "exp_month", "exp_year", "cvc"}; '
        'Stripe: {"type": "card", "payment_method": "pm_..."}; '
        'Paystack: {"type": "paystack_transaction", "reference": "<a transaction the caller paid>"}.'
    )
    provider: Literal["sandbox", "stripe", "paystack"] | None = Field(
        default=None, description="Omit for the platform's default provider."
    )


class PaymentMethodOut(Schema):
    """What may be shown of a saved method: never its number or CVC (only the provider holds those)."""

    id: uuid.UUID = Field(description="The `payment_method_id` that subscriptions and plan checkouts take.")
    provider: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    created_at: datetime

    @staticmethod
    def of(view: SavedPaymentMethodView) -> PaymentMethodOut:
        return PaymentMethodOut(
            id=view.id,
            provider=view.provider,
            brand=view.brand,
            last4=view.last4,
            exp_month=view.exp_month,
            exp_year=view.exp_year,
            created_at=view.created_at,
        )


class PaymentMethodListOut(Schema):
    items: list[PaymentMethodOut]
