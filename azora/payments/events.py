"""The events the Payment Service publishes: a payment succeeded, failed or was (partly) refunded."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import ClassVar

from azora.shared.events import DomainEvent
from azora.shared.money import Money


@dataclass(frozen=True, kw_only=True)
class PaymentSucceeded(DomainEvent):
    event_type: ClassVar[str] = "payments.payment_succeeded"

    payment_intent_id: uuid.UUID
    customer_id: uuid.UUID
    amount: Money
    fee: Money
    purpose: str
    provider: str
    credit_account_id: uuid.UUID
    ledger_transfer_id: uuid.UUID
    receipt_id: uuid.UUID
    receipt_number: str
    succeeded_at: dt.datetime
    metadata: dict[str, str]


@dataclass(frozen=True, kw_only=True)
class PaymentFailed(DomainEvent):
    event_type: ClassVar[str] = "payments.payment_failed"

    payment_intent_id: uuid.UUID
    customer_id: uuid.UUID
    amount: Money
    purpose: str
    provider: str
    failure_code: str
    failure_message: str


@dataclass(frozen=True, kw_only=True)
class PaymentRefunded(DomainEvent):
    event_type: ClassVar[str] = "payments.payment_refunded"

    refund_id: uuid.UUID
    payment_intent_id: uuid.UUID
    customer_id: uuid.UUID
    amount: Money
    amount_refunded_total: Money
    is_full: bool
    reason: str
    ledger_transfer_id: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class PaymentRefundFailed(DomainEvent):
    """The provider failed a refund it had accepted: the ledger reversal was itself reversed."""

    event_type: ClassVar[str] = "payments.payment_refund_failed"

    refund_id: uuid.UUID
    payment_intent_id: uuid.UUID
    customer_id: uuid.UUID
    amount: Money
    failure_code: str
    ledger_transfer_id: uuid.UUID
