"""Request and response shapes of the finance API: amounts as exact decimal strings, requests refuse unknown fields."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from azora.shared.pagination import MAX_CURSOR_LENGTH, MAX_LIMIT
from azora.shared.schemas import AmountOut, StrictIn

DEFAULT_ENTRY_LIMIT = 50


class WalletOut(Schema):
    id: uuid.UUID
    code: str = Field(description='"wallet" (AZR and other currencies) or "earnings" (an instructor\'s fiat earnings).')
    name: str
    currency: str
    posted: AmountOut = Field(description="Balance of posted transfers.")
    held: AmountOut = Field(description="Funds held by pending (two-phase) transfers.")
    available: AmountOut = Field(description="posted - held: what can be spent now.")


class WalletListOut(Schema):
    items: list[WalletOut]


class EntryQuery(Schema):
    """Filters of an account's entries; `from`/`to` are ISO dates or date-times (UTC when naive)."""

    from_: date | datetime | None = Field(default=None, alias="from", description="Entries at or after this time.")
    to: date | datetime | None = Field(default=None, description="Entries before this time (a date: up to its end).")
    kind: str | None = Field(default=None, max_length=64, description='Transfer kind, e.g. "peer", "top_up".')
    q: str | None = Field(default=None, max_length=200, description="Search in the reason and the reference.")
    cursor: str | None = Field(default=None, max_length=MAX_CURSOR_LENGTH, description="`next_cursor` of a page.")
    limit: int = Field(default=DEFAULT_ENTRY_LIMIT, ge=1, le=MAX_LIMIT, description="Entries per page.")


class EntryOut(Schema):
    transfer_id: uuid.UUID
    posted_at: datetime
    kind: str
    reason: str
    reference: str
    side: Literal["debit", "credit"]
    amount: AmountOut = Field(description="Positive; `side` says the direction.")
    signed_amount: AmountOut = Field(description="As it changes the account's balance: negative when it lowers it.")
    status: str
    balance_after: AmountOut | None = Field(description="The posted balance after this entry (posted entries).")


class EntryPageOut(Schema):
    items: list[EntryOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class TransferCreateIn(StrictIn):
    """A peer AZR transfer. Send `id` (a UUID you generate) to make a retry safe without an Idempotency-Key."""

    id: uuid.UUID | None = Field(
        default=None, description="Client-chosen transfer id; the same id = the same transfer."
    )
    to_user: str = Field(min_length=1, max_length=254, description="The recipient's email address or user id.")
    amount: str = Field(min_length=1, max_length=32, description='Decimal string, e.g. "12.50"; more than zero.')
    currency: str = Field(default="AZR", min_length=1, max_length=8, description='Only "AZR" for peer transfers.')
    note: str = Field(default="", max_length=280, description="Shown to both parties.")


class PostingOut(Schema):
    account_id: uuid.UUID
    side: Literal["debit", "credit"]
    amount: AmountOut


class TransferOut(Schema):
    id: uuid.UUID
    kind: str
    status: str
    reason: str
    reference: str
    note: str
    from_user_id: uuid.UUID | None
    to_user_id: uuid.UUID | None
    amount: AmountOut | None = Field(description="What the recipient receives (peer transfers).")
    fee: AmountOut | None = Field(description="The fee the sender pays on top (peer transfers).")
    total_debited: AmountOut | None = Field(description="amount + fee, taken from the sender's wallet.")
    postings: list[PostingOut]
    created_at: datetime
    expires_at: datetime | None
    reverses_id: uuid.UUID | None


class StatementQuery(Schema):
    from_: date | None = Field(default=None, alias="from", description="First day (default: the 1st of this month).")
    to: date | None = Field(default=None, description="Last day, inclusive (default: today, UTC).")
    format: Literal["json", "csv"] = Field(default="json", description="json, or csv for a spreadsheet.")


class AccountOut(Schema):
    id: uuid.UUID
    owner_type: str
    owner_id: uuid.UUID | None
    code: str
    name: str
    currency: str
    kind: str


class StatementOut(Schema):
    account: AccountOut
    start: date
    end: date
    opening: AmountOut
    closing: AmountOut
    lines: list[EntryOut]


class BankAccountIn(StrictIn):
    """Where a payout goes. The full number reaches the payout provider only; Azora keeps the last four digits."""

    type: Literal["bank_account"] = Field(default="bank_account")
    account_number: str = Field(min_length=1, max_length=40, description="Digits (spaces are ignored).")
    bank_code: str = Field(min_length=1, max_length=20, description="The bank's branch or routing code.")
    account_holder: str = Field(min_length=1, max_length=100, description="The name on the account.")


class PayoutCreateIn(StrictIn):
    """A payout of released earnings. Send `id` (a UUID you generate) to make a retry safe."""

    id: uuid.UUID | None = Field(default=None, description="Client-chosen payout id; the same id = the same payout.")
    amount: str = Field(min_length=1, max_length=32, description='Decimal string, e.g. "150.00"; at least the minimum.')
    currency: str = Field(default="ZAR", min_length=1, max_length=8, description="The earnings' currency.")
    destination: BankAccountIn


class PayoutOut(Schema):
    id: uuid.UUID
    status: Literal["pending", "paid", "failed"] = Field(description="pending until the provider answers.")
    amount: AmountOut
    destination_label: str = Field(description='The bank and the last four digits, e.g. "Bank 250655 ••••6789".')
    provider: str
    failure_code: str | None = Field(description='Why it failed, e.g. "account_closed"; the funds are back.')
    failure_message: str | None
    created_at: datetime
    paid_at: datetime | None


class PayoutPageOut(Schema):
    items: list[PayoutOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")
