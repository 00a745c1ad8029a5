"""The finance app's /api/v1 routes: the caller's wallets and entries, peer AZR transfers, transfers, statements
and payouts of released earnings."""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

import azora.accounts.public as accounts
from azora.accounts.errors import InsufficientScope, UserPrincipalRequired
from azora.accounts.public import Principal
from azora.finance import public as finance
from azora.finance.errors import AccountNotFound, CurrencyMismatch, InvalidAmount, TransferNotFound, UnknownCurrency
from azora.finance.schemas import (
    AccountOut,
    EntryOut,
    EntryPageOut,
    EntryQuery,
    PayoutCreateIn,
    PayoutOut,
    PayoutPageOut,
    PostingOut,
    StatementOut,
    StatementQuery,
    TransferCreateIn,
    TransferOut,
    WalletListOut,
    WalletOut,
)
from azora.shared.errors import NotFound, ValidationFailed
from azora.shared.ids import uuid7
from azora.shared.money import Money
from azora.shared.pagination import PageParams
from azora.shared.schemas import amount_out

router = Router(tags=["finance"])

ADMIN_ROLES = frozenset({"finance_admin", "platform_admin"})
# API keys reach money only with these scopes (none of today's key scopes grants them: sessions and tokens do).
READ_SCOPE = "finance:read"
WRITE_SCOPE = "finance:write"
PEER_CURRENCY = "AZR"
# A statement covers at most this many days, so that one request cannot ask for the whole ledger's history.
MAX_STATEMENT_DAYS = 366
# Characters that make a spreadsheet read a cell as a formula (CSV injection); such text cells get a quote.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PLAIN_DECIMAL = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


class RecipientNotFound(ValidationFailed):
    code = "recipient_not_found"
    title = "No active user has that email address or id."


class InvalidPeriod(ValidationFailed):
    code = "invalid_period"
    title = "The period is not valid."


# --- The caller ----------------------------------------------------------------------------------


def _caller(request: HttpRequest, scope: str) -> uuid.UUID:
    """The signed-in user calling (sessions and access tokens; API keys only with `scope`)."""
    principal = request.auth  # type: ignore[attr-defined]  # ninja sets it after authentication
    assert isinstance(principal, Principal)
    if not principal.has_scope(scope):
        raise InsufficientScope(extra={"required_scope": scope})
    if principal.user_id is None:
        raise UserPrincipalRequired()
    return principal.user_id


def _is_finance_admin(user_id: uuid.UUID) -> bool:
    """Finance admins (and platform admins, as for accounts: finance.public.may_view_account) see every transfer."""
    return not accounts.platform_roles_of(user_id=user_id).isdisjoint(ADMIN_ROLES)


def _visible_account(user_id: uuid.UUID, account_id: uuid.UUID) -> finance.AccountView:
    """The account, when the caller may see it; otherwise 404, the same as for an account that does not exist."""
    if not finance.may_view_account(user_id=user_id, account_id=account_id):
        raise AccountNotFound()
    account = finance.account_get(account_id=account_id)
    if account is None:
        raise AccountNotFound()
    return account


# --- Converters ----------------------------------------------------------------------------------


def _signed(account: finance.AccountView, side: str, amount: Money) -> Money:
    """The amount as it moves the account's balance: a posting on the normal side raises it."""
    raises = (side == "debit") == account.is_debit_normal
    return amount if raises else -amount


def _entry_out(account: finance.AccountView, entry: finance.EntryView) -> EntryOut:
    return EntryOut(
        transfer_id=entry.transfer_id,
        posted_at=entry.posted_at,
        kind=entry.kind,
        reason=entry.reason,
        reference=entry.reference,
        side=entry.side,
        amount=amount_out(entry.amount),
        signed_amount=amount_out(_signed(account, entry.side, entry.amount)),
        status=entry.status,
        balance_after=amount_out(entry.balance_after) if entry.balance_after is not None else None,
    )


def _wallet_out(account: finance.AccountView, balance: finance.BalanceView) -> WalletOut:
    return WalletOut(
        id=account.id,
        code=account.code,
        name=account.name,
        currency=account.currency,
        posted=amount_out(balance.posted),
        held=amount_out(balance.held),
        available=amount_out(balance.available),
    )


def _account_out(account: finance.AccountView) -> AccountOut:
    return AccountOut(
        id=account.id,
        owner_type=account.owner_type,
        owner_id=account.owner_id,
        code=account.code,
        name=account.name,
        currency=account.currency,
        kind=account.kind,
    )


def _uuid_or_none(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def _metadata_money(metadata: Mapping[str, Any], key: str, currency: str) -> Money | None:
    value = metadata.get(key)
    return Money(value, currency) if isinstance(value, int) and not isinstance(value, bool) else None


def _transfer_out(transfer: finance.TransferView) -> TransferOut:
    """A peer transfer's amount and fee come from what the ledger recorded with it (its metadata)."""
    metadata = transfer.metadata
    amount = fee = total = None
    if transfer.kind == "peer":
        amount = _metadata_money(metadata, "amount_minor", PEER_CURRENCY)
        fee = _metadata_money(metadata, "fee_minor", PEER_CURRENCY)
        total = amount + fee if amount is not None and fee is not None else None
    return TransferOut(
        id=transfer.id,
        kind=transfer.kind,
        status=transfer.status,
        reason=transfer.reason,
        reference=transfer.reference,
        note=str(metadata.get("note", "")),
        from_user_id=_uuid_or_none(metadata.get("from_user_id")),
        to_user_id=_uuid_or_none(metadata.get("to_user_id")),
        amount=amount_out(amount) if amount is not None else None,
        fee=amount_out(fee) if fee is not None else None,
        total_debited=amount_out(total) if total is not None else None,
        postings=[
            PostingOut(account_id=posting.account_id, side=posting.side, amount=amount_out(posting.amount))
            for posting in transfer.postings
        ],
        created_at=transfer.created_at,
        expires_at=transfer.expires_at,
        reverses_id=transfer.reverses_id,
    )


# --- Input parsing -------------------------------------------------------------------------------


def _parse_amount(amount: str, currency: str) -> Money:
    """The body's decimal amount as Money (the ledger's rules), naming the offending field in the problem.

    Only plain decimals ("12", "12.50", "-3") reach the ledger's parser: "1e3", "NaN" and the like are refused
    here, so that what a client sends is exactly what it reads back.
    """
    if not PLAIN_DECIMAL.fullmatch(amount.strip()):
        message = f'{amount!r} is not a decimal amount like "12.50".'
        raise InvalidAmount(message, extra={"errors": [{"field": "body.amount", "message": message}]})
    try:
        return finance.parse_amount(amount=amount, currency=currency)
    except UnknownCurrency as error:
        error.extra.setdefault("errors", [{"field": "body.currency", "message": error.detail}])
        raise
    except InvalidAmount as error:
        error.extra.setdefault("errors", [{"field": "body.amount", "message": error.detail}])
        raise


def _recipient(to_user: str) -> uuid.UUID:
    text = to_user.strip()
    if "@" in text:
        user_id = accounts.active_user_id_by_email(email=text)
    else:
        candidate = _uuid_or_none(text)
        user_id = candidate if candidate is not None and _user_exists(candidate) else None
    if user_id is None:
        raise RecipientNotFound(extra={"errors": [{"field": "body.to_user", "message": "No such user."}]})
    return user_id


def _user_exists(user_id: uuid.UUID) -> bool:
    try:
        accounts.user_profile(user_id=user_id)
    except NotFound:
        return False
    return True


def _start_of(moment: date | datetime) -> datetime:
    if isinstance(moment, datetime):
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return datetime.combine(moment, time.min, tzinfo=UTC)


def _end_of(moment: date | datetime) -> datetime:
    """An exclusive upper bound: a date means up to the end of that day."""
    if isinstance(moment, datetime):
        return _start_of(moment)
    return datetime.combine(moment + timedelta(days=1), time.min, tzinfo=UTC)


def _period(start: date | None, end: date | None) -> tuple[date, date]:
    today = datetime.now(UTC).date()
    end = end or today
    start = start or end.replace(day=1)
    if start > end:
        raise InvalidPeriod(
            "`from` is after `to`.", extra={"errors": [{"field": "query.from", "message": "After to."}]}
        )
    if (end - start).days + 1 > MAX_STATEMENT_DAYS:
        message = f"A statement covers at most {MAX_STATEMENT_DAYS} days."
        raise InvalidPeriod(message, extra={"errors": [{"field": "query.to", "message": message}]})
    return start, end


# --- Endpoints -----------------------------------------------------------------------------------


@router.get("/wallets", response=WalletListOut, summary="The caller's wallets, with posted, held and available")
def wallet_list(request: HttpRequest) -> WalletListOut:
    user_id = _caller(request, READ_SCOPE)
    owned = finance.accounts_of_user(user_id=user_id)
    if not any(account.code == "wallet" and account.currency == PEER_CURRENCY for account in owned):
        finance.user_wallet(user_id=user_id, currency=PEER_CURRENCY)  # every user has an AZR wallet
        owned = finance.accounts_of_user(user_id=user_id)
    balances = finance.balances(account_ids=[account.id for account in owned])
    return WalletListOut(items=[_wallet_out(account, balances[account.id]) for account in owned])


@router.get(
    "/wallets/{account_id}/entries",
    response=EntryPageOut,
    summary="Entries of a wallet (newest first), filtered by time, kind and text",
)
def wallet_entries(request: HttpRequest, account_id: uuid.UUID, filters: Query[EntryQuery]) -> EntryPageOut:
    account = _visible_account(_caller(request, READ_SCOPE), account_id)
    page = finance.account_entries(
        account_id=account.id,
        since=_start_of(filters.from_) if filters.from_ else None,
        until=_end_of(filters.to) if filters.to else None,
        kind=filters.kind or None,
        search=(filters.q or "").strip() or None,
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return EntryPageOut(items=[_entry_out(account, entry) for entry in page.items], next_cursor=page.next_cursor)


@router.post("/transfers", response={201: TransferOut}, summary="Send AZR to another user (a fee applies)")
def transfer_create(request: HttpRequest, payload: TransferCreateIn) -> Status[TransferOut]:
    user_id = _caller(request, WRITE_SCOPE)
    amount = _parse_amount(payload.amount, payload.currency)
    if amount.currency != PEER_CURRENCY:
        raise CurrencyMismatch(
            f"Peer transfers move {PEER_CURRENCY} only, not {amount.currency}.",
            extra={"errors": [{"field": "body.currency", "message": f"Only {PEER_CURRENCY}."}]},
        )
    transfer = finance.peer_transfer(
        transfer_id=payload.id or uuid7(),
        from_user_id=user_id,
        to_user_id=_recipient(payload.to_user),
        amount=amount,
        note=payload.note,
    )
    return Status(201, _transfer_out(transfer))


@router.get("/transfers/{transfer_id}", response=TransferOut, summary="One transfer (its parties and finance admins)")
def transfer_get(request: HttpRequest, transfer_id: uuid.UUID) -> TransferOut:
    user_id = _caller(request, READ_SCOPE)
    transfer = finance.transfer_get(transfer_id=transfer_id)
    if transfer is None or not _may_view_transfer(user_id, transfer):
        raise TransferNotFound()
    return _transfer_out(transfer)


def _may_view_transfer(user_id: uuid.UUID, transfer: finance.TransferView) -> bool:
    own = {account.id for account in finance.accounts_of_user(user_id=user_id)}
    return any(posting.account_id in own for posting in transfer.postings) or _is_finance_admin(user_id)


@router.get(
    "/accounts/{account_id}/statement",
    response={200: StatementOut},
    summary="A statement for a period: opening balance, entries, closing balance (JSON or CSV)",
    openapi_extra={"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}},
)
def statement_get(request: HttpRequest, account_id: uuid.UUID, params: Query[StatementQuery]) -> object:
    account = _visible_account(_caller(request, READ_SCOPE), account_id)
    start, end = _period(params.from_, params.to)
    statement = finance.statement(account_id=account.id, start=start, end=end)
    if params.format == "csv":
        return _statement_csv(account, statement)
    return StatementOut(
        account=_account_out(account),
        start=statement.start,
        end=statement.end,
        opening=amount_out(statement.opening),
        closing=amount_out(statement.closing),
        lines=[_entry_out(account, line) for line in statement.lines],
    )


def _cell(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def _decimal(money: Money) -> str:
    return f"{money.to_decimal():.{money.exponent}f}"


def _statement_csv(account: finance.AccountView, statement: finance.StatementView) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["date", "transfer_id", "kind", "reason", "reference", "status", "amount", "currency", "balance"])
    writer.writerow(["", "", "opening", "Opening balance", "", "", "", account.currency, _decimal(statement.opening)])
    for line in statement.lines:
        writer.writerow([
            line.posted_at.astimezone(UTC).isoformat(),
            str(line.transfer_id),
            _cell(line.kind),
            _cell(line.reason),
            _cell(line.reference),
            line.status,
            _decimal(_signed(account, line.side, line.amount)),
            line.amount.currency,
            _decimal(line.balance_after) if line.balance_after is not None else "",
        ])  # fmt: skip
    writer.writerow(["", "", "closing", "Closing balance", "", "", "", account.currency, _decimal(statement.closing)])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"azora-statement-{account.currency.lower()}-{statement.start:%Y%m%d}-{statement.end:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Payouts -------------------------------------------------------------------------------------


def _payout_out(payout: finance.PayoutView) -> PayoutOut:
    return PayoutOut(
        id=payout.id,
        status=payout.status,
        amount=amount_out(payout.amount),
        destination_label=payout.destination_label,
        provider=payout.provider,
        failure_code=payout.failure_code,
        failure_message=payout.failure_message,
        created_at=payout.created_at,
        paid_at=payout.paid_at,
    )


@router.post(
    "/payouts",
    response={201: PayoutOut},
    summary="Pay released earnings to a bank account (at least the currency's minimum)",
)
def payout_create(request: HttpRequest, payload: PayoutCreateIn) -> Status[PayoutOut]:
    """201 with the payout as the provider left it: paid, failed (the funds are back), or pending."""
    user_id = _caller(request, WRITE_SCOPE)
    amount = _parse_amount(payload.amount, payload.currency)
    payout = finance.payout_request(
        payout_id=payload.id or uuid7(),
        user_id=user_id,
        amount=amount,
        destination=payload.destination.model_dump(),
    )
    return Status(201, _payout_out(payout))


@router.get("/payouts", response=PayoutPageOut, summary="The caller's payouts, newest first")
def payout_list(request: HttpRequest, page: Query[PageParams]) -> PayoutPageOut:
    listed = finance.payouts_of(user_id=_caller(request, READ_SCOPE), cursor=page.cursor, limit=page.limit)
    return PayoutPageOut(items=[_payout_out(payout) for payout in listed.items], next_cursor=listed.next_cursor)
