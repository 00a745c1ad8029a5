"""Azora Finance's contract for other apps: ledger accounts, balances, transfers, statements and reconciliation.

Every function is keyword-only and returns frozen dataclasses (never model instances). Transfer functions may
run inside the caller's `transaction.atomic` (they open a savepoint). See docs/finance.md.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from azora.shared.money import Money
from azora.shared.pagination import Page

OwnerType = Literal["user", "organisation", "platform"]
AccountKind = Literal["asset", "liability", "income", "expense", "equity"]
Side = Literal["debit", "credit"]
TransferStatus = Literal["posted", "pending", "voided"]

# Account kinds whose balance is debits - credits; the others are credits - debits.
DEBIT_NORMAL_KINDS: frozenset[str] = frozenset({"asset", "expense"})


@dataclass(frozen=True, slots=True)
class AccountView:
    id: uuid.UUID
    owner_type: OwnerType
    owner_id: uuid.UUID | None
    code: str
    currency: str
    kind: AccountKind
    may_go_negative: bool
    name: str

    @property
    def is_debit_normal(self) -> bool:
        return self.kind in DEBIT_NORMAL_KINDS


@dataclass(frozen=True, slots=True)
class BalanceView:
    """`posted` counts posted transfers; `held` is what pending transfers would take; available = posted - held."""

    account_id: uuid.UUID
    currency: str
    posted: Money
    held: Money
    available: Money


@dataclass(frozen=True, slots=True)
class Posting:
    """One leg of a transfer: `amount` (> 0) on the `side` of an account."""

    account_id: uuid.UUID
    side: Side
    amount: Money


@dataclass(frozen=True, slots=True)
class TransferView:
    id: uuid.UUID
    kind: str
    status: TransferStatus
    reason: str
    reference: str
    metadata: Mapping[str, Any]
    postings: tuple[Posting, ...]
    created_at: datetime
    expires_at: datetime | None
    reverses_id: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class EntryView:
    """One posting as its account sees it; `balance_after` is the posted balance after it (posted entries)."""

    transfer_id: uuid.UUID
    posted_at: datetime
    kind: str
    reason: str
    reference: str
    side: Side
    amount: Money
    status: TransferStatus
    balance_after: Money | None


@dataclass(frozen=True, slots=True)
class StatementView:
    """Posted entries of one account from `start` to `end` (inclusive UTC days), with opening and closing."""

    account: AccountView
    start: date
    end: date
    opening: Money
    lines: tuple[EntryView, ...]
    closing: Money


@dataclass(frozen=True, slots=True)
class ReconcileDifference:
    """One broken invariant: which check, about what, what was expected and what was found."""

    check: str
    subject: str
    expected: str
    actual: str


@dataclass(frozen=True, slots=True)
class ReconcileReport:
    accounts_checked: int
    transfers_checked: int
    differences: tuple[ReconcileDifference, ...] = field(default=())

    @property
    def is_clean(self) -> bool:
        return not self.differences


PayoutStatus = Literal["pending", "paid", "failed"]


@dataclass(frozen=True, slots=True)
class PayoutView:
    """A payout of released earnings; `destination_label` is the bank and last four digits, never the number."""

    id: uuid.UUID
    user_id: uuid.UUID
    amount: Money
    status: PayoutStatus
    destination_label: str
    failure_code: str | None
    created_at: datetime
    paid_at: datetime | None
    provider: str = "sandbox"
    failure_message: str | None = None
    ledger_transfer_id: uuid.UUID | None = None  # the hold: pending, then posted (paid) or voided (failed)


# The functions below delegate to the app's services and selectors, imported inside each function because
# those modules import the dataclasses above.


def user_wallet(*, user_id: uuid.UUID, currency: str = "AZR") -> AccountView:
    """The user's wallet in `currency` (a liability of the platform), created on first use."""
    from azora.finance import services

    return services.user_wallet(user_id=user_id, currency=currency)


def user_earnings_account(*, user_id: uuid.UUID, currency: str) -> AccountView:
    """The user's earnings account in a fiat `currency` (instructors, sellers), created on first use."""
    from azora.finance import services

    return services.user_earnings_account(user_id=user_id, currency=currency)


def user_held_earnings_account(*, user_id: uuid.UUID, currency: str) -> AccountView:
    """The user's "earnings_held" account in a fiat `currency` (a liability, never negative): a sale's instructor
    share waits here during the refund hold, then a transfer releases it into "earnings". Created on first use."""
    from azora.finance import services

    return services.user_held_earnings_account(user_id=user_id, currency=currency)


def user_owed_earnings_account(*, user_id: uuid.UUID, currency: str) -> AccountView:
    """The user's "earnings_owed" account in a fiat `currency` (an asset, never negative): what an instructor owes
    back when a refund arrives after the sale's share was paid out; shares released later pay it off first."""
    from azora.finance import services

    return services.user_owed_earnings_account(user_id=user_id, currency=currency)


def earnings_currencies() -> tuple[str, ...]:
    """Fiat currencies of earnings accounts (AZORA_EARNINGS_CURRENCIES); the first is the default."""
    from azora.finance import services

    return services.earnings_currencies()


def organisation_account(*, organisation_id: uuid.UUID, code: str, currency: str) -> AccountView:
    from azora.finance import services

    return services.organisation_account(organisation_id=organisation_id, code=code, currency=currency)


def platform_account(*, code: str, currency: str) -> AccountView:
    """A platform account: "treasury", "burn", "mint", "rewards_pool" (AZR only), "fees:peer", "clearing:<provider>",
    "provider_fees:<provider>", "revenue:sales", "payouts:<provider>", ... with the kind and flag its code implies."""
    from azora.finance import services

    return services.platform_account(code=code, currency=currency)


def accounts_of_user(*, user_id: uuid.UUID) -> list[AccountView]:
    from azora.finance import selectors

    return selectors.accounts_of_user(user_id=user_id)


def account_get(*, account_id: uuid.UUID) -> AccountView | None:
    from azora.finance import selectors

    return selectors.account_get(account_id=account_id)


def balance(*, account_id: uuid.UUID) -> BalanceView:
    """Raises AccountNotFound for an unknown account."""
    from azora.finance import selectors

    return selectors.balance(account_id=account_id)


def balances(*, account_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, BalanceView]:
    """The balances of several accounts in one query; unknown ids are left out."""
    from azora.finance import selectors

    return selectors.balances(account_ids=account_ids)


def may_view_account(*, user_id: uuid.UUID, account_id: uuid.UUID) -> bool:
    """The owner sees their own accounts; finance and platform admins see every account."""
    from azora.finance import selectors

    return selectors.may_view_account(user_id=user_id, account_id=account_id)


def parse_amount(*, amount: str, currency: str) -> Money:
    """A decimal string ("12.50") as Money; refuses unknown currencies, too many decimals and amounts ≤ 0."""
    from azora.finance import services

    return services.parse_amount(amount=amount, currency=currency)


def transfer_post(
    *,
    transfer_id: uuid.UUID,
    kind: str,
    reason: str,
    reference: str,
    postings: Sequence[Posting],
    metadata: Mapping[str, Any] | None = None,
) -> TransferView:
    """Posts a balanced transfer at once; the same id with the same content returns the first result."""
    from azora.finance import services

    return services.transfer_post(
        transfer_id=transfer_id, kind=kind, reason=reason, reference=reference, postings=postings, metadata=metadata
    )


def transfer_hold(
    *,
    transfer_id: uuid.UUID,
    kind: str,
    reason: str,
    reference: str,
    postings: Sequence[Posting],
    expires_at: datetime,
    metadata: Mapping[str, Any] | None = None,
) -> TransferView:
    """Writes a pending (two-phase) transfer: its debits are held until settled, voided or expired."""
    from azora.finance import services

    return services.transfer_hold(
        transfer_id=transfer_id,
        kind=kind,
        reason=reason,
        reference=reference,
        postings=postings,
        expires_at=expires_at,
        metadata=metadata,
    )


def transfer_settle(*, transfer_id: uuid.UUID) -> TransferView:
    """Pending → posted. Settling a settled transfer returns it; a voided or expired one is refused."""
    from azora.finance import services

    return services.transfer_settle(transfer_id=transfer_id)


def transfer_void(*, transfer_id: uuid.UUID, reason: str) -> TransferView:
    """Pending → voided, releasing the held funds. Voiding a voided transfer returns it."""
    from azora.finance import services

    return services.transfer_void(transfer_id=transfer_id, reason=reason)


def transfer_reverse(
    *,
    transfer_id: uuid.UUID,
    original_transfer_id: uuid.UUID,
    reason: str,
    numerator: int = 1,
    denominator: int = 1,
    metadata: Mapping[str, Any] | None = None,
) -> TransferView:
    """Posts the mirror image of a posted transfer scaled by numerator/denominator (largest remainder)."""
    from azora.finance import services

    return services.transfer_reverse(
        transfer_id=transfer_id,
        original_transfer_id=original_transfer_id,
        reason=reason,
        numerator=numerator,
        denominator=denominator,
        metadata=metadata,
    )


def transfer_get(*, transfer_id: uuid.UUID) -> TransferView | None:
    from azora.finance import selectors

    return selectors.transfer_get(transfer_id=transfer_id)


def peer_transfer(
    *, transfer_id: uuid.UUID, from_user_id: uuid.UUID, to_user_id: uuid.UUID, amount: Money, note: str
) -> TransferView:
    """Sends AZR between users; the sender also pays the fee (to "fees:peer"); refused above the daily limit."""
    from azora.finance import services

    return services.peer_transfer(
        transfer_id=transfer_id, from_user_id=from_user_id, to_user_id=to_user_id, amount=amount, note=note
    )


def peer_transfer_fee(*, amount: Money) -> Money:
    from azora.finance import services

    return services.peer_transfer_fee(amount=amount)


def peer_transfer_limit_remaining(*, user_id: uuid.UUID) -> Money:
    """How much AZR the user may still send today (UTC day)."""
    from azora.finance import selectors

    return selectors.peer_transfer_limit_remaining(user_id=user_id)


def supply_issue() -> TransferView:
    """Issues the configured AZR supply from "mint" into "treasury", once; later calls return that transfer."""
    from azora.finance import services

    return services.supply_issue()


def burn_for_redemption(
    *, transfer_id: uuid.UUID, user_id: uuid.UUID, amount: Money, reason: str, reference: str
) -> TransferView:
    """The user redeems `amount` AZR: the burn rate of it goes to "burn", the rest back to "treasury"."""
    from azora.finance import services

    return services.burn_for_redemption(
        transfer_id=transfer_id, user_id=user_id, amount=amount, reason=reason, reference=reference
    )


def burn_for_withdrawal(
    *, transfer_id: uuid.UUID, user_id: uuid.UUID, amount: Money, reason: str, reference: str
) -> TransferView:
    """The user withdraws `amount` AZR: the burn rate of it goes to "burn", the rest to "withdrawals"."""
    from azora.finance import services

    return services.burn_for_withdrawal(
        transfer_id=transfer_id, user_id=user_id, amount=amount, reason=reason, reference=reference
    )


def account_entries(
    *,
    account_id: uuid.UUID,
    since: datetime | None = None,
    until: datetime | None = None,
    kind: str | None = None,
    search: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[EntryView]:
    """The account's entries, newest first (keyset cursor); `until` is exclusive."""
    from azora.finance import selectors

    return selectors.account_entries(
        account_id=account_id, since=since, until=until, kind=kind, search=search, cursor=cursor, limit=limit
    )


def statement(*, account_id: uuid.UUID, start: date, end: date) -> StatementView:
    from azora.finance import selectors

    return selectors.statement(account_id=account_id, start=start, end=end)


def balance_history(*, account_id: uuid.UUID, days: int = 30) -> list[tuple[date, Money]]:
    """The posted balance at the end of each of the last `days` UTC days, oldest first (today last)."""
    from azora.finance import selectors

    return selectors.balance_history(account_id=account_id, days=days)


def payout_request(
    *, payout_id: uuid.UUID, user_id: uuid.UUID, amount: Money, destination: Mapping[str, str]
) -> PayoutView:
    """Pays `amount` of the user's released "earnings" (in its currency) to a bank account through the payout
    provider: held at once, settled when paid, voided (funds back) when failed. The same `payout_id` with the
    same request returns that payout and pays nothing twice. Refused, changing nothing, below the currency's
    minimum (PayoutBelowMinimum), above the available balance (PayoutExceedsAvailable), in a currency without
    payouts (PayoutCurrencyNotSupported) or to a malformed destination (InvalidPayoutDestination).
    Destination: {"type": "bank_account", "account_number", "bank_code", "account_holder"}."""
    from azora.finance import services

    return services.payout_request(payout_id=payout_id, user_id=user_id, amount=amount, destination=destination)


def payouts_of(*, user_id: uuid.UUID, cursor: str | None = None, limit: int = 50) -> Page[PayoutView]:
    """The user's payouts, newest first."""
    from azora.finance import selectors

    return selectors.payouts_of(user_id=user_id, cursor=cursor, limit=limit)


def payout_minimum(*, currency: str) -> Money:
    """The smallest payout in `currency` (AZORA_REVENUE_PAYOUT_MINIMUM; ZAR 100.00 by default);
    PayoutCurrencyNotSupported for a currency without one."""
    from azora.finance import services

    return services.payout_minimum(currency=currency)


def reconcile() -> ReconcileReport:
    """Recomputes every balance from the postings and checks every ledger invariant."""
    from azora.finance import selectors

    return selectors.reconcile()


@dataclass(frozen=True, slots=True)
class AzrSupplySummary:
    """AZR for operators: minted into the treasury, held by people and organisations (issued into
    circulation), burned on redemptions and withdrawals, and the burns per day (oldest first)."""

    minted: Money
    circulating: Money
    burned: Money
    burned_by_day: tuple[tuple[date, Money], ...]


def azr_supply_summary(*, days: int = 30, today: date | None = None) -> AzrSupplySummary:
    from azora.finance import selectors

    return selectors.azr_supply_summary(days=days, today=today)


__all__ = [
    "DEBIT_NORMAL_KINDS",
    "AccountKind",
    "AccountView",
    "AzrSupplySummary",
    "BalanceView",
    "EntryView",
    "OwnerType",
    "PayoutStatus",
    "PayoutView",
    "Posting",
    "ReconcileDifference",
    "ReconcileReport",
    "Side",
    "StatementView",
    "TransferStatus",
    "TransferView",
    "account_entries",
    "account_get",
    "accounts_of_user",
    "azr_supply_summary",
    "balance",
    "balance_history",
    "balances",
    "burn_for_redemption",
    "burn_for_withdrawal",
    "earnings_currencies",
    "may_view_account",
    "organisation_account",
    "parse_amount",
    "payout_minimum",
    "payout_request",
    "payouts_of",
    "peer_transfer",
    "peer_transfer_fee",
    "peer_transfer_limit_remaining",
    "platform_account",
    "reconcile",
    "statement",
    "supply_issue",
    "transfer_get",
    "transfer_hold",
    "transfer_post",
    "transfer_reverse",
    "transfer_settle",
    "transfer_void",
    "user_earnings_account",
    "user_held_earnings_account",
    "user_owed_earnings_account",
    "user_wallet",
]
