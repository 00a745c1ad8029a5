"""The ledger's read side: accounts, balances, entries with running balances, statements, history, reconciliation."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Case, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from azora.finance import errors
from azora.finance.models import Account, Payout, Posting, Transfer
from azora.finance.public import (
    AccountView,
    AzrSupplySummary,
    BalanceView,
    EntryView,
    PayoutView,
    ReconcileDifference,
    ReconcileReport,
    StatementView,
    TransferView,
)
from azora.finance.services import (
    AZR,
    SUPPLY_TRANSFER_ID,
    account_view,
    azr_supply_minor,
    payout_view,
    peer_daily_limit_minor,
    peer_sent_today,
    transfer_view,
)
from azora.shared.errors import ValidationFailed
from azora.shared.money import Money
from azora.shared.pagination import Page, paginate_queryset

MAX_HISTORY_DAYS = 366
ADMIN_ROLES = ("finance_admin", "platform_admin")
ORGANISATION_VIEWER_ROLES = frozenset({"owner", "admin", "billing"})


def _account(account_id: uuid.UUID) -> Account:
    account = Account.objects.filter(id=account_id).first()
    if account is None:
        raise errors.AccountNotFound(f"No account {account_id}.", extra={"account_id": str(account_id)})
    return account


def accounts_of_user(*, user_id: uuid.UUID) -> list[AccountView]:
    rows = Account.objects.filter(owner_type=Account.OwnerType.USER, owner_id=user_id).order_by("code", "currency")
    return [account_view(account) for account in rows]


def account_get(*, account_id: uuid.UUID) -> AccountView | None:
    account = Account.objects.filter(id=account_id).first()
    return account_view(account) if account is not None else None


def balance(*, account_id: uuid.UUID) -> BalanceView:
    account = _account(account_id)
    return BalanceView(
        account_id=account.id,
        currency=account.currency,
        posted=Money(account.posted_balance, account.currency),
        held=Money(account.held, account.currency),
        available=Money(account.available_balance, account.currency),
    )


def balances(*, account_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, BalanceView]:
    """The balances of several accounts in one query (unknown ids are left out), for lists of wallets."""
    return {
        account.id: BalanceView(
            account_id=account.id,
            currency=account.currency,
            posted=Money(account.posted_balance, account.currency),
            held=Money(account.held, account.currency),
            available=Money(account.available_balance, account.currency),
        )
        for account in Account.objects.filter(id__in=list(account_ids))
    }


def may_view_account(*, user_id: uuid.UUID, account_id: uuid.UUID) -> bool:
    import azora.accounts.public as accounts

    account = Account.objects.filter(id=account_id).only("owner_type", "owner_id").first()
    if account is None:
        return False
    if account.owner_type == Account.OwnerType.USER and account.owner_id == user_id:
        return True
    if account.owner_type == Account.OwnerType.ORGANISATION and account.owner_id is not None:
        role = accounts.organisation_role_of(user_id=user_id, organisation_id=account.owner_id)
        if role in ORGANISATION_VIEWER_ROLES:
            return True
    roles = accounts.platform_roles_of(user_id=user_id)
    return any(role in roles for role in ADMIN_ROLES)


def transfer_get(*, transfer_id: uuid.UUID) -> TransferView | None:
    transfer = Transfer.objects.filter(id=transfer_id).first()
    return transfer_view(transfer) if transfer is not None else None


def peer_transfer_limit_remaining(*, user_id: uuid.UUID) -> Money:
    limit = peer_daily_limit_minor()
    wallet = Account.objects.filter(owner_type="user", owner_id=user_id, code="wallet", currency=AZR).first()
    if wallet is None:
        return Money(limit, AZR)
    fees = Account.objects.filter(owner_type="platform", code="fees:peer", currency=AZR).first()
    sent = peer_sent_today(wallet_id=wallet.id, fee_account_id=fees.id if fees else None)
    return Money(max(limit - sent, 0), AZR)


# --- Entries ------------------------------------------------------------------------------------------------


def _signed(account: Account, side: str, amount: int) -> int:
    """How a posting changes the account's normal-side balance."""
    increases = (side == "debit") == account.is_debit_normal
    return amount if increases else -amount


def _posted_net(account: Account, postings: QuerySet[Posting]) -> int:
    """The normal-side sum of the posted postings in `postings` (one aggregate query)."""
    totals = postings.filter(phase=Posting.Phase.POSTED).aggregate(
        debits=Sum(Case(When(side="debit", then=F("amount")), default=Value(0))),
        credits=Sum(Case(When(side="credit", then=F("amount")), default=Value(0))),
    )
    return account.normal_balance(totals["debits"] or 0, totals["credits"] or 0)


def _visible_entries(account: Account) -> QuerySet[Posting]:
    """Posted postings, plus the pending postings of holds not (yet) settled: a settled hold shows once."""
    return Posting.objects.filter(account=account).filter(
        Q(phase=Posting.Phase.POSTED) | (Q(phase=Posting.Phase.PENDING) & ~Q(transfer__status=Transfer.Status.POSTED))
    )


def _entry(posting: Posting, balance_after: int | None) -> EntryView:
    transfer = posting.transfer
    status = Transfer.Status.POSTED if posting.phase == Posting.Phase.POSTED else transfer.status
    return EntryView(
        transfer_id=transfer.id,
        posted_at=posting.created_at,
        kind=transfer.kind,
        reason=transfer.reason,
        reference=transfer.reference,
        side=posting.side,  # type: ignore[arg-type]  # a TextChoices value of the Literal
        amount=Money(posting.amount, posting.currency),
        status=status,  # type: ignore[arg-type]  # a TextChoices value of the Literal
        balance_after=Money(balance_after, posting.currency) if balance_after is not None else None,
    )


def _balances_after(account: Account, postings: Iterable[Posting]) -> dict[int, int]:
    """The posted balance after each posted posting of `postings`: one sum below the first, one range read."""
    posted_ids = [p.id for p in postings if p.phase == Posting.Phase.POSTED]
    if not posted_ids:
        return {}
    low, high = min(posted_ids), max(posted_ids)
    running = _posted_net(account, Posting.objects.filter(account=account, id__lt=low))
    result: dict[int, int] = {}
    in_range = Posting.objects.filter(account=account, phase=Posting.Phase.POSTED, id__gte=low, id__lte=high)
    for posting_id, side, amount in in_range.order_by("id").values_list("id", "side", "amount"):
        running += _signed(account, side, amount)
        result[posting_id] = running
    return result


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
    account = _account(account_id)
    rows = _visible_entries(account).select_related("transfer")
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    if until is not None:
        rows = rows.filter(created_at__lt=until)
    if kind:
        rows = rows.filter(transfer__kind=kind)
    if search and search.strip():
        term = search.strip()
        rows = rows.filter(Q(transfer__reason__icontains=term) | Q(transfer__reference__icontains=term))
    page = paginate_queryset(rows, cursor=cursor, limit=limit, to_item=lambda posting: posting, ordering=("-id",))
    after = _balances_after(account, page.items)
    return Page(items=[_entry(posting, after.get(posting.id)) for posting in page.items], next_cursor=page.next_cursor)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def statement(*, account_id: uuid.UUID, start: date, end: date) -> StatementView:
    """Posted entries of the UTC days start..end inclusive, oldest first, with opening and closing balances."""
    if end < start:
        raise ValidationFailed("The statement's end is before its start.")
    account = _account(account_id)
    begin, finish = _day_start(start), _day_start(end + timedelta(days=1))
    opening = _posted_net(account, Posting.objects.filter(account=account, created_at__lt=begin))
    running = opening
    lines = []
    rows = (
        Posting.objects.filter(
            account=account, phase=Posting.Phase.POSTED, created_at__gte=begin, created_at__lt=finish
        )
        .select_related("transfer")
        .order_by("id")
    )
    for posting in rows:
        running += _signed(account, posting.side, posting.amount)
        lines.append(_entry(posting, running))
    return StatementView(
        account=account_view(account),
        start=start,
        end=end,
        opening=Money(opening, account.currency),
        lines=tuple(lines),
        closing=Money(running, account.currency),
    )


def balance_history(*, account_id: uuid.UUID, days: int = 30) -> list[tuple[date, Money]]:
    if not 1 <= days <= MAX_HISTORY_DAYS:
        raise ValidationFailed(f"days must be between 1 and {MAX_HISTORY_DAYS}.")
    account = _account(account_id)
    today = timezone.now().astimezone(UTC).date()
    first = today - timedelta(days=days - 1)
    running = _posted_net(account, Posting.objects.filter(account=account, created_at__lt=_day_start(first)))
    per_day = (
        Posting.objects.filter(account=account, phase=Posting.Phase.POSTED, created_at__gte=_day_start(first))
        .annotate(day=TruncDate("created_at", tzinfo=UTC))
        .values("day", "side")
        .annotate(total=Sum("amount"))
    )
    changes: dict[date, int] = defaultdict(int)
    for row in per_day:
        changes[row["day"]] += _signed(account, row["side"], row["total"])
    history = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        running += changes.get(day, 0)
        history.append((day, Money(running, account.currency)))
    return history


# --- Payouts ------------------------------------------------------------------------------------------------


def payouts_of(*, user_id: uuid.UUID, cursor: str | None = None, limit: int = 50) -> Page[PayoutView]:
    """The user's payouts, newest first (one query a page)."""
    return paginate_queryset(
        Payout.objects.filter(user_id=user_id),
        cursor=cursor,
        limit=limit,
        ordering=("-created_at", "-id"),
        to_item=payout_view,
    )


# --- Reconciliation -----------------------------------------------------------------------------------------


def _recomputed_totals() -> dict[uuid.UUID, dict[str, int]]:
    """Every account's four totals, recomputed from the postings alone."""
    totals: dict[uuid.UUID, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    posted = Posting.objects.filter(phase=Posting.Phase.POSTED).values("account_id", "side").annotate(t=Sum("amount"))
    for row in posted:
        totals[row["account_id"]][f"posted_{row['side']}s"] += row["t"]
    pending = (
        Posting.objects.filter(phase=Posting.Phase.PENDING, transfer__status=Transfer.Status.PENDING)
        .values("account_id", "side")
        .annotate(t=Sum("amount"))
    )
    for row in pending:
        totals[row["account_id"]][f"pending_{row['side']}s"] += row["t"]
    return totals


_TOTALS = ("posted_debits", "posted_credits", "pending_debits", "pending_credits")


def _check_accounts(accounts: list[Account], recomputed: dict[uuid.UUID, dict[str, int]]) -> list[ReconcileDifference]:
    differences = []
    for account in accounts:
        truth = recomputed.get(account.id, {})
        for name in _TOTALS:
            cached, actual = getattr(account, name), truth.get(name, 0)
            if cached != actual:
                differences.append(
                    ReconcileDifference(
                        check="cached_totals",
                        subject=f"account {account.id} ({account.name}) {name}",
                        expected=str(actual),
                        actual=str(cached),
                    )
                )
        if account.may_go_negative:
            continue
        posted = account.normal_balance(truth.get("posted_debits", 0), truth.get("posted_credits", 0))
        held = truth.get("pending_credits", 0) if account.is_debit_normal else truth.get("pending_debits", 0)
        if posted < 0 or posted - held < 0:
            differences.append(
                ReconcileDifference(
                    check="forbidden_negative",
                    subject=f"account {account.id} ({account.name})",
                    expected="posted and available ≥ 0",
                    actual=f"posted {posted}, available {posted - held}",
                )
            )
    return differences


def _check_transfers() -> list[ReconcileDifference]:
    differences = []
    unbalanced = (
        Posting.objects.values("transfer_id", "phase", "currency")
        .annotate(net=Sum(Case(When(side="debit", then=F("amount")), default=-F("amount"))))
        .exclude(net=0)
        .order_by("transfer_id")
    )
    for row in unbalanced:
        differences.append(
            ReconcileDifference(
                check="transfer_balanced",
                subject=f"transfer {row['transfer_id']} {row['phase']} {row['currency']}",
                expected="debits = credits",
                actual=f"debits - credits = {row['net']}",
            )
        )
    for posting_id, transfer_id in Posting.objects.exclude(currency=F("account__currency")).values_list(
        "id", "transfer_id"
    ):
        differences.append(
            ReconcileDifference(
                check="posting_currency",
                subject=f"posting {posting_id} of transfer {transfer_id}",
                expected="the account's currency",
                actual="another currency",
            )
        )
    wrongly_posted = Transfer.objects.exclude(status=Transfer.Status.POSTED).filter(postings__phase="posted").distinct()
    for transfer_id, status in wrongly_posted.values_list("id", "status"):
        differences.append(
            ReconcileDifference(
                check="transfer_status",
                subject=f"transfer {transfer_id}",
                expected=f"no posted postings while {status}",
                actual="posted postings",
            )
        )
    missing = Transfer.objects.filter(status=Transfer.Status.POSTED).exclude(postings__phase="posted")
    for transfer_id in missing.values_list("id", flat=True):
        differences.append(
            ReconcileDifference(
                check="transfer_status",
                subject=f"transfer {transfer_id}",
                expected="posted postings",
                actual="none",
            )
        )
    return differences


def _check_supply(accounts: list[Account], recomputed: dict[uuid.UUID, dict[str, int]]) -> list[ReconcileDifference]:
    """Every AZR account except the mint holds credit-side AZR; together they hold exactly the supply."""
    circulating = 0
    for account in accounts:
        if account.currency != AZR or (account.owner_type == "platform" and account.code == "mint"):
            continue
        truth = recomputed.get(account.id, {})
        circulating += truth.get("posted_credits", 0) - truth.get("posted_debits", 0)
    issued = Transfer.objects.filter(id=SUPPLY_TRANSFER_ID).exists()
    expected = azr_supply_minor() if issued else 0
    if circulating == expected:
        return []
    return [
        ReconcileDifference(
            check="azr_supply",
            subject="AZR held by every account except the mint",
            expected=str(Money(expected, AZR)),
            actual=str(Money(circulating, AZR)),
        )
    ]


def reconcile() -> ReconcileReport:
    """Recomputes every balance from the postings and checks every invariant; lists each difference found."""
    accounts = list(Account.objects.order_by("pk"))
    recomputed = _recomputed_totals()
    differences = [
        *_check_accounts(accounts, recomputed),
        *_check_transfers(),
        *_check_supply(accounts, recomputed),
    ]
    return ReconcileReport(
        accounts_checked=len(accounts),
        transfers_checked=Transfer.objects.count(),
        differences=tuple(differences),
    )


__all__ = [
    "account_entries",
    "account_get",
    "accounts_of_user",
    "balance",
    "balance_history",
    "may_view_account",
    "payouts_of",
    "peer_transfer_limit_remaining",
    "reconcile",
    "statement",
    "transfer_get",
]


def azr_supply_summary(*, days: int = 30, today: date | None = None) -> AzrSupplySummary:
    """The AZR supply for operators, from posted postings (three queries): what was minted, what people and
    organisations hold, what was burned, and the burns per UTC day over the last `days` days (oldest first)."""
    today = today or timezone.now().date()
    posted = Posting.objects.filter(phase=Posting.Phase.POSTED, currency=AZR)
    minted = posted.filter(account__owner_type="platform", account__code="mint", side="debit").aggregate(
        total=Sum("amount")
    )["total"]
    held = posted.filter(account__owner_type__in=["user", "organisation"]).aggregate(
        total=Sum(Case(When(side="credit", then=F("amount")), default=-F("amount")))
    )["total"]
    burns = posted.filter(account__owner_type="platform", account__code="burn", side="credit")
    first = today - timedelta(days=days - 1)
    by_day = dict(
        burns.filter(created_at__gte=datetime.combine(first, time.min, tzinfo=UTC))
        .annotate(day=TruncDate("created_at", tzinfo=UTC))
        .values("day")
        .annotate(total=Sum("amount"))
        .values_list("day", "total")
    )
    burned = burns.aggregate(total=Sum("amount"))["total"]
    return AzrSupplySummary(
        minted=Money(int(minted or 0), AZR),
        circulating=Money(int(held or 0), AZR),
        burned=Money(int(burned or 0), AZR),
        burned_by_day=tuple(
            (first + timedelta(days=n), Money(int(by_day.get(first + timedelta(days=n)) or 0), AZR))
            for n in range(days)
        ),
    )
