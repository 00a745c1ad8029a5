"""The budgets' one-statement common case on PostgreSQL: what it writes equals the ORM path's, and it writes nothing
(leaving the case to the ORM path) when a period is missing, a candidate does not fit or an alert is due; the
reservation writes the guard's input record and the settlement the output decision and usage records in their own
statements, whichever path reserves or settles, each row once and its after-write work run once."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from azora.ai_routing.errors import BudgetExceeded
from azora.ai_routing.models import BudgetPeriod, BudgetReservation, Usage
from azora.ai_routing.services import _pgbudgets
from azora.ai_routing.services.budgets import (
    Reservation,
    budget_put,
    budget_reserve_fitting,
    budget_settle,
    month_of,
)
from azora.shared.models import OutboxEvent
from azora.shared.prepared import BoundInsert, PreparedInsert
from azora.shared.testing.queries import statement_kinds

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

USER = uuid.UUID("0190a000-0000-7000-8000-0000000000b1")
ORGANISATION = uuid.UUID("0190a000-0000-7000-8000-0000000000b2")
ESTIMATES = [("a", 300), ("b", 120)]


def _budgets_with_periods(spent: int = 0) -> list[uuid.UUID]:
    month = month_of(timezone.now())
    budgets = [
        budget_put(scope="user", subject=str(USER), limit_micros=1_000, currency="USD"),
        budget_put(scope="organisation", subject=str(ORGANISATION), limit_micros=5_000, currency="USD"),
        budget_put(scope="plan", subject="pro", limit_micros=2_000, currency="USD"),
    ]
    return [BudgetPeriod.objects.create(budget=b, month=month, spent_micros=spent).id for b in budgets]


def _reserve() -> tuple[Reservation, tuple[str, ...], int | None]:
    return budget_reserve_fitting(user_id=USER, organisation_id=ORGANISATION, plan="pro", estimates=ESTIMATES)


def _state() -> list[tuple[int, int, list[int]]]:
    return [
        (p.spent_micros, p.reserved_micros, sorted(r.amount_micros for r in p.reservations.all()))
        for p in BudgetPeriod.objects.order_by("budget__scope")
    ]


def test_when_every_candidate_fits_the_reservation_is_one_statement_on_every_period() -> None:
    period_ids = _budgets_with_periods()

    with CaptureQueriesContext(connection) as captured:
        reservation, fitting, headroom = _reserve()

    assert statement_kinds(captured) == ["WITH"]  # the budgets that apply are read in the reservation's statement
    assert (fitting, headroom) == (("a", "b"), 1_000)
    assert reservation.amount_micros == 300
    assert reservation.period_ids == tuple(sorted(period_ids))
    assert sorted(reservation.reservation_ids) == sorted(BudgetReservation.objects.values_list("id", flat=True))
    assert _state() == [(0, 300, [300]), (0, 300, [300]), (0, 300, [300])]


def test_the_one_statement_writes_what_the_orm_path_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    _budgets_with_periods()
    fast, fast_fitting, fast_headroom = _reserve()
    fast_state = _state()
    BudgetReservation.objects.all().delete()
    BudgetPeriod.objects.update(reserved_micros=0)

    monkeypatch.setattr(_pgbudgets, "reserve_all", lambda **_: None)
    orm, orm_fitting, orm_headroom = _reserve()

    assert (fast_fitting, fast_headroom, fast.amount_micros) == (orm_fitting, orm_headroom, orm.amount_micros)
    assert fast.period_ids == orm.period_ids
    assert fast_state == _state()


def test_when_no_budget_applies_the_one_statement_reserves_nothing_and_says_so() -> None:
    _budgets_with_periods()
    before = _state()

    with CaptureQueriesContext(connection) as captured:
        reservation, fitting, headroom = budget_reserve_fitting(
            user_id=uuid.uuid4(), organisation_id=None, plan="free", estimates=ESTIMATES
        )

    assert statement_kinds(captured) == ["WITH"]
    assert (reservation, fitting, headroom) == (Reservation(amount_micros=0), ("a", "b"), None)
    assert _state() == before
    assert BudgetReservation.objects.count() == 0


def test_a_month_without_periods_yet_is_left_to_the_orm_path_which_creates_them() -> None:
    budget = budget_put(scope="user", subject=str(USER), limit_micros=1_000, currency="USD")
    month = month_of(timezone.now())

    assert budget.subject == str(USER)
    missing = _pgbudgets.reserve_all(subjects={"user": str(USER)}, month=month, amount=300, now=timezone.now())
    assert missing is None
    assert (BudgetPeriod.objects.count(), BudgetReservation.objects.count()) == (0, 0)

    reservation, fitting, headroom = budget_reserve_fitting(
        user_id=USER, organisation_id=None, plan="", estimates=ESTIMATES
    )
    assert (reservation.amount_micros, fitting, headroom) == (300, ("a", "b"), 1_000)
    assert _state() == [(0, 300, [300])]


def test_a_candidate_over_the_headroom_leaves_the_choice_to_the_orm_path() -> None:
    period_ids = _budgets_with_periods(spent=800)  # the user's budget has 200 left: only "b" fits
    before = _state()

    assert (
        _pgbudgets.reserve_all(
            subjects={"user": str(USER), "organisation": str(ORGANISATION), "plan": "pro"},
            month=month_of(timezone.now()),
            amount=300,
            now=timezone.now(),
        )
        is None
    )
    assert _state() == before

    reservation, fitting, headroom = _reserve()
    assert (reservation.amount_micros, fitting, headroom) == (120, ("b",), 200)
    assert len(period_ids) == 3
    assert [reserved for _, reserved, _ in _state()] == [120, 120, 120]


def test_settling_without_an_alert_due_is_one_statement() -> None:
    _budgets_with_periods()
    reservation, _, _ = _reserve()

    with CaptureQueriesContext(connection) as captured:
        budget_settle(reservation=reservation, cost_micros=250, alert_percents=(75, 90))

    assert statement_kinds(captured) == ["WITH"]
    assert _state() == [(250, 0, []), (250, 0, []), (250, 0, [])]
    assert BudgetPeriod.objects.filter(alerted_percent=0).count() == 3


def test_settling_that_crosses_a_threshold_writes_nothing_itself_and_the_orm_path_alerts_once() -> None:
    _budgets_with_periods(spent=500)  # the user's budget: 500 of 1,000
    reservation, _, _ = _reserve()
    before = _state()

    quiet = _pgbudgets.settle_quietly(
        period_ids=reservation.period_ids,
        reservation_ids=reservation.reservation_ids,
        reserved=300,
        cost=300,
        alert_percents=(75, 90),
        now=timezone.now(),
    )
    assert quiet is False
    assert _state() == before

    budget_settle(reservation=reservation, cost_micros=300, alert_percents=(75, 90))
    assert _state() == [(800, 0, []), (800, 0, []), (800, 0, [])]
    events = OutboxEvent.objects.filter(event_type="ai_routing.budget_threshold_reached")
    assert [(e.payload["scope"], e.payload["percent"]) for e in events] == [("user", 75)]


def _usage_row(tokens_in: int, written: list[int] | None = None) -> BoundInsert:
    row = PreparedInsert(Usage).bind(connection, user_id=USER, currency="USD", outcome="ok", tokens_in=tokens_in)
    if written is None:
        return row
    return dataclasses.replace(row, after_write=lambda: written.append(tokens_in))


def test_the_usage_record_goes_in_the_settlements_one_statement() -> None:
    _budgets_with_periods()
    reservation, _, _ = _reserve()
    written: list[int] = []
    first, row = _usage_row(6, written), _usage_row(7, written)

    with CaptureQueriesContext(connection) as captured:
        budget_settle(reservation=reservation, cost_micros=250, alert_percents=(75, 90), rows=(first, row))

    assert statement_kinds(captured) == ["WITH"]
    assert sorted(Usage.objects.values_list("id", "user_id", "tokens_in")) == [(first.pk, USER, 6), (row.pk, USER, 7)]
    assert written == [6, 7]
    assert _state() == [(250, 0, []), (250, 0, []), (250, 0, [])]


def test_the_input_record_goes_in_the_reservations_one_statement() -> None:
    _budgets_with_periods()
    written: list[int] = []
    row = _usage_row(5, written)

    with CaptureQueriesContext(connection) as captured:
        reservation, fitting, _ = budget_reserve_fitting(
            user_id=USER, organisation_id=ORGANISATION, plan="pro", estimates=ESTIMATES, rows=(row,)
        )

    assert statement_kinds(captured) == ["WITH"]
    assert (reservation.amount_micros, fitting) == (300, ("a", "b"))
    assert list(Usage.objects.values_list("id", "tokens_in")) == [(row.pk, 5)]
    assert written == [5]
    assert _state() == [(0, 300, [300]), (0, 300, [300]), (0, 300, [300])]


def test_a_refused_reservation_still_writes_the_input_record_once() -> None:
    _budgets_with_periods(spent=1_000)  # the user's budget is spent: nothing fits
    before = _state()
    written: list[int] = []
    row = _usage_row(4, written)

    with pytest.raises(BudgetExceeded):
        budget_reserve_fitting(user_id=USER, organisation_id=ORGANISATION, plan="pro", estimates=ESTIMATES, rows=(row,))

    assert list(Usage.objects.values_list("id", "tokens_in")) == [(row.pk, 4)]
    assert written == [4]
    assert _state() == before


def test_with_no_budget_to_reserve_on_the_input_record_is_written_alone() -> None:
    written: list[int] = []
    row = _usage_row(2, written)

    with CaptureQueriesContext(connection) as captured:
        reservation, _, headroom = budget_reserve_fitting(
            user_id=None, organisation_id=None, plan="", estimates=ESTIMATES, rows=(row,)
        )

    assert statement_kinds(captured) == ["INSERT"]
    assert (reservation, headroom) == (Reservation(amount_micros=0), None)
    assert list(Usage.objects.values_list("id", "tokens_in")) == [(row.pk, 2)]
    assert written == [2]


def test_a_settlement_left_to_the_orm_path_still_writes_the_usage_record_once() -> None:
    _budgets_with_periods(spent=500)  # the 75% alert of the user's budget is due
    reservation, _, _ = _reserve()
    row = _usage_row(9)

    budget_settle(reservation=reservation, cost_micros=300, alert_percents=(75, 90), rows=(row,))

    assert list(Usage.objects.values_list("id", "tokens_in")) == [(row.pk, 9)]
    assert _state() == [(800, 0, []), (800, 0, []), (800, 0, [])]
    events = OutboxEvent.objects.filter(event_type="ai_routing.budget_threshold_reached")
    assert [(e.payload["scope"], e.payload["percent"]) for e in events] == [("user", 75)]


def test_with_no_budget_to_settle_the_usage_record_is_written_alone() -> None:
    row = _usage_row(3)

    with CaptureQueriesContext(connection) as captured:
        budget_settle(reservation=Reservation(amount_micros=0), cost_micros=40, alert_percents=(75, 90), rows=(row,))

    assert statement_kinds(captured) == ["INSERT"]
    assert list(Usage.objects.values_list("id", "cost_micros")) == [(row.pk, 0)]
