"""Monthly AI budgets per user, organisation and plan: reserve before a call, settle after, alert at 75% and 90%."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import structlog
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from azora.ai_routing.errors import BudgetExceeded, InvalidBudget
from azora.ai_routing.events import AiBudgetThresholdReached
from azora.ai_routing.metrics import AI_BUDGET_ALERTS
from azora.ai_routing.models import Budget, BudgetPeriod, BudgetReservation, BudgetScope
from azora.shared.events import publish

logger = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Reservation:
    """What a call holds on each budget period; empty when no budget applies or nothing was reserved."""

    amount_micros: int
    reservation_ids: tuple[uuid.UUID, ...] = ()
    period_ids: tuple[uuid.UUID, ...] = ()


EMPTY_RESERVATION = Reservation(amount_micros=0)


def month_of(moment: datetime) -> date:
    return moment.astimezone(UTC).date().replace(day=1)


def _subjects(*, user_id: uuid.UUID | None, organisation_id: uuid.UUID | None, plan: str) -> Q | None:
    condition: Q | None = None
    for scope, subject in (
        (BudgetScope.USER, str(user_id) if user_id else ""),
        (BudgetScope.ORGANISATION, str(organisation_id) if organisation_id else ""),
        (BudgetScope.PLAN, plan),
    ):
        if subject:
            clause = Q(scope=scope, subject=subject)
            condition = clause if condition is None else condition | clause
    return condition


def _budgets(*, user_id: uuid.UUID | None, organisation_id: uuid.UUID | None, plan: str) -> list[Budget]:
    condition = _subjects(user_id=user_id, organisation_id=organisation_id, plan=plan)
    if condition is None:
        return []
    return list(Budget.objects.filter(condition).order_by("pk"))


def _periods(budgets: Sequence[Budget], month: date, *, lock: bool) -> list[BudgetPeriod]:
    for budget in budgets:
        BudgetPeriod.objects.get_or_create(budget=budget, month=month)
    rows = BudgetPeriod.objects.filter(budget__in=budgets, month=month).select_related("budget").order_by("pk")
    return list(rows.select_for_update(of=("self",)) if lock else rows)


def budget_headroom(
    *, user_id: uuid.UUID | None, organisation_id: uuid.UUID | None, plan: str, now: datetime | None = None
) -> int | None:
    """The most a call may reserve now (the tightest budget's limit - spent - reserved); None when none applies."""
    budgets = _budgets(user_id=user_id, organisation_id=organisation_id, plan=plan)
    if not budgets:
        return None
    month = month_of(now or timezone.now())
    spent = {
        p.budget_id: p.spent_micros + p.reserved_micros
        for p in BudgetPeriod.objects.filter(budget__in=budgets, month=month)
    }
    return min(budget.limit_micros - spent.get(budget.pk, 0) for budget in budgets)


def budget_reserve(
    *,
    user_id: uuid.UUID | None,
    organisation_id: uuid.UUID | None,
    plan: str,
    amount_micros: int,
    now: datetime | None = None,
) -> Reservation:
    """Hold `amount_micros` on every applicable budget's month, or raise BudgetExceeded and hold nothing."""
    budgets = _budgets(user_id=user_id, organisation_id=organisation_id, plan=plan)
    if not budgets:
        return Reservation(amount_micros=0)
    month = month_of(now or timezone.now())
    with transaction.atomic():
        periods = _periods(budgets, month, lock=True)
        for period in periods:
            if period.spent_micros + period.reserved_micros + amount_micros > period.budget.limit_micros:
                raise BudgetExceeded(
                    extra={
                        "scope": period.budget.scope,
                        "limit_micros": period.budget.limit_micros,
                        "spent_micros": period.spent_micros,
                        "reserved_micros": period.reserved_micros,
                        "currency": period.budget.currency,
                    }
                )
        if amount_micros == 0:
            return Reservation(amount_micros=0, period_ids=tuple(p.pk for p in periods))
        rows = BudgetReservation.objects.bulk_create(
            [BudgetReservation(period=period, amount_micros=amount_micros) for period in periods]
        )
        BudgetPeriod.objects.filter(pk__in=[p.pk for p in periods]).update(
            reserved_micros=F("reserved_micros") + amount_micros
        )
    return Reservation(
        amount_micros=amount_micros,
        reservation_ids=tuple(row.pk for row in rows),
        period_ids=tuple(p.pk for p in periods),
    )


def budget_settle(*, reservation: Reservation, cost_micros: int, alert_percents: Sequence[int]) -> None:
    """Release the reservation and charge the real cost (inside the caller's transaction); publish crossed alerts."""
    if not reservation.period_ids:
        return
    periods = list(
        BudgetPeriod.objects.filter(pk__in=reservation.period_ids)
        .select_related("budget")
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    if reservation.reservation_ids:
        BudgetReservation.objects.filter(pk__in=reservation.reservation_ids).delete()
    for period in periods:
        period.reserved_micros = max(period.reserved_micros - reservation.amount_micros, 0)
        period.spent_micros += cost_micros
        crossed = [
            percent
            for percent in sorted(alert_percents)
            if period.alerted_percent < percent and period.spent_micros * 100 >= period.budget.limit_micros * percent
        ]
        if crossed:
            period.alerted_percent = crossed[-1]
            budget = period.budget
            for percent in crossed:
                publish(
                    AiBudgetThresholdReached(
                        scope=budget.scope,
                        subject=budget.subject,
                        month=period.month,
                        percent=percent,
                        spent_micros=period.spent_micros,
                        limit_micros=budget.limit_micros,
                        currency=budget.currency,
                    )
                )
                AI_BUDGET_ALERTS.labels(scope=budget.scope, percent=str(percent)).inc()
                logger.warning(
                    "ai_budget_threshold_reached",
                    scope=budget.scope,
                    subject=budget.subject,
                    percent=percent,
                    spent_micros=period.spent_micros,
                    limit_micros=budget.limit_micros,
                )
        period.save(update_fields=["reserved_micros", "spent_micros", "alerted_percent", "updated_at"])


def budget_put(*, scope: str, subject: str, limit_micros: int, currency: str) -> Budget:
    """Create or change the budget of (scope, subject)."""
    if scope not in BudgetScope.values:
        raise InvalidBudget(extra={"field": "scope"})
    if not subject.strip():
        raise InvalidBudget(extra={"field": "subject"})
    if scope in (BudgetScope.USER, BudgetScope.ORGANISATION):
        try:
            subject = str(uuid.UUID(subject))
        except ValueError as error:
            detail = "A user or organisation budget's subject is its id."
            raise InvalidBudget(detail, extra={"field": "subject"}) from error
    if limit_micros < 0:
        raise InvalidBudget(extra={"field": "limit_micros"})
    budget, _ = Budget.objects.update_or_create(
        scope=scope, subject=subject, defaults={"limit_micros": limit_micros, "currency": currency}
    )
    return budget


def reservations_release_stale(*, older_than: datetime) -> int:
    """Give back what crashed calls still hold (a reservation outlives its call only if the process died)."""
    released = 0
    with transaction.atomic():
        stale = list(BudgetReservation.objects.filter(created_at__lt=older_than).select_for_update().order_by("pk"))
        for reservation in stale:
            BudgetPeriod.objects.filter(pk=reservation.period_id).update(
                reserved_micros=F("reserved_micros") - reservation.amount_micros
            )
            reservation.delete()
            released += 1
    return released
