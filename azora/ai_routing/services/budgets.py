"""Monthly AI budgets per user, organisation and plan: reserve before a call, settle after, alert at 75% and 90%."""

from __future__ import annotations

import operator
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import reduce
from typing import Any

import structlog
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from azora.ai_routing.errors import BudgetExceeded, InvalidBudget
from azora.ai_routing.events import AiBudgetThresholdReached
from azora.ai_routing.metrics import AI_BUDGET_ALERTS
from azora.ai_routing.models import Budget, BudgetPeriod, BudgetReservation, BudgetScope
from azora.ai_routing.services import _pgbudgets
from azora.shared.compiled import CompiledQuery
from azora.shared.events import publish
from azora.shared.prepared import BoundInsert, insert_all

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


def _budgets_query(**subjects: str) -> QuerySet[Budget, Any]:
    """The budgets of the given scopes (`user`, `organisation`, `plan`: subject); CompiledQuery compiles one query per
    set of scopes given."""
    condition = reduce(operator.or_, (Q(scope=scope, subject=subject) for scope, subject in subjects.items()))
    ids: QuerySet[Budget, Any] = Budget.objects.filter(condition).order_by("pk").values("pk")
    return ids


# Every chat asks which budgets apply: compiled once per thread and shape (docs/ai-routing.md, "Performance").
_BUDGETS = CompiledQuery("budgets of a chat", _budgets_query)


def _subjects(*, user_id: uuid.UUID | None, organisation_id: uuid.UUID | None, plan: str) -> dict[str, str]:
    """The budget subjects of a chat by scope: its user, organisation and plan, those it has."""
    subjects = {
        BudgetScope.USER.value: str(user_id) if user_id else "",
        BudgetScope.ORGANISATION.value: str(organisation_id) if organisation_id else "",
        BudgetScope.PLAN.value: plan,
    }
    return {scope: subject for scope, subject in subjects.items() if subject}


def _budget_ids(subjects: dict[str, str]) -> list[uuid.UUID]:
    if not subjects:
        return []
    return [row["pk"] for row in _BUDGETS.run(**subjects)]


def _periods(budget_ids: Sequence[uuid.UUID], month: date, *, lock: bool) -> list[BudgetPeriod]:
    """The budgets' periods for `month` (created when missing), locked in primary-key order when `lock`."""
    rows = BudgetPeriod.objects.filter(budget__in=budget_ids, month=month).select_related("budget").order_by("pk")
    periods = list(rows.select_for_update(of=("self",)) if lock else rows)
    if len(periods) < len(budget_ids):
        present = {period.budget_id for period in periods}
        for budget_id in budget_ids:
            if budget_id not in present:
                BudgetPeriod.objects.get_or_create(budget_id=budget_id, month=month)
        periods = list(rows.select_for_update(of=("self",)) if lock else rows)
    return periods


def budget_reserve_fitting(
    *,
    user_id: uuid.UUID | None,
    organisation_id: uuid.UUID | None,
    plan: str,
    estimates: Sequence[tuple[str, int]],
    now: datetime | None = None,
    rows: Sequence[BoundInsert] = (),
) -> tuple[Reservation, tuple[str, ...], int | None]:
    """Hold the largest estimate among the candidates that fit every applicable budget, in one transaction.

    `estimates` is (candidate, estimated cost) in routing order. Returns the reservation, the fitting candidates in
    the same order and the headroom before the reservation (None when no budget applies); raises BudgetExceeded when
    no candidate fits.

    `rows`, INSERTs bound to their values (the chat's input decision record), are written whatever the answer, even
    when it is BudgetExceeded: in the reservation's statement on PostgreSQL's common path, on their own before it
    otherwise. Only a database error leaves them unwritten.
    """
    subjects = _subjects(user_id=user_id, organisation_id=organisation_id, plan=plan)
    everyone = tuple(name for name, _ in estimates)
    moment = now or timezone.now()
    month = month_of(moment)
    largest = max((cost for _, cost in estimates), default=0)
    if subjects and connection.vendor == "postgresql" and largest > 0:
        # The common case, every candidate fitting (or no budget applying), in one statement; anything else below.
        reserved = _pgbudgets.reserve_all(subjects=subjects, month=month, amount=largest, now=moment, rows=rows)
        rows = ()  # written by that statement, whatever it answered
        if reserved is not None:
            reservation_ids, period_ids, headroom = reserved
            if not period_ids:
                return Reservation(amount_micros=0), everyone, None
            reservation = Reservation(amount_micros=largest, reservation_ids=reservation_ids, period_ids=period_ids)
            return reservation, everyone, headroom
    insert_all(connection, rows)
    budget_ids = _budget_ids(subjects)
    if not budget_ids:
        return Reservation(amount_micros=0), everyone, None
    with transaction.atomic():
        periods = _periods(budget_ids, month, lock=True)
        headroom = min(p.budget.limit_micros - p.spent_micros - p.reserved_micros for p in periods)
        fitting = [(name, cost) for name, cost in estimates if cost <= headroom]
        if not fitting:
            raise BudgetExceeded(extra={"remaining_micros": max(headroom, 0), "currency": periods[0].budget.currency})
        amount = max(cost for _, cost in fitting)
        names = tuple(name for name, _ in fitting)
        if amount == 0:
            return Reservation(amount_micros=0, period_ids=tuple(p.pk for p in periods)), names, headroom
        created = BudgetReservation.objects.bulk_create(
            [BudgetReservation(period=period, amount_micros=amount) for period in periods]
        )
        BudgetPeriod.objects.filter(pk__in=[p.pk for p in periods]).update(
            reserved_micros=F("reserved_micros") + amount
        )
    reservation = Reservation(
        amount_micros=amount, reservation_ids=tuple(row.pk for row in created), period_ids=tuple(p.pk for p in periods)
    )
    return reservation, names, headroom


def budget_settle(
    *, reservation: Reservation, cost_micros: int, alert_percents: Sequence[int], rows: Sequence[BoundInsert] = ()
) -> None:
    """Release the reservation and charge the real cost; publish crossed alerts.

    `rows`, INSERTs bound to their values (the chat's output decision and usage records), are written with the
    settlement: in its statement on PostgreSQL's common path (one round trip for all), in its transaction otherwise.
    """
    if not reservation.period_ids:
        insert_all(connection, rows)
        return
    if connection.vendor == "postgresql":
        quiet = _pgbudgets.settle_quietly(
            period_ids=reservation.period_ids,
            reservation_ids=reservation.reservation_ids,
            reserved=reservation.amount_micros,
            cost=cost_micros,
            alert_percents=alert_percents,
            now=timezone.now(),
            rows=rows,
        )
        if quiet:
            return
        rows = ()  # written by that statement, which left the budgets to the path below
    with transaction.atomic(savepoint=False):
        insert_all(connection, rows)
        _settle_through_orm(reservation=reservation, cost_micros=cost_micros, alert_percents=alert_percents)


def _settle_through_orm(*, reservation: Reservation, cost_micros: int, alert_percents: Sequence[int]) -> None:
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
