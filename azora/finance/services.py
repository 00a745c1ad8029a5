"""The ledger's write side: accounts, transfers (post, hold, settle, void, reverse), AZR supply, burns, peer sends.

Every transfer runs in one savepoint that locks its accounts in primary-key order (so concurrent transfers cannot
deadlock), writes the transfer and its postings, updates the accounts' cached totals, checks that no account
which may not go negative does, and publishes its event through the outbox. Anything refused writes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, Literal

from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django.db.models import Sum
from django.utils import timezone

from azora.finance import _pgwrite, errors
from azora.finance.adapters.payouts import (
    BankAccount,
    PayoutError,
    PayoutOrder,
    PayoutProvider,
    PayoutResult,
    build_payout_provider,
)
from azora.finance.events import (
    PayoutFailed,
    PayoutPaid,
    TransferHeld,
    TransferPosted,
    TransferReversed,
    TransferVoided,
)
from azora.finance.models import Account, Payout, Posting, Transfer
from azora.finance.public import AccountView, PayoutView, TransferView
from azora.finance.public import Posting as PostingIn
from azora.shared.errors import NotFound, ValidationFailed
from azora.shared.events import DomainEvent, publish
from azora.shared.money import CURRENCY_EXPONENTS, Money
from azora.shared.observability.logging import get_logger

logger = get_logger("azora.finance")

AZR = "AZR"
MAX_KIND_LENGTH = 64
MAX_REASON_LENGTH = 500
MAX_REFERENCE_LENGTH = 200
MAX_METADATA_BYTES = 16_384
MAX_POSTINGS = 64
MAX_PEER_NOTE_LENGTH = 280
# Far beyond any real amount, and well inside a signed 64-bit total.
MAX_AMOUNT_MINOR = 10**15
BASIS_POINTS = 10_000
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(:[a-z0-9_.-]+)?$")
SUPPLY_TRANSFER_ID = uuid.uuid5(uuid.NAMESPACE_URL, "https://azora.local/finance/azr-supply")

Operation = Literal["post", "hold", "reverse"]


# --- Accounts -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _AccountRule:
    kind: str
    may_go_negative: bool
    name: str


# Platform account codes (exact, or "<prefix>:<name>") and what they are. AZR lives in credit-normal accounts
# only, so that the AZR balances of every account except the mint add up to the supply.
_PLATFORM_EXACT: dict[str, _AccountRule] = {
    "mint": _AccountRule("equity", True, "AZR mint"),
    "treasury": _AccountRule("equity", False, "Treasury"),
    "burn": _AccountRule("equity", False, "Burned AZR"),
    "withdrawals": _AccountRule("liability", False, "Withdrawals awaiting payout"),
    # Learn-to-earn rewards are paid from here; it is funded from the treasury, never from the mint, so the
    # supply check still holds (credit-normal, like every AZR account except the mint).
    "rewards_pool": _AccountRule("equity", False, "Rewards pool"),
}
# Platform codes that exist in one currency only.
_PLATFORM_CURRENCY: dict[str, str] = {"rewards_pool": AZR}
_PLATFORM_PREFIXES: dict[str, _AccountRule] = {
    "fees": _AccountRule("income", False, "Fees"),
    "revenue": _AccountRule("income", False, "Revenue"),
    "clearing": _AccountRule("asset", True, "Clearing"),
    "provider_fees": _AccountRule("expense", False, "Provider fees"),
    "escrow": _AccountRule("liability", False, "Escrow"),
    "payouts": _AccountRule("liability", False, "Payouts"),
    "rewards": _AccountRule("expense", True, "Rewards"),
}


def _platform_rule(code: str) -> _AccountRule:
    if code in _PLATFORM_EXACT:
        return _PLATFORM_EXACT[code]
    prefix, _, rest = code.partition(":")
    rule = _PLATFORM_PREFIXES.get(prefix)
    if rule is None or not rest:
        raise errors.InvalidTransfer(f"{code!r} is not a platform account code.")
    return _AccountRule(rule.kind, rule.may_go_negative, f"{rule.name}: {rest}")


def _check_currency(currency: str) -> None:
    if currency not in CURRENCY_EXPONENTS:
        raise errors.UnknownCurrency(f"Unknown currency {currency!r}.", extra={"currency": currency})


def _check_code(code: str) -> None:
    if not isinstance(code, str) or len(code) > MAX_KIND_LENGTH or not CODE_PATTERN.match(code):
        raise errors.InvalidTransfer(f"{code!r} is not a valid account code.")


def account_view(account: Account) -> AccountView:
    return AccountView(
        id=account.id,
        owner_type=account.owner_type,  # type: ignore[arg-type]  # a TextChoices value of the Literal
        owner_id=account.owner_id,
        code=account.code,
        currency=account.currency,
        kind=account.kind,  # type: ignore[arg-type]  # a TextChoices value of the Literal
        may_go_negative=account.may_go_negative,
        name=account.name,
    )


def _account_get_or_create(
    *, owner_type: str, owner_id: uuid.UUID | None, code: str, currency: str, rule: _AccountRule
) -> AccountView:
    _check_currency(currency)
    # Values, not a model instance, and no ORDER BY: this lookup is on the hot path of payments and peer sends.
    found = Account.objects.filter(owner_type=owner_type, owner_id=owner_id, code=code, currency=currency)
    existing = next(iter(found.values_list("id", "kind", "may_go_negative", "name")[:1]), None)
    if existing is not None:
        account_id, kind, may_go_negative, name = existing
        return AccountView(
            id=account_id, owner_type=owner_type, owner_id=owner_id, code=code, currency=currency,  # type: ignore[arg-type]
            kind=kind, may_go_negative=may_go_negative, name=name,  # type: ignore[arg-type]
        )  # fmt: skip
    try:
        with transaction.atomic():
            account = Account.objects.create(
                owner_type=owner_type,
                owner_id=owner_id,
                code=code,
                currency=currency,
                kind=rule.kind,
                may_go_negative=rule.may_go_negative,
                name=f"{rule.name} ({currency})",
            )
    except IntegrityError:
        # Another request created it first.
        account = Account.objects.get(owner_type=owner_type, owner_id=owner_id, code=code, currency=currency)
    return account_view(account)


def user_wallet(*, user_id: uuid.UUID, currency: str = AZR) -> AccountView:
    return _account_get_or_create(
        owner_type="user", owner_id=user_id, code="wallet", currency=currency,
        rule=_AccountRule("liability", False, "Wallet"),
    )  # fmt: skip


def user_earnings_account(*, user_id: uuid.UUID, currency: str) -> AccountView:
    return _account_get_or_create(
        owner_type="user", owner_id=user_id, code="earnings", currency=currency,
        rule=_AccountRule("liability", False, "Earnings"),
    )  # fmt: skip


def user_held_earnings_account(*, user_id: uuid.UUID, currency: str) -> AccountView:
    """Earnings not yet released (a sale's share during its refund hold); released into "earnings" later."""
    return _account_get_or_create(
        owner_type="user", owner_id=user_id, code="earnings_held", currency=currency,
        rule=_AccountRule("liability", False, "Earnings on hold"),
    )  # fmt: skip


def user_owed_earnings_account(*, user_id: uuid.UUID, currency: str) -> AccountView:
    """What an instructor owes back after a refund that came when the sale's share had already been paid out (an
    asset: never below zero); the next shares released pay it off before they reach "earnings"."""
    return _account_get_or_create(
        owner_type="user", owner_id=user_id, code="earnings_owed", currency=currency,
        rule=_AccountRule("asset", False, "Earnings owed back"),
    )  # fmt: skip


def earnings_currencies() -> tuple[str, ...]:
    return tuple(str(currency) for currency in settings.AZORA_EARNINGS_CURRENCIES)


def organisation_account(*, organisation_id: uuid.UUID, code: str, currency: str) -> AccountView:
    _check_code(code)
    return _account_get_or_create(
        owner_type="organisation", owner_id=organisation_id, code=code, currency=currency,
        rule=_AccountRule("liability", False, f"Organisation {code}"),
    )  # fmt: skip


def platform_account(*, code: str, currency: str) -> AccountView:
    _check_code(code)
    only = _PLATFORM_CURRENCY.get(code)
    if only is not None and currency != only:
        raise errors.CurrencyMismatch(
            f"The {code} account holds {only} only, not {currency}.", extra={"currency": currency}
        )
    return _account_get_or_create(
        owner_type="platform", owner_id=None, code=code, currency=currency, rule=_platform_rule(code)
    )


def wallet_create_for_new_user(*, user_id: uuid.UUID) -> AccountView:
    """Every user has an AZR wallet from sign-up on (idempotent: the subscriber may run twice)."""
    return user_wallet(user_id=user_id, currency=AZR)


# --- Amounts ------------------------------------------------------------------------------------------------


def parse_amount(*, amount: str, currency: str) -> Money:
    _check_currency(currency)
    text = amount.strip() if isinstance(amount, str) else ""
    try:
        value = Decimal(text)
    except InvalidOperation as error:
        raise errors.InvalidAmount(f"{amount!r} is not a number.") from error
    if not value.is_finite():
        raise errors.InvalidAmount(f"{amount!r} is not a number.")
    scaled = value.scaleb(CURRENCY_EXPONENTS[currency])
    if scaled != scaled.to_integral_value():
        raise errors.InvalidAmount(f"{currency} has {CURRENCY_EXPONENTS[currency]} decimals; {text} has more.")
    money = Money(int(scaled), currency)
    _check_amount(money)
    return money


def _check_amount(amount: Money) -> None:
    if not isinstance(amount, Money):
        raise errors.InvalidAmount("An amount must be Money (integer minor units and a currency).")
    if amount.minor <= 0:
        raise errors.InvalidAmount(f"The amount must be more than zero, not {amount}.")
    if amount.minor > MAX_AMOUNT_MINOR:
        raise errors.InvalidAmount(f"{amount} is larger than the ledger accepts.")


def _basis_points_of(minor: int, bps: int, *, round_up: bool) -> int:
    """`bps` basis points of `minor`, rounded up (fees) or down (burns): never a fraction of a minor unit."""
    product = minor * bps
    return -(-product // BASIS_POINTS) if round_up else product // BASIS_POINTS


# --- Transfers: validation and fingerprints -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Leg:
    account_id: uuid.UUID
    side: str
    amount: int
    currency: str


@dataclass(frozen=True, slots=True)
class _Request:
    operation: Operation
    kind: str
    reason: str
    reference: str
    metadata: dict[str, Any]
    legs: tuple[_Leg, ...]
    expires_at: datetime | None = None
    reverses_id: uuid.UUID | None = None

    def fingerprint(self) -> str:
        content = {
            "operation": self.operation,
            "kind": self.kind,
            "reason": self.reason,
            "reference": self.reference,
            "metadata": self.metadata,
            "legs": sorted([str(leg.account_id), leg.side, leg.amount, leg.currency] for leg in self.legs),
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
            "reverses_id": str(self.reverses_id) if self.reverses_id else None,
        }
        return hashlib.sha256(json.dumps(content, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _clean_text(value: object, *, name: str, max_length: int, required: bool) -> str:
    if not isinstance(value, str):
        raise errors.InvalidTransfer(f"The {name} must be text.")
    cleaned = value.strip()
    if required and not cleaned:
        raise errors.InvalidTransfer(f"A {name} is required.", extra={"field": name})
    if len(cleaned) > max_length:
        raise errors.InvalidTransfer(f"The {name} is longer than {max_length} characters.", extra={"field": name})
    return cleaned


def _clean_metadata(metadata: Mapping[str, Any] | None) -> dict[str, Any]:
    if metadata is None:
        return {}
    if not isinstance(metadata, Mapping):
        raise errors.InvalidTransfer("Metadata must be a mapping of names to JSON values.")
    try:
        encoded = json.dumps(dict(metadata), sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise errors.InvalidTransfer("Metadata must hold only JSON values (text, numbers, lists, mappings).") from error
    if len(encoded) > MAX_METADATA_BYTES:
        raise errors.InvalidTransfer(f"Metadata is larger than {MAX_METADATA_BYTES} bytes.")
    cleaned: dict[str, Any] = json.loads(encoded)
    return cleaned


def _clean_legs(postings: Sequence[PostingIn]) -> tuple[_Leg, ...]:
    if isinstance(postings, (str, bytes)) or not isinstance(postings, Sequence):
        raise errors.InvalidTransfer("Postings must be a list.")
    if len(postings) < 2:
        raise errors.UnbalancedTransfer("A transfer needs at least two postings.")
    if len(postings) > MAX_POSTINGS:
        raise errors.InvalidTransfer(f"A transfer has at most {MAX_POSTINGS} postings.")
    legs = []
    for posting in postings:
        if not isinstance(posting, PostingIn):
            raise errors.InvalidTransfer("Each posting must be a finance Posting.")
        if posting.side not in ("debit", "credit"):
            raise errors.InvalidTransfer(f"A posting's side is debit or credit, not {posting.side!r}.")
        if not isinstance(posting.account_id, uuid.UUID):
            raise errors.InvalidTransfer("A posting's account_id must be a UUID.")
        _check_amount(posting.amount)
        legs.append(_Leg(posting.account_id, posting.side, posting.amount.minor, posting.amount.currency))
    _check_balanced(legs)
    return tuple(legs)


def _check_balanced(legs: Iterable[_Leg]) -> None:
    net: dict[str, int] = defaultdict(int)
    for leg in legs:
        net[leg.currency] += leg.amount if leg.side == "debit" else -leg.amount
    unbalanced = {currency: value for currency, value in net.items() if value != 0}
    if unbalanced:
        detail = ", ".join(f"{currency} debits exceed credits by {value}" for currency, value in unbalanced.items())
        raise errors.UnbalancedTransfer(f"The transfer does not balance: {detail} (minor units).")


def _request(
    *,
    operation: Operation,
    kind: str,
    reason: str,
    reference: str,
    postings: Sequence[PostingIn],
    metadata: Mapping[str, Any] | None,
    expires_at: datetime | None = None,
) -> _Request:
    return _Request(
        operation=operation,
        kind=_clean_text(kind, name="kind", max_length=MAX_KIND_LENGTH, required=True),
        reason=_clean_text(reason, name="reason", max_length=MAX_REASON_LENGTH, required=True),
        reference=_clean_text(reference, name="reference", max_length=MAX_REFERENCE_LENGTH, required=False),
        metadata=_clean_metadata(metadata),
        legs=_clean_legs(postings),
        expires_at=expires_at,
    )


def _check_transfer_id(transfer_id: object) -> uuid.UUID:
    if not isinstance(transfer_id, uuid.UUID):
        raise errors.InvalidTransfer("A transfer id must be a UUID.")
    return transfer_id


# --- Transfers: reading back --------------------------------------------------------------------------------


def transfer_view(transfer: Transfer, postings: Iterable[Posting] | None = None) -> TransferView:
    """The transfer as requested: a hold's pending postings, or a direct transfer's posted ones."""
    phase = Posting.Phase.PENDING if transfer.is_two_phase else Posting.Phase.POSTED
    rows = postings if postings is not None else transfer.postings.filter(phase=phase).order_by("id")
    return TransferView(
        id=transfer.id,
        kind=transfer.kind,
        status=transfer.status,  # type: ignore[arg-type]  # a TextChoices value of the Literal
        reason=transfer.reason,
        reference=transfer.reference,
        metadata=dict(transfer.metadata),
        postings=tuple(
            PostingIn(account_id=row.account_id, side=row.side, amount=Money(row.amount, row.currency))  # type: ignore[arg-type]
            for row in rows
            if row.phase == phase
        ),
        created_at=transfer.created_at,
        expires_at=transfer.expires_at,
        reverses_id=transfer.reverses_id,
    )


def _existing_result(transfer_id: uuid.UUID, fingerprint: str) -> TransferView | None:
    """The first result for a repeated id with the same content; a different content is a reused id."""
    transfer = Transfer.objects.filter(id=transfer_id).first()
    if transfer is None:
        return None
    if transfer.fingerprint != fingerprint:
        raise errors.TransferIdReused(
            f"Transfer {transfer_id} already exists with other content.", extra={"transfer_id": str(transfer_id)}
        )
    return transfer_view(transfer)


# --- Transfers: the write path ------------------------------------------------------------------------------

# A locked account as the checks read it: the model (ORM path) or the row read under its lock (PostgreSQL path).
_Locked = Account | _pgwrite.LockedAccount


def _lock_accounts(account_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Account]:
    wanted = set(account_ids)
    accounts = {
        account.id: account for account in Account.objects.select_for_update().filter(id__in=wanted).order_by("pk")
    }
    _raise_missing(wanted - accounts.keys())
    return accounts


def _raise_missing(missing: set[uuid.UUID]) -> None:
    if missing:
        raise errors.AccountNotFound(
            f"No account {', '.join(sorted(str(m) for m in missing))}.",
            extra={"account_ids": sorted(map(str, missing))},
        )


def _check_currencies(legs: Iterable[_Leg], accounts: Mapping[uuid.UUID, _Locked]) -> None:
    for leg in legs:
        account = accounts[leg.account_id]
        if account.currency != leg.currency:
            raise errors.CurrencyMismatch(
                f"Account {account.id} holds {account.currency}, not {leg.currency}.",
                extra={"account_id": str(account.id), "account_currency": account.currency, "currency": leg.currency},
            )


def _lowers_balance(account: _Locked, side: str) -> bool:
    return (side == "credit") if account.is_debit_normal else (side == "debit")


def _check_no_forbidden_negative(legs: Iterable[_Leg], accounts: Mapping[uuid.UUID, _Locked]) -> None:
    """Accounts this transfer lowers must keep posted and available balances at or above zero."""
    for account_id in sorted({leg.account_id for leg in legs if _lowers_balance(accounts[leg.account_id], leg.side)}):
        account = accounts[account_id]
        if account.may_go_negative:
            continue
        if account.posted_balance < 0 or account.available_balance < 0:
            raise errors.InsufficientFunds(
                f"{account.name} does not hold enough funds for this transfer.",
                extra={"account_id": str(account.id)},
            )


def _add_totals(account: Account, leg: _Leg, *, phase: str, sign: int = 1) -> None:
    field = f"{phase}_{'debits' if leg.side == 'debit' else 'credits'}"
    setattr(account, field, getattr(account, field) + sign * leg.amount)


# A constant statement (the table name is ours); values go as parameters.
_SAVE_TOTALS_SQL = (
    "UPDATE finance_account SET posted_debits = %s, posted_credits = %s, pending_debits = %s, "
    "pending_credits = %s, updated_at = %s WHERE id = %s"
)


def _save_totals(accounts: Iterable[Account]) -> None:
    """Writes the locked accounts' new totals: one plain UPDATE per account, sent as one batch.

    `bulk_update` builds a CASE expression per field and account, which cost more CPU than the rest of a
    transfer together (docs/finance.md, "Performance"); the rows are locked, so absolute values are safe.
    """
    connection = connections[Account.objects.db]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    pk_field = Account._meta.pk
    assert pk_field is not None  # every model has a primary key; this narrows the type
    rows = [
        (
            account.posted_debits, account.posted_credits, account.pending_debits, account.pending_credits, now,
            pk_field.get_db_prep_value(account.pk, connection),
        )
        for account in accounts
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.executemany(_SAVE_TOTALS_SQL, rows)


def _posting_rows(transfer: Transfer, legs: Iterable[_Leg], phase: str) -> list[Posting]:
    return [
        Posting(
            transfer=transfer,
            account_id=leg.account_id,
            side=leg.side,
            amount=leg.amount,
            currency=leg.currency,
            phase=phase,
        )
        for leg in legs
    ]


def _write(
    *,
    transfer_id: uuid.UUID,
    request: _Request,
    status: str,
    check: Callable[[], None] | None = None,
    announce: bool = True,
    also_publish: Sequence[DomainEvent] = (),
    fingerprint: str | None = None,
) -> TransferView:
    """Writes a new transfer (posted, or pending for a hold) whole or not at all, or returns the first result of
    this id.

    `fingerprint` defaults to the request's; a reversal passes the fingerprint of what its caller asked for.
    `check` runs with the accounts locked, before anything is written. PostgreSQL takes the one-statement path
    of `_pgwrite` (ADR 0013); other databases the portable ORM path below, in a transaction (a savepoint when
    nested). Both lock in primary-key order and check the same rules.
    """
    fingerprint = fingerprint or request.fingerprint()
    phase = Posting.Phase.PENDING if status == Transfer.Status.PENDING else Posting.Phase.POSTED
    if connections[Transfer.objects.db].vendor == "postgresql":
        return _write_pg(
            transfer_id=transfer_id, request=request, status=status, phase=phase, check=check,
            events=_new_events(transfer_id, status, request, announce, also_publish), fingerprint=fingerprint,
        )  # fmt: skip
    existing = _existing_result(transfer_id, fingerprint)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            accounts = _lock_accounts(leg.account_id for leg in request.legs)
            _check_currencies(request.legs, accounts)
            if check is not None:
                check()
            for leg in request.legs:
                _add_totals(accounts[leg.account_id], leg, phase=phase)
            _check_no_forbidden_negative(request.legs, accounts)
            transfer = Transfer.objects.create(
                id=transfer_id,
                kind=request.kind,
                reason=request.reason,
                reference=request.reference,
                metadata=request.metadata,
                status=status,
                is_two_phase=status == Transfer.Status.PENDING,
                expires_at=request.expires_at,
                reverses_id=request.reverses_id,
                fingerprint=fingerprint,
            )
            rows = Posting.objects.bulk_create(_posting_rows(transfer, request.legs, phase))
            _save_totals(accounts.values())
            for event in _new_events(transfer_id, status, request, announce, also_publish):
                publish(event)
    except IntegrityError:
        # The same id committed by a concurrent call while this one waited: answer as a repeat would.
        existing = _existing_result(transfer_id, fingerprint)
        if existing is None:
            raise
        return existing
    return transfer_view(transfer, rows)


def _write_pg(
    *,
    transfer_id: uuid.UUID,
    request: _Request,
    status: str,
    phase: str,
    check: Callable[[], None] | None,
    events: Sequence[DomainEvent],
    fingerprint: str,
) -> TransferView:
    """PostgreSQL: one statement that locks, checks and writes (two, lock then write, when `check` must run
    in Python with the accounts locked). See azora/finance/_pgwrite.py."""
    connection = connections[Transfer.objects.db]
    wanted = sorted({leg.account_id for leg in request.legs})
    deltas = {account_id: [0, 0, 0, 0] for account_id in wanted}
    column = 0 if phase == Posting.Phase.POSTED else 2
    for leg in request.legs:
        deltas[leg.account_id][column if leg.side == "debit" else column + 1] += leg.amount
    now = timezone.now()
    new = _pgwrite.NewTransfer(
        id=transfer_id, kind=request.kind, reason=request.reason, reference=request.reference,
        metadata=request.metadata, status=status, is_two_phase=status == Transfer.Status.PENDING,
        expires_at=request.expires_at, reverses_id=request.reverses_id, fingerprint=fingerprint,
    )  # fmt: skip
    postings = [(leg.account_id, leg.side, leg.amount, leg.currency) for leg in request.legs]
    if check is None:
        # No savepoint even when nested: a refusal is an answer of the statement, not an error, and writes nothing.
        written, prior, accounts = _pgwrite.post_transfer(
            connection, transfer=new, postings=postings, phase=phase, deltas=deltas, events=events, now=now
        )
        if not written:
            return _refused(transfer_id, request, fingerprint, prior, accounts, wanted, phase)
        return _new_view(transfer_id, request, status, now)
    with transaction.atomic(using=connection.alias):
        accounts, prior = _pgwrite.lock_accounts(connection, transfer_id, wanted)
        if prior is not None or len(accounts) != len(wanted):
            return _refused(transfer_id, request, fingerprint, prior, accounts, wanted, phase)
        _check_currencies(request.legs, accounts)
        try:
            check()
            _apply_deltas(accounts, deltas)
            _check_no_forbidden_negative(request.legs, accounts)
        except (errors.DailyLimitExceeded, errors.InsufficientFunds):
            # A duplicate that committed while this call waited for the locks may be why: a repeat answers
            # with the first result.
            existing = _existing_result(transfer_id, fingerprint)
            if existing is not None:
                return existing
            raise
        if not _pgwrite.insert_transfer(
            connection, transfer=new, postings=postings, phase=phase, deltas=deltas, events=events, now=now
        ):
            return _refused(transfer_id, request, fingerprint, prior, {}, [], phase)
    return _new_view(transfer_id, request, status, now)


def _apply_deltas(accounts: Mapping[uuid.UUID, _pgwrite.LockedAccount], deltas: Mapping[uuid.UUID, list[int]]) -> None:
    for account_id, (posted_debits, posted_credits, pending_debits, pending_credits) in deltas.items():
        account = accounts[account_id]
        account.posted_debits += posted_debits
        account.posted_credits += posted_credits
        account.pending_debits += pending_debits
        account.pending_credits += pending_credits


def _refused(
    transfer_id: uuid.UUID,
    request: _Request,
    fingerprint: str,
    prior: str | None,
    accounts: dict[uuid.UUID, _pgwrite.LockedAccount],
    wanted: Sequence[uuid.UUID],
    phase: str,
) -> TransferView:
    """The PostgreSQL path wrote nothing: answers as the ORM path would, in its order of checks.

    A transfer with this id (seen by the statement, or committed by a concurrent call meanwhile) answers as a
    repeat (or is a reused id); else an unknown account, a currency mismatch or missing funds is refused.
    """
    existing = _existing_result(transfer_id, fingerprint)
    if existing is not None:
        return existing
    _raise_missing(set(wanted) - accounts.keys())
    _check_currencies(request.legs, accounts)
    deltas = {account_id: [0, 0, 0, 0] for account_id in accounts}
    column = 0 if phase == Posting.Phase.POSTED else 2
    for leg in request.legs:
        deltas[leg.account_id][column if leg.side == "debit" else column + 1] += leg.amount
    _apply_deltas(accounts, deltas)
    _check_no_forbidden_negative(request.legs, accounts)
    # Not reached unless the statement and the checks above disagree: fail loudly rather than answer wrongly.
    raise RuntimeError(f"The ledger refused transfer {transfer_id} for no reason it can name.")


def _new_view(transfer_id: uuid.UUID, request: _Request, status: str, created_at: datetime) -> TransferView:
    return TransferView(
        id=transfer_id,
        kind=request.kind,
        status=status,  # type: ignore[arg-type]  # a TextChoices value of the Literal
        reason=request.reason,
        reference=request.reference,
        metadata=dict(request.metadata),
        postings=tuple(
            PostingIn(account_id=leg.account_id, side=leg.side, amount=Money(leg.amount, leg.currency))  # type: ignore[arg-type]
            for leg in request.legs
        ),
        created_at=created_at,
        expires_at=request.expires_at,
        reverses_id=request.reverses_id,
    )


def _new_events(
    transfer_id: uuid.UUID, status: str, request: _Request, announce: bool, also_publish: Sequence[DomainEvent]
) -> list[DomainEvent]:
    events: list[DomainEvent] = []
    if announce:
        accounts = _account_ids(request.legs)
        if status == Transfer.Status.PENDING:
            events.append(TransferHeld(transfer_id=transfer_id, kind=request.kind, account_ids=accounts))
        else:
            events.append(TransferPosted(transfer_id=transfer_id, kind=request.kind, account_ids=accounts))
    events.extend(also_publish)
    return events


def _account_ids(legs: Iterable[_Leg]) -> tuple[uuid.UUID, ...]:
    return tuple(sorted({leg.account_id for leg in legs}))


def transfer_post(
    *,
    transfer_id: uuid.UUID,
    kind: str,
    reason: str,
    reference: str,
    postings: Sequence[PostingIn],
    metadata: Mapping[str, Any] | None = None,
) -> TransferView:
    transfer_id = _check_transfer_id(transfer_id)
    request = _request(
        operation="post", kind=kind, reason=reason, reference=reference, postings=postings, metadata=metadata
    )
    return _write(transfer_id=transfer_id, request=request, status=Transfer.Status.POSTED)


def transfer_hold(
    *,
    transfer_id: uuid.UUID,
    kind: str,
    reason: str,
    reference: str,
    postings: Sequence[PostingIn],
    expires_at: datetime,
    metadata: Mapping[str, Any] | None = None,
) -> TransferView:
    transfer_id = _check_transfer_id(transfer_id)
    if not isinstance(expires_at, datetime) or timezone.is_naive(expires_at):
        raise errors.InvalidTransfer("expires_at must be a timezone-aware date-time.")
    request = _request(
        operation="hold", kind=kind, reason=reason, reference=reference, postings=postings, metadata=metadata,
        expires_at=expires_at,
    )  # fmt: skip
    existing = _existing_result(transfer_id, request.fingerprint())
    if existing is not None:
        return existing
    if expires_at <= timezone.now():
        raise errors.InvalidTransfer("expires_at must be in the future.")
    return _write(transfer_id=transfer_id, request=request, status=Transfer.Status.PENDING)


def _lock_transfer(transfer_id: uuid.UUID) -> Transfer:
    transfer = Transfer.objects.select_for_update().filter(id=transfer_id).first()
    if transfer is None:
        raise errors.TransferNotFound(f"No transfer {transfer_id}.", extra={"transfer_id": str(transfer_id)})
    return transfer


def _pending_legs(transfer: Transfer) -> list[_Leg]:
    return [
        _Leg(row.account_id, row.side, row.amount, row.currency)
        for row in transfer.postings.filter(phase=Posting.Phase.PENDING).order_by("id")
    ]


def transfer_settle(*, transfer_id: uuid.UUID) -> TransferView:
    transfer_id = _check_transfer_id(transfer_id)
    with transaction.atomic():
        transfer = _lock_transfer(transfer_id)
        if transfer.status == Transfer.Status.POSTED and transfer.is_two_phase:
            return transfer_view(transfer)
        if transfer.status != Transfer.Status.PENDING:
            raise errors.TransferNotPending(f"Transfer {transfer_id} is {transfer.status}, not pending.")
        now = timezone.now()
        if transfer.expires_at is not None and transfer.expires_at <= now:
            raise errors.TransferNotPending(f"Transfer {transfer_id} expired at {transfer.expires_at.isoformat()}.")
        legs = _pending_legs(transfer)
        accounts = _lock_accounts(leg.account_id for leg in legs)
        for leg in legs:
            _add_totals(accounts[leg.account_id], leg, phase="pending", sign=-1)
            _add_totals(accounts[leg.account_id], leg, phase="posted")
        _check_no_forbidden_negative(legs, accounts)
        Posting.objects.bulk_create(_posting_rows(transfer, legs, Posting.Phase.POSTED))
        _save_totals(accounts.values())
        transfer.status = Transfer.Status.POSTED
        transfer.resolved_at = now
        transfer.save(update_fields=["status", "resolved_at"])
        publish(TransferPosted(transfer_id=transfer.id, kind=transfer.kind, account_ids=_account_ids(legs)))
    return transfer_view(transfer)


def transfer_void(*, transfer_id: uuid.UUID, reason: str) -> TransferView:
    transfer_id = _check_transfer_id(transfer_id)
    cleaned_reason = _clean_text(reason, name="reason", max_length=MAX_REASON_LENGTH, required=True)
    with transaction.atomic():
        transfer = _lock_transfer(transfer_id)
        if transfer.status == Transfer.Status.VOIDED:
            return transfer_view(transfer)
        if transfer.status != Transfer.Status.PENDING:
            raise errors.TransferNotPending(f"Transfer {transfer_id} is {transfer.status}, not pending.")
        _void_locked(transfer, cleaned_reason)
    return transfer_view(transfer)


def _void_locked(transfer: Transfer, reason: str) -> None:
    legs = _pending_legs(transfer)
    accounts = _lock_accounts(leg.account_id for leg in legs)
    for leg in legs:
        _add_totals(accounts[leg.account_id], leg, phase="pending", sign=-1)
    _save_totals(accounts.values())
    transfer.status = Transfer.Status.VOIDED
    transfer.resolved_at = timezone.now()
    transfer.void_reason = reason
    transfer.save(update_fields=["status", "resolved_at", "void_reason"])
    publish(TransferVoided(transfer_id=transfer.id, kind=transfer.kind, reason=reason, account_ids=_account_ids(legs)))


def transfers_expire_due(*, now: datetime | None = None, batch: int = 500) -> int:
    """Voids pending transfers whose expiry has passed, each in its own transaction; returns how many."""
    now = now or timezone.now()
    due = list(
        Transfer.objects.filter(status=Transfer.Status.PENDING, expires_at__lte=now)
        .order_by("expires_at")
        .values_list("id", flat=True)[:batch]
    )
    voided = 0
    for transfer_id in due:
        with transaction.atomic():
            transfer = _lock_transfer(transfer_id)
            # A settle or void may have won the race since the list was read.
            if transfer.status != Transfer.Status.PENDING:
                continue
            _void_locked(transfer, "Expired")
            voided += 1
    if voided:
        logger.info("finance.holds_expired", count=voided)
    return voided


# --- Reversals ----------------------------------------------------------------------------------------------


def scale_largest_remainder(amounts: Sequence[int], numerator: int, denominator: int) -> list[int]:
    """Scales each amount by numerator/denominator so that the parts add up to floor(total * n / d) exactly.

    Each part is floor(amount * n / d), plus one for the largest remainders (ties: the earlier) until the sum is
    reached; so no part exceeds its amount * n / d rounded up, and none exceeds its amount when n ≤ d.
    """
    total = sum(amounts)
    target = total * numerator // denominator
    floors = [amount * numerator // denominator for amount in amounts]
    remainders = [amount * numerator % denominator for amount in amounts]
    missing = target - sum(floors)
    order = sorted(range(len(amounts)), key=lambda index: (-remainders[index], index))
    for index in order[:missing]:
        floors[index] += 1
    return floors


def reversal_legs(
    original: Sequence[_Leg],
    numerator: int,
    denominator: int,
    already: Mapping[tuple[uuid.UUID, str], int] | None = None,
) -> list[_Leg]:
    """This reversal's legs: the mirror image of `original` scaled *cumulatively* to numerator/denominator.

    `numerator/denominator` is the whole fraction reversed once this reversal is written (earlier reversals of
    the original included); `already` is what those earlier reversals took back per (account, reversing side).
    Per currency and side, the cumulative target is the largest-remainder rounding of the fraction, each leg
    kept between what it already gave back and what it moved; this reversal is the target minus `already`.
    So successive partial reversals never take back more than a leg moved, reaching the whole takes back each
    leg exactly, and every reversal balances (both sides of a currency reach the same rounded total).
    Legs to one account on one side are one leg here (the ledger sums them the same way). Zero parts are left out.
    """
    taken = already or {}
    merged: dict[tuple[str, str, uuid.UUID], int] = defaultdict(int)
    for leg in original:
        merged[(leg.currency, leg.side, leg.account_id)] += leg.amount
    legs: list[_Leg] = []
    for currency in sorted({leg.currency for leg in original}):
        for side in ("debit", "credit"):
            flipped = "credit" if side == "debit" else "debit"
            group = [
                (account_id, amount)
                for (cur, sd, account_id), amount in merged.items()
                if (cur, sd) == (currency, side)
            ]
            moved = [amount for _, amount in group]
            floor = [min(taken.get((account_id, flipped), 0), amount) for account_id, amount in group]
            target = _cumulative_target(moved, floor, numerator, denominator)
            for (account_id, _), total, before in zip(group, target, floor, strict=True):
                part = total - before
                if part < 0:
                    # Unreachable: targets are clamped to what each leg already gave back. A negative part would
                    # move money the original's way, so refuse loudly rather than write it.
                    raise RuntimeError(f"A reversal leg came out negative ({part}) for account {account_id}.")
                if part > 0:
                    legs.append(_Leg(account_id, flipped, part, currency))
    return legs


def _cumulative_target(moved: Sequence[int], floor: Sequence[int], numerator: int, denominator: int) -> list[int]:
    """Per leg, the cumulative amount given back at numerator/denominator: largest remainder, then clamped.

    Largest-remainder rounding is not monotone in the fraction (a leg that won a rounding cent at ¼ can lose it
    at ⅓ to a leg with a larger remainder), so a leg below what it already gave back is raised to it, and the
    excess this makes is taken, a cent at a time, from the legs furthest above their exact share that can
    still give. The side's total stays floor(sum * n / d) (or what was already given back, if more), so both
    sides of a currency match; no leg goes below `floor` or above its amount.
    """
    wanted = max(sum(moved) * numerator // denominator, sum(floor))
    target = [
        max(part, low) for part, low in zip(scale_largest_remainder(moved, numerator, denominator), floor, strict=True)
    ]
    excess = sum(target) - wanted
    while excess > 0:
        # Over its exact share by the most: target - amount * n / d, compared in units of 1/denominator.
        candidates = [index for index in range(len(moved)) if target[index] > floor[index]]
        index = max(candidates, key=lambda i: (target[i] * denominator - moved[i] * numerator, -i))
        target[index] -= 1
        excess -= 1
    return target


def transfer_reverse(
    *,
    transfer_id: uuid.UUID,
    original_transfer_id: uuid.UUID,
    reason: str,
    numerator: int = 1,
    denominator: int = 1,
    metadata: Mapping[str, Any] | None = None,
) -> TransferView:
    """Reverses numerator/denominator of a posted transfer (see `reversal_legs` for the cumulative rounding).

    The original's row lock serialises its reversals, so each one reads what the earlier ones took back.
    """
    transfer_id = _check_transfer_id(transfer_id)
    original_transfer_id = _check_transfer_id(original_transfer_id)
    for value in (numerator, denominator):
        if isinstance(value, bool) or not isinstance(value, int):
            raise errors.InvalidAmount("numerator and denominator must be integers.")
    if not 0 < numerator <= denominator:
        raise errors.InvalidAmount("A reversal takes 0 < numerator ≤ denominator of the original.")
    cleaned_reason = _clean_text(reason, name="reason", max_length=MAX_REASON_LENGTH, required=True)
    cleaned_metadata = _clean_metadata(metadata)
    # Fingerprint of what the caller asked for, so a retry matches before the original is read again.
    asked = _Request(
        operation="reverse", kind="reversal", reason=cleaned_reason, reference=str(original_transfer_id),
        metadata={**cleaned_metadata, "numerator": numerator, "denominator": denominator}, legs=(),
        reverses_id=original_transfer_id,
    )  # fmt: skip
    existing = _existing_result(transfer_id, asked.fingerprint())
    if existing is not None:
        return existing
    with transaction.atomic():
        original = Transfer.objects.select_for_update().filter(id=original_transfer_id).first()
        if original is None:
            raise errors.TransferNotFound(f"No transfer {original_transfer_id}.")
        # A concurrent call with this id may have committed while this one waited for the lock: the earlier
        # reversals now include it, so answer as a repeat before computing anything from them.
        existing = _existing_result(transfer_id, asked.fingerprint())
        if existing is not None:
            return existing
        if original.status != Transfer.Status.POSTED:
            raise errors.ReversalNotAllowed(f"Transfer {original_transfer_id} is {original.status}; only posted ones.")
        posted = [
            _Leg(row.account_id, row.side, row.amount, row.currency)
            for row in original.postings.filter(phase=Posting.Phase.POSTED).order_by("id")
        ]
        before, already = _reversed_so_far(original)
        cumulative = before + Fraction(numerator, denominator)
        if cumulative > 1:
            raise errors.ReversalNotAllowed(
                f"Reversals of transfer {original.id} would take back more than it moved.",
                extra={"transfer_id": str(original.id)},
            )
        legs = reversal_legs(posted, cumulative.numerator, cumulative.denominator, already)
        if not legs:
            raise errors.InvalidAmount("This fraction of the transfer rounds to nothing.")
        _check_not_over_reversed(original, posted, legs, already)
        request = _Request(
            operation="reverse", kind="reversal", reason=cleaned_reason, reference=str(original_transfer_id),
            metadata={**cleaned_metadata, "numerator": numerator, "denominator": denominator,
                      "original_kind": original.kind},
            legs=tuple(legs), reverses_id=original_transfer_id,
        )  # fmt: skip
        reversed_event = TransferReversed(
            transfer_id=transfer_id, original_transfer_id=original_transfer_id,
            numerator=numerator, denominator=denominator,
        )  # fmt: skip
        return _write(
            transfer_id=transfer_id, request=request, status=Transfer.Status.POSTED,
            also_publish=[reversed_event], fingerprint=asked.fingerprint(),
        )  # fmt: skip


def _reversed_so_far(original: Transfer) -> tuple[Fraction, dict[tuple[uuid.UUID, str], int]]:
    """The fraction of `original` its reversals took back (from their recorded numerator/denominator), and the
    amounts per (account, side) they posted, read from the ledger under the original's lock."""
    fraction = Fraction(0)
    for recorded in Transfer.objects.filter(reverses=original).values_list("metadata", flat=True):
        fraction += Fraction(int(recorded["numerator"]), int(recorded["denominator"]))
    already: dict[tuple[uuid.UUID, str], int] = defaultdict(int)
    for row in (
        Posting.objects.filter(transfer__reverses=original, phase=Posting.Phase.POSTED)
        .values("account_id", "side")
        .annotate(total=Sum("amount"))
    ):
        already[(row["account_id"], row["side"])] += row["total"]
    return fraction, dict(already)


def _check_not_over_reversed(
    original: Transfer, posted: Sequence[_Leg], legs: Sequence[_Leg], already: Mapping[tuple[uuid.UUID, str], int]
) -> None:
    """All reversals of a transfer together never take back more than it moved, per account and side (a last
    guard: the cumulative rounding keeps within it by construction)."""
    reversed_so_far: dict[tuple[uuid.UUID, str], int] = defaultdict(int, already)
    moved: dict[tuple[uuid.UUID, str], int] = defaultdict(int)
    for leg in posted:
        moved[(leg.account_id, "credit" if leg.side == "debit" else "debit")] += leg.amount
    for leg in legs:
        key = (leg.account_id, leg.side)
        reversed_so_far[key] += leg.amount
        if reversed_so_far[key] > moved[key]:
            raise errors.ReversalNotAllowed(
                f"Reversals of transfer {original.id} would take back more than it moved.",
                extra={"transfer_id": str(original.id)},
            )


# --- AZR supply and burns -----------------------------------------------------------------------------------


def azr_supply_minor() -> int:
    return int(settings.AZORA_AZR_SUPPLY) * int(10 ** CURRENCY_EXPONENTS[AZR])


def supply_issue() -> TransferView:
    """Issues the supply from "mint" into "treasury" once; a later call returns that first transfer.

    The transfer id is fixed, so the unique key makes a second issue impossible even under concurrency.
    A changed AZORA_AZR_SUPPLY after the issue has no effect here; `reconcile` reports the mismatch.
    """
    existing = Transfer.objects.filter(id=SUPPLY_TRANSFER_ID).first()
    if existing is not None:
        return transfer_view(existing)
    mint = platform_account(code="mint", currency=AZR)
    treasury = platform_account(code="treasury", currency=AZR)
    amount = Money(azr_supply_minor(), AZR)
    request = _request(
        operation="post", kind="supply_issue", reason="Issue of the AZR supply into the treasury",
        reference="azr:supply", metadata={"supply_minor": amount.minor},
        postings=[PostingIn(mint.id, "debit", amount), PostingIn(treasury.id, "credit", amount)],
    )  # fmt: skip
    with transaction.atomic():
        view = _write(transfer_id=SUPPLY_TRANSFER_ID, request=request, status=Transfer.Status.POSTED, announce=False)
    logger.info("finance.supply_issued", amount_minor=amount.minor)
    return view


def _burn(
    *,
    transfer_id: uuid.UUID,
    user_id: uuid.UUID,
    amount: Money,
    reason: str,
    reference: str,
    kind: str,
    bps: int,
    remainder_code: str,
) -> TransferView:
    _check_amount(amount)
    if amount.currency != AZR:
        raise errors.CurrencyMismatch(f"Only AZR can be burned, not {amount.currency}.")
    with transaction.atomic():
        return _burn_transfer(
            transfer_id=transfer_id, user_id=user_id, amount=amount, reason=reason, reference=reference,
            kind=kind, bps=bps, remainder_code=remainder_code,
        )  # fmt: skip


def _burn_transfer(
    *,
    transfer_id: uuid.UUID,
    user_id: uuid.UUID,
    amount: Money,
    reason: str,
    reference: str,
    kind: str,
    bps: int,
    remainder_code: str,
) -> TransferView:
    burned = _basis_points_of(amount.minor, bps, round_up=False)
    wallet = user_wallet(user_id=user_id)
    postings = [PostingIn(wallet.id, "debit", amount)]
    if burned:
        postings.append(PostingIn(platform_account(code="burn", currency=AZR).id, "credit", Money(burned, AZR)))
    if amount.minor - burned:
        remainder = platform_account(code=remainder_code, currency=AZR)
        postings.append(PostingIn(remainder.id, "credit", Money(amount.minor - burned, AZR)))
    return transfer_post(
        transfer_id=transfer_id, kind=kind, reason=reason, reference=reference, postings=postings,
        metadata={"user_id": str(user_id), "burned_minor": burned, "burn_bps": bps},
    )  # fmt: skip


def burn_for_redemption(
    *, transfer_id: uuid.UUID, user_id: uuid.UUID, amount: Money, reason: str, reference: str
) -> TransferView:
    return _burn(
        transfer_id=transfer_id, user_id=user_id, amount=amount, reason=reason, reference=reference,
        kind="redemption", bps=int(settings.AZORA_AZR_REDEMPTION_BURN_BPS), remainder_code="treasury",
    )  # fmt: skip


def burn_for_withdrawal(
    *, transfer_id: uuid.UUID, user_id: uuid.UUID, amount: Money, reason: str, reference: str
) -> TransferView:
    return _burn(
        transfer_id=transfer_id, user_id=user_id, amount=amount, reason=reason, reference=reference,
        kind="withdrawal", bps=int(settings.AZORA_AZR_WITHDRAWAL_BURN_BPS), remainder_code="withdrawals",
    )  # fmt: skip


# --- Peer transfers -----------------------------------------------------------------------------------------


def peer_transfer_fee(*, amount: Money) -> Money:
    """0.10 % of the amount (configurable), rounded up to the next 0.01 AZR, and at least the minimum fee."""
    _check_amount(amount)
    if amount.currency != AZR:
        raise errors.CurrencyMismatch(f"Peer transfers are in AZR, not {amount.currency}.")
    fee = _basis_points_of(amount.minor, int(settings.AZORA_AZR_PEER_FEE_BPS), round_up=True)
    return Money(max(fee, int(settings.AZORA_AZR_PEER_FEE_MIN_MINOR)), AZR)


def peer_daily_limit_minor() -> int:
    return int(settings.AZORA_AZR_PEER_DAILY_LIMIT) * int(10 ** CURRENCY_EXPONENTS[AZR])


def utc_day_start(now: datetime | None = None) -> datetime:
    moment = (now or timezone.now()).astimezone(UTC)
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def peer_sent_today(*, wallet_id: uuid.UUID, fee_account_id: uuid.UUID | None) -> int:
    """AZR the wallet sent to peers since 00:00 UTC, fees not counted."""
    sent_transfers = Posting.objects.filter(
        account_id=wallet_id, side="debit", phase=Posting.Phase.POSTED, transfer__kind="peer",
        created_at__gte=utc_day_start(),
    ).values("transfer_id")  # fmt: skip
    credits = Posting.objects.filter(transfer_id__in=sent_transfers, side="credit", phase=Posting.Phase.POSTED)
    if fee_account_id is not None:
        credits = credits.exclude(account_id=fee_account_id)
    total: int | None = credits.aggregate(total=Sum("amount"))["total"]
    return total or 0


def _check_user_exists(user_id: uuid.UUID) -> None:
    import azora.accounts.public as accounts

    try:
        accounts.user_profile(user_id=user_id)
    except NotFound as error:
        raise errors.AccountNotFound("The recipient is not an active user.") from error


def peer_transfer(
    *, transfer_id: uuid.UUID, from_user_id: uuid.UUID, to_user_id: uuid.UUID, amount: Money, note: str
) -> TransferView:
    # One transaction, so that a refused send leaves not even a newly created wallet behind.
    with transaction.atomic():
        return _peer_transfer(
            transfer_id=transfer_id, from_user_id=from_user_id, to_user_id=to_user_id, amount=amount, note=note
        )


def _peer_transfer(
    *, transfer_id: uuid.UUID, from_user_id: uuid.UUID, to_user_id: uuid.UUID, amount: Money, note: str
) -> TransferView:
    transfer_id = _check_transfer_id(transfer_id)
    fee = peer_transfer_fee(amount=amount)
    if from_user_id == to_user_id:
        raise errors.InvalidTransfer("You cannot send AZR to yourself.")
    cleaned_note = _clean_text(note, name="note", max_length=MAX_PEER_NOTE_LENGTH, required=False)
    sender = user_wallet(user_id=from_user_id)
    fees = platform_account(code="fees:peer", currency=AZR)
    existing = Transfer.objects.filter(id=transfer_id).first()
    if existing is None:
        _check_user_exists(to_user_id)
    recipient = user_wallet(user_id=to_user_id)
    request = _request(
        operation="post", kind="peer", reason=cleaned_note or "AZR sent to another user",
        reference=f"user:{to_user_id}",
        metadata={"from_user_id": str(from_user_id), "to_user_id": str(to_user_id), "amount_minor": amount.minor,
                  "fee_minor": fee.minor, "note": cleaned_note},
        postings=[
            PostingIn(sender.id, "debit", amount + fee),
            PostingIn(recipient.id, "credit", amount),
            PostingIn(fees.id, "credit", fee),
        ],
    )  # fmt: skip
    limit = peer_daily_limit_minor()

    def check_daily_limit() -> None:
        # Runs with the sender's wallet locked, so two concurrent sends cannot both pass the limit.
        sent = peer_sent_today(wallet_id=sender.id, fee_account_id=fees.id)
        if sent + amount.minor > limit:
            remaining = Money(max(limit - sent, 0), AZR)
            raise errors.DailyLimitExceeded(
                f"You can send {remaining} more today (limit {Money(limit, AZR)} per day).",
                extra={"remaining_minor": remaining.minor, "limit_minor": limit},
            )

    return _write(transfer_id=transfer_id, request=request, status=Transfer.Status.POSTED, check=check_daily_limit)


# --- Payouts ------------------------------------------------------------------------------------------------

# Per currency, the smallest payout (decimal strings); AZORA_REVENUE_PAYOUT_MINIMUM overrides it, as a mapping or
# as "ZAR:100.00,USD:10.00". A currency missing here has no payouts.
DEFAULT_PAYOUT_MINIMUM: dict[str, str] = {"ZAR": "100.00"}
DEFAULT_PAYOUT_PROVIDER = "sandbox"
# A payout's hold outlives any provider's answer by far; the sync job resolves it long before it could expire.
PAYOUT_HOLD_DAYS = 30
# A pending payout is asked about again after this long (its answer was lost, or the bank answers later).
PAYOUT_SYNC_AFTER = timedelta(minutes=5)
PAYOUT_SYNC_BATCH = 100


def _payout_minimums() -> dict[str, Money]:
    configured: object = getattr(settings, "AZORA_REVENUE_PAYOUT_MINIMUM", DEFAULT_PAYOUT_MINIMUM)
    pairs: dict[str, str] = {}
    if isinstance(configured, str):
        for item in configured.split(","):
            currency, _, amount = item.strip().partition(":")
            if currency:
                pairs[currency.strip().upper()] = amount.strip()
    elif isinstance(configured, Mapping):
        pairs = {str(currency).upper(): str(amount) for currency, amount in configured.items()}
    return {currency: parse_amount(amount=amount, currency=currency) for currency, amount in pairs.items()}


def payout_minimum(*, currency: str) -> Money:
    minimum = _payout_minimums().get(currency)
    if minimum is None:
        raise errors.PayoutCurrencyNotSupported(
            f"Payouts are not made in {currency}.",
            extra={"currency": currency, "errors": [{"field": "currency", "message": "No payouts in this currency."}]},
        )
    return minimum


def payout_provider_name() -> str:
    return str(getattr(settings, "AZORA_PAYOUTS_PROVIDER", DEFAULT_PAYOUT_PROVIDER))


def _payout_provider(name: str) -> PayoutProvider:
    return build_payout_provider(name)


def payout_view(payout: Payout) -> PayoutView:
    return PayoutView(
        id=payout.id,
        user_id=payout.user_id,
        amount=Money(payout.amount_minor, payout.currency),
        status=payout.status,  # type: ignore[arg-type]  # a TextChoices value of the Literal
        destination_label=payout.destination_label,
        failure_code=payout.failure_code or None,
        created_at=payout.created_at,
        paid_at=payout.paid_at,
        provider=payout.provider,
        failure_message=payout.failure_message or None,
        ledger_transfer_id=payout.hold_transfer_id,
    )


def _payout_fingerprint(user_id: uuid.UUID, amount: Money, provider: str, destination: BankAccount) -> str:
    # Keyed with SECRET_KEY: a plain hash of a bank account number could be reversed by trying every number.
    content = json.dumps(
        [str(user_id), amount.minor, amount.currency, provider, destination.account_number, destination.bank_code,
         destination.account_holder],
    )  # fmt: skip
    return hmac.new(settings.SECRET_KEY.encode(), content.encode(), hashlib.sha256).hexdigest()


def _released_earnings(user_id: uuid.UUID, currency: str) -> Account | None:
    """The user's "earnings" account, if there is one: read, never created, so a refusal leaves nothing behind."""
    return Account.objects.filter(owner_type="user", owner_id=user_id, code="earnings", currency=currency).first()


def _exceeds_available(available: int, currency: str) -> errors.PayoutExceedsAvailable:
    money = Money(max(available, 0), currency)
    return errors.PayoutExceedsAvailable(
        f"At most {money} of released earnings is available for a payout now.",
        extra={"available": format(money.to_decimal(), "f"), "currency": currency, "available_minor": money.minor},
    )


def payout_request(
    *, payout_id: uuid.UUID, user_id: uuid.UUID, amount: Money, destination: Mapping[str, str]
) -> PayoutView:
    """Holds the amount on the user's released earnings, sends the payout, and settles or voids the hold.

    Every check runs before anything is written; the payout row and its hold are written in one transaction
    (the ledger re-checks the available balance with the account locked, so concurrent requests cannot
    overdraw). The provider is called after commit, outside any transaction.
    """
    payout_id = _check_transfer_id(payout_id)
    _check_amount(amount)
    minimum = payout_minimum(currency=amount.currency)
    if amount < minimum:
        raise errors.PayoutBelowMinimum(
            f"The smallest payout in {amount.currency} is {minimum}.",
            extra={"minimum": format(minimum.to_decimal(), "f"), "currency": amount.currency},
        )
    provider_name = payout_provider_name()
    adapter = _payout_provider(provider_name)
    try:
        bank_account = adapter.check_destination(destination)
    except ValueError as error:
        raise errors.InvalidPayoutDestination(
            str(error), extra={"errors": [{"field": "destination", "message": str(error)}]}
        ) from error
    fingerprint = _payout_fingerprint(user_id, amount, provider_name, bank_account)
    existing = Payout.objects.filter(pk=payout_id).first()
    if existing is not None:
        return _payout_repeat(existing, user_id=user_id, fingerprint=fingerprint)
    earnings = _released_earnings(user_id, amount.currency)
    if earnings is None or earnings.available_balance < amount.minor:
        raise _exceeds_available(earnings.available_balance if earnings else 0, amount.currency)
    hold_id = uuid.uuid5(payout_id, "payout-hold")
    try:
        with transaction.atomic():
            clearing = platform_account(code=f"payouts:{provider_name}", currency=amount.currency)
            payout = Payout.objects.create(
                id=payout_id,
                user_id=user_id,
                amount_minor=amount.minor,
                currency=amount.currency,
                provider=provider_name,
                destination_label=bank_account.label,
                fingerprint=fingerprint,
                earnings_account_id=earnings.id,
                hold_transfer_id=hold_id,
            )
            transfer_hold(
                transfer_id=hold_id, kind="payout", reason=f"Payout to {bank_account.label}",
                reference=f"payout:{payout_id}",
                postings=[PostingIn(earnings.id, "debit", amount), PostingIn(clearing.id, "credit", amount)],
                expires_at=timezone.now() + timedelta(days=PAYOUT_HOLD_DAYS),
                metadata={"payout_id": str(payout_id), "user_id": str(user_id), "provider": provider_name},
            )  # fmt: skip
    except errors.InsufficientFunds:
        # Another payout or transfer took the funds since the check above.
        earnings.refresh_from_db()
        raise _exceeds_available(earnings.available_balance, amount.currency) from None
    except IntegrityError:
        # The same payout id committed by a concurrent request: answer as a repeat would.
        return _payout_repeat(Payout.objects.get(pk=payout_id), user_id=user_id, fingerprint=fingerprint)
    logger.info("finance.payout_requested", payout_id=str(payout_id), provider=provider_name, currency=amount.currency)
    order = PayoutOrder(
        reference=str(payout.id), amount=amount, destination=bank_account, description=f"Azora payout {payout.id}"
    )
    try:
        result = adapter.send(order)
    except PayoutError as error:
        if error.retryable:
            # The outcome is unknown: the payout stays pending and the sync job asks the provider later.
            logger.warning("finance.payout_provider_unavailable", payout_id=str(payout.id), reason=str(error))
            return payout_view(payout)
        result = PayoutResult(provider_ref="", status="failed", failure_code=error.code or "provider_rejected",
                              failure_message=str(error)[:500])  # fmt: skip
    return _payout_apply(payout_id=payout.id, result=result)


def _payout_repeat(existing: Payout, *, user_id: uuid.UUID, fingerprint: str) -> PayoutView:
    if existing.user_id != user_id or not hmac.compare_digest(existing.fingerprint, fingerprint):
        raise errors.PayoutIdReused(extra={"payout_id": str(existing.id)})
    return payout_view(existing)


def _payout_apply(*, payout_id: uuid.UUID, result: PayoutResult) -> PayoutView:
    """Applies the provider's answer to a pending payout, once: paid settles the hold, failed voids it."""
    with transaction.atomic():
        payout = Payout.objects.select_for_update().get(pk=payout_id)
        if payout.status != Payout.Status.PENDING:
            return payout_view(payout)
        if result.provider_ref:
            payout.provider_ref = result.provider_ref
        amount = Money(payout.amount_minor, payout.currency)
        now = timezone.now()
        if result.status == "paid":
            transfer_settle(transfer_id=payout.hold_transfer_id)
            payout.status, payout.paid_at = Payout.Status.PAID, now
            publish(
                PayoutPaid(
                    payout_id=payout.id, user_id=payout.user_id, amount=amount, provider=payout.provider,
                    ledger_transfer_id=payout.hold_transfer_id, paid_at=now,
                )
            )  # fmt: skip
        elif result.status == "failed":
            payout.failure_code = result.failure_code or "payout_failed"
            payout.failure_message = (result.failure_message or "The payout failed.")[:500]
            transfer_void(transfer_id=payout.hold_transfer_id, reason=f"Payout failed: {payout.failure_code}")
            payout.status, payout.failed_at = Payout.Status.FAILED, now
            publish(
                PayoutFailed(
                    payout_id=payout.id, user_id=payout.user_id, amount=amount, provider=payout.provider,
                    failure_code=payout.failure_code, ledger_transfer_id=payout.hold_transfer_id,
                )
            )  # fmt: skip
        payout.save()
    logger.info("finance.payout_resolved", payout_id=str(payout.id), status=payout.status)
    return payout_view(payout)


def payout_sync(*, payout_id: uuid.UUID) -> PayoutView:
    """Asks the provider about a pending payout and applies its answer; one it never received fails (funds back)."""
    payout = Payout.objects.get(pk=payout_id)
    if payout.status != Payout.Status.PENDING:
        return payout_view(payout)
    result = _payout_provider(payout.provider).retrieve(reference=str(payout.id))
    if result is None:
        result = PayoutResult(
            provider_ref="", status="failed", failure_code="payout_not_received",
            failure_message="The payout provider never received the payout.",
        )  # fmt: skip
    return _payout_apply(payout_id=payout.id, result=result)


def pending_payouts_sync(*, now: datetime | None = None) -> int:
    """Pending payouts untouched for PAYOUT_SYNC_AFTER are asked about; returns how many were resolved."""
    cutoff = (now or timezone.now()) - PAYOUT_SYNC_AFTER
    waiting = list(
        Payout.objects.filter(status=Payout.Status.PENDING, updated_at__lt=cutoff)
        .order_by("updated_at")
        .values_list("id", flat=True)[:PAYOUT_SYNC_BATCH]
    )
    resolved = 0
    for payout_id in waiting:
        try:
            view = payout_sync(payout_id=payout_id)
        except PayoutError as error:
            logger.warning("finance.payout_sync_failed", payout_id=str(payout_id), reason=str(error))
            continue
        resolved += view.status != "pending"
    return resolved


__all__ = [
    "SUPPLY_TRANSFER_ID",
    "ValidationFailed",
    "burn_for_redemption",
    "burn_for_withdrawal",
    "organisation_account",
    "parse_amount",
    "payout_minimum",
    "payout_request",
    "payout_sync",
    "peer_transfer",
    "peer_transfer_fee",
    "pending_payouts_sync",
    "platform_account",
    "supply_issue",
    "transfer_hold",
    "transfer_post",
    "transfer_reverse",
    "transfer_settle",
    "transfer_void",
    "transfers_expire_due",
    "user_earnings_account",
    "user_held_earnings_account",
    "user_wallet",
]
