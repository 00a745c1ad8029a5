"""Reads of orders, course revenue splits and instructors' earnings (owner-scoped; admins see all)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db.models import Prefetch, Q

import azora.accounts.public as accounts
import azora.education.public as education
import azora.finance.public as finance
from azora.education.errors import CourseNotFound
from azora.revenue.models import CourseRevenueSplit, Order, OrderShare
from azora.revenue.public.checkout import (
    EarningsBalance,
    EarningsView,
    OrderNotFound,
    OrderShareView,
    OrderView,
    RevenueSplitView,
    SaleLine,
)
from azora.revenue.splits import BASIS_POINTS
from azora.shared.money import Money

AZR = "AZR"
ADMIN_ROLES = frozenset({"finance_admin", "platform_admin"})
PAYOUTS_URL = "/api/v1/payouts"
PAYOUT_KINDS = frozenset({"payout"})
MAX_SALES = 100


def is_revenue_admin(*, user_id: uuid.UUID) -> bool:
    return not accounts.platform_roles_of(user_id=user_id).isdisjoint(ADMIN_ROLES)


def _orders() -> Iterable[Order]:
    return Order.objects.select_related("coupon", "plan").prefetch_related(
        Prefetch("shares", queryset=OrderShare.objects.order_by("pk"))
    )


def order_view(order: Order) -> OrderView:
    currency = order.currency
    return OrderView(
        id=order.id,
        buyer_id=order.buyer_id,
        item="course" if order.item == "course" else "plan",
        course_id=order.course_id,
        plan_code=order.plan.code if order.plan is not None else None,
        status=order.status,
        currency=currency,
        country=order.country,
        list_amount=Money(order.list_amount_minor, currency),
        coupon_code=order.coupon.code if order.coupon is not None else None,
        coupon_discount=Money(order.coupon_discount_minor, currency),
        student_discount=Money(order.student_discount_minor, currency),
        azr_redeemed=Money(order.azr_redeemed_minor, AZR),
        azr_discount=Money(order.azr_discount_minor, currency),
        total=Money(order.total_minor, currency),
        fee=Money(order.fee_minor, currency),
        refunded=Money(order.refunded_minor, currency),
        seller_id=order.seller_id,
        seller_share_bp=order.seller_share_bp,
        payment_intent_id=order.payment_intent_id,
        split_transfer_id=order.split_transfer_id,
        release_at=order.release_at,
        release_transfer_id=order.release_transfer_id,
        paid_at=order.paid_at,
        created_at=order.created_at,
        shares=tuple(_share_view(share, currency) for share in order.shares.all()),
    )


def _share_view(share: OrderShare, currency: str) -> OrderShareView:
    return OrderShareView(
        instructor_id=share.instructor_id,
        amount=Money(share.amount_minor, currency),
        refunded=Money(share.refunded_minor, currency),
    )


def order_get(*, order_id: uuid.UUID, viewer_id: uuid.UUID) -> OrderView:
    order = Order.objects.select_related("coupon", "plan").filter(pk=order_id).first()
    if order is None:
        raise OrderNotFound()
    may_view = (
        order.buyer_id == viewer_id
        or order.shares.filter(instructor_id=viewer_id).exists()
        or is_revenue_admin(user_id=viewer_id)
    )
    if not may_view:
        raise OrderNotFound()
    return order_view(order)


def orders_of(*, user_id: uuid.UUID, limit: int = 50) -> list[OrderView]:
    rows = Order.objects.select_related("coupon", "plan").prefetch_related(
        Prefetch("shares", queryset=OrderShare.objects.order_by("pk"))
    )
    return [order_view(order) for order in rows.filter(buyer_id=user_id).order_by("-id")[: max(1, min(limit, 100))]]


def course_revenue_split_get(*, course_id: uuid.UUID) -> RevenueSplitView:
    rows = tuple(
        CourseRevenueSplit.objects.filter(course_id=course_id)
        .order_by("instructor_id")
        .values_list("instructor_id", "share_bp")
    )
    if rows:
        return RevenueSplitView(course_id=course_id, shares=rows, is_default=False)
    facts = education.course_facts(course_id=course_id)
    return RevenueSplitView(course_id=course_id, shares=((facts.created_by_id, BASIS_POINTS),), is_default=True)


def may_view_course_split(*, user_id: uuid.UUID, course_id: uuid.UUID) -> bool:
    """The course's instructors and revenue admins see its split."""
    facts = education.course_facts(course_id=course_id)
    return user_id in facts.instructor_ids or is_revenue_admin(user_id=user_id)


def _paid_out(*, user_id: uuid.UUID, currency: str, earnings_id: uuid.UUID) -> Money:
    """Paid out = every posted payout debit of the earnings account (HP's payouts post kind "payout")."""
    total = 0
    cursor: str | None = None
    while True:
        page = finance.account_entries(account_id=earnings_id, kind="payout", cursor=cursor, limit=100)
        total += sum(entry.amount.minor for entry in page.items if entry.side == "debit" and entry.status == "posted")
        total -= sum(entry.amount.minor for entry in page.items if entry.side == "credit" and entry.status == "posted")
        if page.next_cursor is None:
            return Money(total, currency)
        cursor = page.next_cursor


def earnings_of(*, user_id: uuid.UUID, limit: int = 20) -> EarningsView:
    accounts_by_code: dict[tuple[str, str], uuid.UUID] = {}
    for account in finance.accounts_of_user(user_id=user_id):
        if account.code in {"earnings", "earnings_held", "earnings_owed"}:
            accounts_by_code[(account.code, account.currency)] = account.id
    currencies = sorted({currency for _, currency in accounts_by_code})
    balances = finance.balances(account_ids=list(accounts_by_code.values()))

    def posted(code: str, currency: str, *, available: bool = False) -> Money:
        account_id = accounts_by_code.get((code, currency))
        view = balances.get(account_id) if account_id is not None else None
        if view is None:
            return Money.zero(currency)
        return view.available if available else view.posted

    lines = []
    for currency in currencies:
        earnings_id = accounts_by_code.get(("earnings", currency))
        paid_out = (
            _paid_out(user_id=user_id, currency=currency, earnings_id=earnings_id)
            if earnings_id is not None
            else Money.zero(currency)
        )
        lines.append(
            EarningsBalance(
                currency=currency,
                held=posted("earnings_held", currency),
                # What may be paid out now: a payout being paid holds its amount (finance's pending transfer).
                released=posted("earnings", currency, available=True),
                paid_out=paid_out,
                owed=owed if (owed := posted("earnings_owed", currency)).minor > 0 else None,
            )
        )
    return EarningsView(
        user_id=user_id,
        balances=tuple(lines),
        recent_sales=tuple(_recent_sales(user_id=user_id, limit=limit)),
        payouts_url=PAYOUTS_URL,
    )


def _recent_sales(*, user_id: uuid.UUID, limit: int) -> list[SaleLine]:
    orders = list(
        Order.objects.filter(Q(shares__instructor_id=user_id), split_transfer_id__isnull=False)
        .prefetch_related(Prefetch("shares", queryset=OrderShare.objects.order_by("pk")))
        .order_by("-paid_at", "-id")[: max(1, min(limit, MAX_SALES))]
    )
    titles: dict[uuid.UUID, str] = {}
    sales = []
    for order in orders:
        assert order.course_id is not None
        if order.course_id not in titles:
            try:
                titles[order.course_id] = education.course_facts(course_id=order.course_id).title
            except CourseNotFound:
                titles[order.course_id] = ""
        currency = order.currency
        shares = tuple(_share_view(share, currency) for share in order.shares.all())
        mine = sum(line.amount.minor - line.refunded.minor for line in shares if line.instructor_id == user_id)
        sales.append(
            SaleLine(
                order_id=order.id,
                course_id=order.course_id,
                course_title=titles[order.course_id],
                status=order.status,
                paid_at=order.paid_at,
                release_at=order.release_at,
                is_released=order.release_transfer_id is not None,
                total=Money(order.total_minor, currency),
                fee=Money(order.fee_minor, currency),
                refunded=Money(order.refunded_minor, currency),
                my_share=Money(mine, currency),
                lines=shares,
            )
        )
    return sales
