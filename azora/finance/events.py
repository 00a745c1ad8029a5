"""The events Azora Finance publishes: past-tense facts about ledger transfers."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import ClassVar

from azora.shared.events import DomainEvent
from azora.shared.money import Money


@dataclass(frozen=True, kw_only=True)
class TransferPosted(DomainEvent):
    """A transfer's postings now count in the posted balances (a direct post, or a settled hold)."""

    event_type: ClassVar[str] = "finance.transfer_posted"

    transfer_id: uuid.UUID
    kind: str
    account_ids: tuple[uuid.UUID, ...]


@dataclass(frozen=True, kw_only=True)
class TransferHeld(DomainEvent):
    """A two-phase transfer is pending: its debits are held until it is settled, voided or expires."""

    event_type: ClassVar[str] = "finance.transfer_held"

    transfer_id: uuid.UUID
    kind: str
    account_ids: tuple[uuid.UUID, ...]


@dataclass(frozen=True, kw_only=True)
class TransferVoided(DomainEvent):
    """A pending transfer was voided (by a caller or because it expired); its held funds are released."""

    event_type: ClassVar[str] = "finance.transfer_voided"

    transfer_id: uuid.UUID
    kind: str
    reason: str
    account_ids: tuple[uuid.UUID, ...]


@dataclass(frozen=True, kw_only=True)
class TransferReversed(DomainEvent):
    """A posted transfer was (partly) reversed by a new, mirror-image transfer."""

    event_type: ClassVar[str] = "finance.transfer_reversed"

    transfer_id: uuid.UUID
    original_transfer_id: uuid.UUID
    numerator: int
    denominator: int


@dataclass(frozen=True, kw_only=True)
class PayoutPaid(DomainEvent):
    """The provider paid a payout: its hold on the user's earnings is settled."""

    event_type: ClassVar[str] = "finance.payout_paid"

    payout_id: uuid.UUID
    user_id: uuid.UUID
    amount: Money
    provider: str
    ledger_transfer_id: uuid.UUID
    paid_at: dt.datetime


@dataclass(frozen=True, kw_only=True)
class PayoutFailed(DomainEvent):
    """The provider failed a payout (or never received it): its hold is voided and the funds are available again."""

    event_type: ClassVar[str] = "finance.payout_failed"

    payout_id: uuid.UUID
    user_id: uuid.UUID
    amount: Money
    provider: str
    failure_code: str
    ledger_transfer_id: uuid.UUID
