"""Wallet pages of the Pay UI: balances with their chart, the transaction history (and its CSV), statements.

Everything shown comes from Finance's public selectors; a person sees their own accounts, a finance admin may
open any account Finance lets them see (`may_view_account`).
"""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

import azora.finance.public as finance
from azora.portals.pay.charts import balance_chart
from azora.portals.pay.forms import HistoryFilterForm, StatementForm
from azora.portals.pay.views.common import INVALID, HtmxRequest, render_page, user_id_of
from azora.shared.errors import DomainError
from azora.shared.money import Money
from azora.shared.pagination import Page

CHART_DAYS = 30
RECENT_ENTRIES = 5
HISTORY_PAGE_SIZE = 25
CSV_PAGE_SIZE = 100
# A statement page shows at most this many entries (about 100 KB), so that it stays light on a phone; the
# CSV always has them all.
STATEMENT_PAGE_ROWS = 200
# Kinds of ledger transfer a person meets in their own history, in their words.
KIND_LABELS = {
    "peer": gettext_lazy("Sent or received AZR"),
    "payment": gettext_lazy("Card payment or top-up"),
    "reversal": gettext_lazy("Refund or correction"),
    "redemption": gettext_lazy("Redeemed"),
    "withdrawal": gettext_lazy("Withdrawal"),
}
CSV_COLUMNS = ["posted_at", "kind", "description", "reference", "amount", "currency", "balance_after"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run such a cell as a formula


@dataclass(frozen=True, slots=True)
class AccountCard:
    account: finance.AccountView
    balance: finance.BalanceView
    label: str


def account_label(account: finance.AccountView) -> str:
    if account.code == "wallet":
        return _("%(currency)s wallet") % {"currency": account.currency}
    if account.code == "earnings":
        return _("%(currency)s earnings") % {"currency": account.currency}
    return f"{account.name} ({account.currency})"


def own_accounts(user_id: uuid.UUID) -> list[finance.AccountView]:
    """The person's accounts, their AZR wallet first (Finance creates it on first use)."""
    wallet = finance.user_wallet(user_id=user_id)
    others = [account for account in finance.accounts_of_user(user_id=user_id) if account.id != wallet.id]
    others.sort(key=lambda account: (account.code != "wallet", account.code, account.currency))
    return [wallet, *others]


def viewable_account(user_id: uuid.UUID, raw: str | None, fallback: finance.AccountView) -> finance.AccountView:
    """The account named by `raw` when the person may see it, `fallback` when none is named; 404 otherwise."""
    if not raw:
        return fallback
    try:
        account_id = uuid.UUID(raw)
    except ValueError as error:
        raise Http404(_("No such account.")) from error
    account = finance.account_get(account_id=account_id)
    if account is None or not finance.may_view_account(user_id=user_id, account_id=account_id):
        raise Http404(_("No such account."))
    return account


def account_choices(accounts: Iterable[finance.AccountView], extra: finance.AccountView) -> list[tuple[str, str]]:
    choices = [(str(account.id), account_label(account)) for account in accounts]
    if str(extra.id) not in dict(choices):
        choices.append((str(extra.id), account_label(extra)))
    return choices


def increases_balance(account: finance.AccountView, side: str) -> bool:
    """Whether an entry on `side` raises the account's balance (credits raise a wallet's)."""
    return (side == "debit") == account.is_debit_normal


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind.replace("_", " ").capitalize()))


@dataclass(frozen=True, slots=True)
class EntryRow:
    entry: finance.EntryView
    is_incoming: bool
    kind_label: str


def entry_rows(account: finance.AccountView, entries: Iterable[finance.EntryView]) -> list[EntryRow]:
    return [
        EntryRow(entry=entry, is_incoming=increases_balance(account, entry.side), kind_label=kind_label(entry.kind))
        for entry in entries
    ]


@dataclass(frozen=True, slots=True)
class EntryFilters:
    """The history's filters as Finance's `account_entries` takes them (`until` exclusive)."""

    account_id: uuid.UUID
    since: datetime | None
    until: datetime | None
    kind: str | None
    search: str | None

    def page(self, *, cursor: str | None, limit: int) -> Page[finance.EntryView]:
        return finance.account_entries(
            account_id=self.account_id,
            since=self.since,
            until=self.until,
            kind=self.kind,
            search=self.search,
            cursor=cursor,
            limit=limit,
        )


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


# --- Wallet overview --------------------------------------------------------------------------------


@login_required
@require_GET
def overview(request: HtmxRequest) -> HttpResponse:
    user_id = user_id_of(request)
    accounts = own_accounts(user_id)
    cards = [
        AccountCard(account=account, balance=finance.balance(account_id=account.id), label=account_label(account))
        for account in accounts
    ]
    wallet = accounts[0]
    history = finance.balance_history(account_id=wallet.id, days=CHART_DAYS)
    recent = finance.account_entries(account_id=wallet.id, limit=RECENT_ENTRIES)
    context = {
        "cards": cards,
        "wallet": wallet,
        "chart": balance_chart(history),
        "chart_days": CHART_DAYS,
        "recent": entry_rows(wallet, recent.items),
    }
    return render_page(request, "pay/overview.html", "balances", context)


# --- History -------------------------------------------------------------------------------------


@login_required
@require_GET
def history(request: HtmxRequest) -> HttpResponse | StreamingHttpResponse:
    user_id = user_id_of(request)
    accounts = own_accounts(user_id)
    account = viewable_account(user_id, request.GET.get("account"), accounts[0])
    form = HistoryFilterForm(
        request.GET or None,
        accounts=account_choices(accounts, account),
        kinds=[(kind, str(label)) for kind, label in KIND_LABELS.items()],
        initial={"account": str(account.id), "period": "30"},
    )
    if form.is_bound and not form.is_valid():
        context = {"form": form, "account": account, "rows": [], "next_cursor": None, "problem": True}
        return render_page(request, "pay/history.html", "results", context, status=INVALID)

    since, until = form.date_range() if form.is_bound else (timezone.localdate() - timedelta(days=29), None)
    filters = EntryFilters(
        account_id=account.id,
        since=_day_start(since) if since else None,
        until=_day_start(until + timedelta(days=1)) if until else None,
        kind=(form.cleaned_data.get("kind") or None) if form.is_bound else None,
        search=(form.cleaned_data.get("q") or None) if form.is_bound else None,
    )
    if request.GET.get("format") == "csv":
        return _history_csv(account, filters, since, until)
    try:
        page = filters.page(cursor=request.GET.get("cursor") or None, limit=HISTORY_PAGE_SIZE)
    except DomainError as error:  # a cursor that is not one of ours
        form.add_error(None, str(error.detail))
        context = {"form": form, "account": account, "rows": [], "next_cursor": None, "problem": True}
        return render_page(request, "pay/history.html", "results", context, status=INVALID)
    query = request.GET.copy()
    query.pop("cursor", None)
    query.pop("format", None)
    context = {
        "form": form,
        "account": account,
        "account_label": account_label(account),
        "rows": entry_rows(account, page.items),
        "next_cursor": page.next_cursor,
        "query": query.urlencode(),
        "since": since,
        "until": until,
        "is_more": bool(request.GET.get("cursor")),
    }
    partial = "rows" if request.htmx and request.GET.get("cursor") else "results"
    return render_page(request, "pay/history.html", partial, context)


class _Echo:
    """csv.writer's file: hands each formatted line straight back for streaming."""

    def write(self, value: str) -> str:
        return value


def safe_cell(text: str) -> str:
    """Text a spreadsheet shows as text, never runs as a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _decimal(money: Money) -> str:
    return f"{money.to_decimal():.{money.exponent}f}"


def _signed(account: finance.AccountView, entry: finance.EntryView) -> str:
    return _decimal(entry.amount if increases_balance(account, entry.side) else -entry.amount)


def _all_entries(filters: EntryFilters) -> Iterator[finance.EntryView]:
    cursor: str | None = None
    while True:
        page = filters.page(cursor=cursor, limit=CSV_PAGE_SIZE)
        yield from page.items
        if not page.next_cursor:
            return
        cursor = page.next_cursor


def _history_csv(
    account: finance.AccountView, filters: EntryFilters, since: date | None, until: date | None
) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow([*CSV_COLUMNS, "status", "transfer_id"])
        for entry in _all_entries(filters):
            yield writer.writerow(
                [
                    entry.posted_at.isoformat(),
                    entry.kind,
                    safe_cell(entry.reason),
                    safe_cell(entry.reference),
                    _signed(account, entry),
                    entry.amount.currency,
                    "" if entry.balance_after is None else _decimal(entry.balance_after),
                    entry.status,
                    str(entry.transfer_id),
                ]
            )

    name = f"azora-{account.code}-{account.currency}-{since or 'start'}-{until or timezone.localdate()}.csv".lower()
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Statements ----------------------------------------------------------------------------------


@login_required
@require_GET
def statements(request: HtmxRequest) -> HttpResponse:
    user_id = user_id_of(request)
    accounts = own_accounts(user_id)
    account = viewable_account(user_id, request.GET.get("account"), accounts[0])
    today = timezone.localdate()
    form = StatementForm(
        request.GET if "start" in request.GET or "end" in request.GET else None,
        accounts=account_choices(accounts, account),
        initial={"account": str(account.id), "start": today.replace(day=1), "end": today},
    )
    context: dict[str, object] = {"form": form, "account": account, "statement": None}
    if not form.is_bound:
        return render_page(request, "pay/statements.html", "statement", context)
    if not form.is_valid():
        return render_page(request, "pay/statements.html", "statement", context, status=INVALID)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    statement = finance.statement(account_id=account.id, start=start, end=end)
    if request.GET.get("format") == "csv":
        return _statement_csv(statement)
    query = request.GET.copy()
    query.pop("format", None)
    context.update(
        {
            "statement": statement,
            "account_label": account_label(account),
            "rows": entry_rows(account, statement.lines[:STATEMENT_PAGE_ROWS]),
            "rows_total": len(statement.lines),
            "rows_shown": min(len(statement.lines), STATEMENT_PAGE_ROWS),
            "query": query.urlencode(),
            "change": statement.closing - statement.opening,
        }
    )
    return render_page(request, "pay/statements.html", "statement", context)


def _statement_csv(statement: finance.StatementView) -> HttpResponse:
    account = statement.account
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"azora-statement-{account.code}-{account.currency}-{statement.start}-{statement.end}.csv".lower()
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    writer.writerow(["account", safe_cell(account_label(account)), str(account.id)])
    writer.writerow(["period", statement.start.isoformat(), statement.end.isoformat()])
    writer.writerow(["opening_balance", _decimal(statement.opening), account.currency])
    writer.writerow([])
    writer.writerow([*CSV_COLUMNS, "transfer_id"])
    for entry in statement.lines:
        writer.writerow(
            [
                entry.posted_at.isoformat(),
                entry.kind,
                safe_cell(entry.reason),
                safe_cell(entry.reference),
                _signed(account, entry),
                entry.amount.currency,
                "" if entry.balance_after is None else _decimal(entry.balance_after),
                str(entry.transfer_id),
            ]
        )
    writer.writerow([])
    writer.writerow(["closing_balance", _decimal(statement.closing), account.currency])
    return response
