"""Revenue reports recomputed from ledger postings (finance.public.account_entries of the accounts that
docs/revenue.md names), grouped by course, instructor, plan, country or month; MRR and churn from subscriptions.

Where each figure comes from (posted entries in [start 00:00, end + 1 day 00:00) UTC):
- course sales: "clearing:course_sales" debits of kind course_sale_split = gross; its credits of kind reversal =
  refunds; the parts from the same transfers in "revenue:fee_recovery" (fees) and "revenue:courses" (platform);
  instructors' part = gross - fee - platform of each transfer (the transfer balances), and per instructor from
  their "earnings_held" entries of those transfers;
- subscriptions: "revenue:subscriptions" credits of kind payment = gross, debits of kind reversal = refunds;
- payouts: credits of kind payout in "payouts:<provider>" (an instructor: debits of their "earnings");
- AZR issued: "rewards_pool" debits of kind reward; AZR burned: credits of "burn" less its debits (reversed burns).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

import azora.education.public as education
import azora.finance.public as finance
from azora.education.errors import CourseNotFound
from azora.revenue.models import Order, OrderShare, Subscription, SubscriptionCharge
from azora.revenue.public.reports import GroupBy, ReportInvalid, RevenueReport, RevenueReportRow, RevenueSummary
from azora.revenue.selectors.orders import is_revenue_admin
from azora.shared.money import CURRENCY_EXPONENTS, Money

AZR = "AZR"
GROUPINGS: tuple[GroupBy, ...] = ("course", "instructor", "plan", "country", "period")
MAX_DAYS = 366
PAGE = 100
SPLIT_KIND = "course_sale_split"
REVERSAL_KIND = "reversal"
UNKNOWN_COUNTRY = "--"
LIVE_PAYING = ("active", "past_due")


def _period(start: date | None, end: date | None) -> tuple[date, date]:
    today = timezone.now().date()
    end = end or today
    start = start or end.replace(day=1)
    if end < start or (end - start).days >= MAX_DAYS:
        raise ReportInvalid(
            f"The period runs from start to end (at most {MAX_DAYS} days).",
            extra={"errors": [{"field": "query.end", "message": "Not before start, at most 366 days after it."}]},
        )
    return start, end


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return datetime.combine(start, time.min, tzinfo=UTC), datetime.combine(
        end + timedelta(days=1), time.min, tzinfo=UTC
    )


def entries(*, account_id: uuid.UUID, since: datetime, until: datetime) -> Iterator[finance.EntryView]:
    """Every posted entry of the account in [since, until), following the cursor."""
    cursor: str | None = None
    while True:
        page = finance.account_entries(account_id=account_id, since=since, until=until, cursor=cursor, limit=PAGE)
        yield from (entry for entry in page.items if entry.status == "posted")
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def _existing_platform_account(code: str, currency: str) -> uuid.UUID:
    return finance.platform_account(code=code, currency=currency).id


@dataclass
class _Sale:
    """One split transfer's (or its reversals') figures in the period, signed: a reversal counts negative."""

    order_id: uuid.UUID
    gross: int = 0
    refunds: int = 0
    fees: int = 0
    platform: int = 0
    is_sale: bool = False
    instructor_parts: dict[uuid.UUID, int] = field(default_factory=dict)
    month: str = ""

    @property
    def instructors(self) -> int:
        return self.gross - self.refunds - self.fees - self.platform


@dataclass
class _Acc:
    label: str
    sales: int = 0
    gross: int = 0
    refunds: int = 0
    fees: int = 0
    instructor: int = 0
    platform: int = 0

    def row(self, key: str, currency: str) -> RevenueReportRow:
        def money(minor: int) -> Money:
            return Money(minor, currency)

        return RevenueReportRow(
            key=key,
            label=self.label,
            sales=self.sales,
            gross=money(self.gross),
            refunds=money(self.refunds),
            net=money(self.gross - self.refunds),
            fees=money(self.fees),
            instructor_share=money(self.instructor),
            platform_share=money(self.platform),
        )


def _course_sales(*, currency: str, since: datetime, until: datetime) -> dict[uuid.UUID, _Sale]:
    """Split transfers and their reversals in the period, keyed by the split transfer id."""
    sales: dict[uuid.UUID, _Sale] = {}
    clearing = _existing_platform_account("clearing:course_sales", currency)
    reversal_of: dict[uuid.UUID, uuid.UUID] = {}
    for entry in entries(account_id=clearing, since=since, until=until):
        if entry.kind == SPLIT_KIND and entry.side == "debit":
            sale = sales.setdefault(entry.transfer_id, _Sale(order_id=uuid.UUID(int=0)))
            sale.gross += entry.amount.minor
            sale.is_sale = True
            sale.month = entry.posted_at.strftime("%Y-%m")
        elif entry.kind == REVERSAL_KIND and entry.side == "credit":
            try:
                original = uuid.UUID(entry.reference)
            except ValueError:
                continue
            reversal_of[entry.transfer_id] = original
            sale = sales.setdefault(original, _Sale(order_id=uuid.UUID(int=0)))
            sale.refunds += entry.amount.minor
            sale.month = sale.month or entry.posted_at.strftime("%Y-%m")
    if not sales:
        return {}
    orders_by_split = dict(
        Order.objects.filter(split_transfer_id__in=list(sales)).values_list("split_transfer_id", "id")
    )
    # Only transfers that are course sales (a reversal of anything else that touched the account is not one).
    sales = {split: sale for split, sale in sales.items() if split in orders_by_split}
    for split, sale in sales.items():
        sale.order_id = orders_by_split[split]
    for code, attribute in (("revenue:fee_recovery", "fees"), ("revenue:courses", "platform")):
        account_id = _existing_platform_account(code, currency)
        for entry in entries(account_id=account_id, since=since, until=until):
            of_split = entry.transfer_id if entry.kind == SPLIT_KIND else reversal_of.get(entry.transfer_id)
            if of_split is None or of_split not in sales:
                continue
            signed = entry.amount.minor if entry.side == "credit" else -entry.amount.minor
            setattr(sales[of_split], attribute, getattr(sales[of_split], attribute) + signed)
    return sales


def _instructor_parts(
    sales: dict[uuid.UUID, _Sale], *, currency: str, since: datetime, until: datetime, only: uuid.UUID | None
) -> None:
    """Each instructor's part of each sale, from their earnings_held entries of the split and its reversals."""
    order_ids = [sale.order_id for sale in sales.values()]
    instructors = set(OrderShare.objects.filter(order_id__in=order_ids).values_list("instructor_id", flat=True))
    if only is not None:
        instructors &= {only}
    splits = set(sales)
    for instructor_id in sorted(instructors):
        held = finance.user_held_earnings_account(user_id=instructor_id, currency=currency)
        reversal_targets: dict[uuid.UUID, uuid.UUID] = {}
        for entry in entries(account_id=held.id, since=since, until=until):
            if entry.kind == SPLIT_KIND and entry.transfer_id in splits:
                split = entry.transfer_id
            elif entry.kind == REVERSAL_KIND:
                try:
                    split = reversal_targets.setdefault(entry.transfer_id, uuid.UUID(entry.reference))
                except ValueError:
                    continue
                if split not in splits:
                    continue
            else:
                continue
            signed = entry.amount.minor if entry.side == "credit" else -entry.amount.minor
            parts = sales[split].instructor_parts
            parts[instructor_id] = parts.get(instructor_id, 0) + signed


def _subscription_payments(*, currency: str, since: datetime, until: datetime) -> list[tuple[str, str, str, int, int]]:
    """(plan code, country, month, gross, refunds) per revenue:subscriptions entry in the period."""
    account_id = _existing_platform_account("revenue:subscriptions", currency)
    raw = list(entries(account_id=account_id, since=since, until=until))
    intent_of_transfer: dict[uuid.UUID, uuid.UUID] = {}
    for entry in raw:
        if entry.kind == "payment" and entry.reference.startswith("payment_intent:"):
            intent_of_transfer[entry.transfer_id] = uuid.UUID(entry.reference.split(":", 1)[1])
    for entry in raw:
        if entry.kind == REVERSAL_KIND:
            original_id = uuid.UUID(entry.reference)
            if original_id not in intent_of_transfer:
                original = finance.transfer_get(transfer_id=original_id)
                if original is not None and original.reference.startswith("payment_intent:"):
                    intent_of_transfer[original_id] = uuid.UUID(original.reference.split(":", 1)[1])
    charges = {
        intent_id: (code, country)
        for intent_id, code, country in SubscriptionCharge.objects.filter(
            payment_intent_id__in=list(intent_of_transfer.values())
        ).values_list("payment_intent_id", "subscription__plan__code", "subscription__country")
    }
    rows = []
    for entry in raw:
        transfer = entry.transfer_id if entry.kind == "payment" else uuid.UUID(entry.reference)
        intent = intent_of_transfer.get(transfer)
        code, country = charges.get(intent, ("", "")) if intent is not None else ("", "")
        month = entry.posted_at.strftime("%Y-%m")
        if entry.side == "credit":
            rows.append((code or "unknown", country or UNKNOWN_COUNTRY, month, entry.amount.minor, 0))
        else:
            rows.append((code or "unknown", country or UNKNOWN_COUNTRY, month, 0, entry.amount.minor))
    return rows


def _course_titles(course_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    titles = {}
    for course_id in course_ids:
        try:
            titles[course_id] = education.course_facts(course_id=course_id).title
        except CourseNotFound:
            titles[course_id] = str(course_id)
    return titles


def _sum_entries(account_id: uuid.UUID, *, since: datetime, until: datetime, side: str, kind: str | None) -> int:
    return sum(
        entry.amount.minor
        for entry in entries(account_id=account_id, since=since, until=until)
        if entry.side == side and (kind is None or entry.kind == kind)
    )


def _net_burned(*, since: datetime, until: datetime) -> int:
    """AZR burned in the period: credits of "burn" less the burns reversed (a plan's failed first charge)."""
    burn = finance.platform_account(code="burn", currency=AZR).id
    credited = _sum_entries(burn, since=since, until=until, side="credit", kind=None)
    return credited - _sum_entries(burn, since=since, until=until, side="debit", kind=None)


def _mrr(currency: str) -> Money:
    """Monthly recurring revenue of the paying live subscriptions now: a year's price counts a twelfth."""
    total = 0
    rows = Subscription.objects.filter(status__in=LIVE_PAYING, currency=currency).values_list(
        "interval", "unit_amount_minor", "seats"
    )
    for interval, unit, seats in rows:
        total += unit * seats // 12 if interval == "year" else unit * seats
    return Money(total, currency)


def _churn(*, since: datetime, until: datetime) -> tuple[int, int]:
    """(canceled in the period, live at its start): subscriptions that had started and not ended by `since`."""
    live_at_start = (
        Subscription.objects.filter(current_period_start__lt=since, created_at__lt=since)
        .exclude(status="incomplete")
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=since))
        .count()
    )
    churned = Subscription.objects.filter(ended_at__gte=since, ended_at__lt=until, created_at__lt=since).count()
    return churned, live_at_start


def revenue_report(
    *, viewer_id: uuid.UUID, group_by: str, start: date | None, end: date | None, currency: str
) -> RevenueReport:
    currency = currency.strip().upper()
    if group_by not in GROUPINGS:
        raise ReportInvalid(
            f"group_by is one of {', '.join(GROUPINGS)}.",
            extra={"errors": [{"field": "query.group_by", "message": f"One of {', '.join(GROUPINGS)}."}]},
        )
    if currency not in CURRENCY_EXPONENTS or currency == AZR:
        raise ReportInvalid(
            f"Unknown currency {currency!r}.",
            extra={"errors": [{"field": "query.currency", "message": "A fiat currency, e.g. ZAR."}]},
        )
    start, end = _period(start, end)
    since, until = _bounds(start, end)
    is_all = is_revenue_admin(user_id=viewer_id)
    only = None if is_all else viewer_id

    sales = _course_sales(currency=currency, since=since, until=until)
    _instructor_parts(sales, currency=currency, since=since, until=until, only=only)
    order_rows = {
        order_id: (course_id, country)
        for order_id, course_id, country in Order.objects.filter(
            id__in=[sale.order_id for sale in sales.values()]
        ).values_list("id", "course_id", "country")
    }
    if only is not None:
        sales = {split: sale for split, sale in sales.items() if only in sale.instructor_parts}
    subscriptions = _subscription_payments(currency=currency, since=since, until=until) if is_all else []

    groups: dict[str, _Acc] = {}
    totals = _Acc(label="Total")

    def add(
        key: str, label: str, *, sales_count: int, gross: int, refunds: int, fees: int, instr: int, plat: int
    ) -> None:
        acc = groups.setdefault(key, _Acc(label=label))
        for target in (acc, totals):
            target.sales += sales_count
            target.gross += gross
            target.refunds += refunds
            target.fees += fees
            target.instructor += instr
            target.platform += plat

    course_ids = {order_rows[sale.order_id][0] for sale in sales.values()} if group_by == "course" else set()
    titles = _course_titles(course_id for course_id in course_ids if course_id is not None)
    for sale in sales.values():
        course_id, country = order_rows[sale.order_id]
        count = 1 if sale.is_sale else 0
        if only is not None:
            # An instructor sees their own part; gross, fees and the platform's share of the sales they took part in.
            mine = sale.instructor_parts.get(only, 0)
            figures = {
                "gross": sale.gross,
                "refunds": sale.refunds,
                "fees": sale.fees,
                "instr": mine,
                "plat": sale.platform,
            }
        else:
            figures = {
                "gross": sale.gross,
                "refunds": sale.refunds,
                "fees": sale.fees,
                "instr": sale.instructors,
                "plat": sale.platform,
            }
        if group_by == "course":
            assert course_id is not None
            add(str(course_id), titles[course_id], sales_count=count, **figures)
        elif group_by == "instructor":
            if only is not None:
                add(str(only), str(only), sales_count=count, **figures)
                continue
            # Each co-instructor's row holds their part; the sale's gross, fees and platform share go to the row of
            # the instructor with the largest part (so that the rows add up to the totals).
            lead = (
                max(sale.instructor_parts.items(), key=lambda item: (item[1], str(item[0])))[0]
                if sale.instructor_parts
                else None
            )
            for instructor_id, part in sorted(sale.instructor_parts.items()):
                is_lead = instructor_id == lead
                add(
                    str(instructor_id),
                    str(instructor_id),
                    sales_count=count if is_lead else 0,
                    gross=sale.gross if is_lead else 0,
                    refunds=sale.refunds if is_lead else 0,
                    fees=sale.fees if is_lead else 0,
                    instr=part,
                    plat=sale.platform if is_lead else 0,
                )
        elif group_by == "plan":
            add("courses", "Course sales", sales_count=count, **figures)
        elif group_by == "country":
            code = country or UNKNOWN_COUNTRY
            add(code, code, sales_count=count, **figures)
        else:
            add(sale.month, sale.month, sales_count=count, **figures)
    for plan_code, country, month, gross, refunds in subscriptions:
        key = {"plan": plan_code, "country": country, "period": month}.get(group_by)
        if key is None:
            continue  # course and instructor reports hold course sales only
        add(
            key, key, sales_count=1 if gross else 0, gross=gross, refunds=refunds, fees=0, instr=0, plat=gross - refunds
        )

    course_net = sum(sale.gross - sale.refunds for sale in sales.values())
    subscription_net = sum(gross - refunds for _, _, _, gross, refunds in subscriptions)
    refunds = sum(sale.refunds for sale in sales.values()) + sum(row[4] for row in subscriptions)
    if is_all:
        payouts = _sum_entries(
            _existing_platform_account(f"payouts:{_payout_provider()}", currency),
            since=since, until=until, side="credit", kind="payout",
        )  # fmt: skip
        churned, live_at_start = _churn(since=since, until=until)
        summary = RevenueSummary(
            revenue=Money(course_net + subscription_net, currency),
            course_sales=Money(course_net, currency),
            subscription_revenue=Money(subscription_net, currency),
            refunds=Money(refunds, currency),
            payouts=Money(payouts, currency),
            mrr=_mrr(currency),
            churn_bp=churned * 10_000 // live_at_start if live_at_start else 0,
            churned=churned,
            live_at_start=live_at_start,
            azr_issued=Money(
                _sum_entries(
                    finance.platform_account(code="rewards_pool", currency=AZR).id,
                    since=since,
                    until=until,
                    side="debit",
                    kind="reward",
                ),
                AZR,
            ),
            azr_burned=Money(_net_burned(since=since, until=until), AZR),
        )
    else:
        earnings = finance.user_earnings_account(user_id=viewer_id, currency=currency)
        payouts = _sum_entries(earnings.id, since=since, until=until, side="debit", kind="payout")
        summary = RevenueSummary(
            revenue=Money(course_net, currency),
            course_sales=Money(course_net, currency),
            subscription_revenue=Money(0, currency),
            refunds=Money(refunds, currency),
            payouts=Money(payouts, currency),
            mrr=None,
            churn_bp=None,
            churned=None,
            live_at_start=None,
            azr_issued=None,
            azr_burned=None,
        )
    ordered = sorted(groups.items(), key=lambda item: item[0] if group_by == "period" else (-item[1].gross, item[0]))
    return RevenueReport(
        group_by=group_by,
        start=start,
        end=end,
        currency=currency,
        viewer_id=viewer_id,
        is_all=is_all,
        rows=tuple(acc.row(key, currency) for key, acc in ordered),
        totals=totals.row("total", currency),
        summary=summary,
    )


def _payout_provider() -> str:
    """Finance's payout provider (AZORA_PAYOUTS_PROVIDER), whose "payouts:<provider>" account pays instructors."""
    return str(getattr(settings, "AZORA_PAYOUTS_PROVIDER", "sandbox"))
