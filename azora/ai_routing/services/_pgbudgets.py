"""The budgets' common case on PostgreSQL in one statement each: reserve (reading which budgets apply) when every
estimate fits, settle when no alert threshold is crossed (docs/ai-routing.md, "Performance").

`budgets.py` does the same work with the ORM in five and six statements and runs everywhere; it stays the path for
everything else (a period not created yet, a candidate that does not fit, an exhausted budget, an alert to publish),
so each statement here writes nothing unless its case is the plain one, and says so. Both lock the periods in id
order, as the ORM path does. The statements are prepared once per connection (azora/shared/prepared.py), which is
why every placeholder is typed.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime

from django.db import connection

from azora.shared.ids import uuid7
from azora.shared.prepared import BoundInsert, prepared_cursor, with_rows

# Finds the budgets that apply (scope, subject pairs) and locks their periods of the month; only if there is one
# period per budget and the amount fits the smallest headroom, inserts one reservation per period and adds the
# amount to each period's reserved total. Also answers how many budgets apply (0: nothing to reserve).
_RESERVE_SQL = (
    "WITH b AS MATERIALIZED (SELECT id, limit_micros FROM ai_routing_budget "
    "WHERE (scope, subject) IN (SELECT * FROM unnest(%s::text[], %s::text[]))), "
    "p AS MATERIALIZED (SELECT bp.id, b.limit_micros - bp.spent_micros - bp.reserved_micros AS headroom "
    "FROM ai_routing_budgetperiod bp JOIN b ON b.id = bp.budget_id "
    "WHERE bp.month = %s::date ORDER BY bp.id FOR UPDATE OF bp), "
    "ok AS MATERIALIZED (SELECT (SELECT count(*) FROM b) AS budgets, (SELECT count(*) FROM b) > 0 "
    "AND (SELECT count(*) FROM p) = (SELECT count(*) FROM b) AND (SELECT min(headroom) FROM p) >= %s::bigint AS go), "
    "n AS (SELECT id, row_number() OVER (ORDER BY id) AS i FROM p), "
    "r AS (INSERT INTO ai_routing_budgetreservation (id, period_id, amount_micros, created_at) "
    "SELECT (%s::uuid[])[n.i], n.id, %s::bigint, %s::timestamptz FROM n, ok WHERE ok.go), "
    "u AS (UPDATE ai_routing_budgetperiod bp SET reserved_micros = bp.reserved_micros + %s::bigint "
    "FROM ok WHERE ok.go AND bp.id IN (SELECT id FROM p)) "
    "SELECT ok.go, ok.budgets, (SELECT array_agg(id ORDER BY id) FROM p), (SELECT min(headroom) FROM p) FROM ok"
)

# Locks the periods, and only if none of them crosses an alert threshold it has not reached yet: deletes the
# reservations and moves the reserved amount to what was spent.
_SETTLE_SQL = (
    "WITH p AS MATERIALIZED (SELECT bp.id, bp.alerted_percent, bp.spent_micros, b.limit_micros "
    "FROM ai_routing_budgetperiod bp JOIN ai_routing_budget b ON b.id = bp.budget_id "
    "WHERE bp.id = ANY(%s::uuid[]) ORDER BY bp.id FOR UPDATE OF bp), "
    "ok AS MATERIALIZED (SELECT NOT EXISTS (SELECT 1 FROM p, unnest(%s::bigint[]) AS a(percent) "
    "WHERE p.alerted_percent < a.percent AND (p.spent_micros + %s::bigint) * 100 >= p.limit_micros * a.percent) "
    "AS go), "
    "d AS (DELETE FROM ai_routing_budgetreservation WHERE id = ANY(%s::uuid[]) AND (SELECT go FROM ok)), "
    "u AS (UPDATE ai_routing_budgetperiod bp SET reserved_micros = greatest(bp.reserved_micros - %s::bigint, 0), "
    "spent_micros = bp.spent_micros + %s::bigint, updated_at = %s::timestamptz "
    "FROM ok WHERE ok.go AND bp.id IN (SELECT id FROM p)) "
    "SELECT go FROM ok"
)


# A chat has at most one budget per scope (user, organisation, plan).
_MOST_BUDGETS = 3


def reserve_all(
    *, subjects: Mapping[str, str], month: date, amount: int, now: datetime, rows: Sequence[BoundInsert] = ()
) -> tuple[tuple[uuid.UUID, ...], tuple[uuid.UUID, ...], int | None] | None:
    """Reserves `amount` on the period of `month` of every budget of `subjects` (scope: subject) when all of them
    exist and it fits each; returns (reservation ids, period ids, the smallest headroom before it), in period
    order, or ((), (), None) when no budget applies. None, having written nothing of the budgets, otherwise.

    `rows` (the chat's input decision record) are written by the same statement whatever the answer."""
    reservation_ids = [uuid7() for _ in range(_MOST_BUDGETS)]
    params = [
        list(subjects), list(subjects.values()), month, amount,
        reservation_ids, amount, now,
        amount,
    ]  # fmt: skip
    sql, params = with_rows(rows, _RESERVE_SQL, params)
    with prepared_cursor(connection) as cursor:
        cursor.execute(sql, params)
        go, budgets, period_ids, headroom = cursor.fetchone()
    for row in rows:
        row.written()
    if not budgets:
        return (), (), None
    if not go:
        return None
    return tuple(reservation_ids[: len(period_ids)]), tuple(period_ids), int(headroom)


def settle_quietly(
    *,
    period_ids: Sequence[uuid.UUID],
    reservation_ids: Sequence[uuid.UUID],
    reserved: int,
    cost: int,
    alert_percents: Sequence[int],
    now: datetime,
    rows: Sequence[BoundInsert] = (),
) -> bool:
    """Releases the reservation and charges `cost` when no period crosses an alert threshold; False, having written
    nothing of the budgets, when one would (the caller then settles through the ORM, which publishes the alert).

    `rows` (the chat's output decision and usage records) are written by the same statement whatever the answer:
    one round trip, and the periods' locks are held for no other."""
    sql, params = _SETTLE_SQL, [
        list(period_ids), list(alert_percents), cost,
        list(reservation_ids),
        reserved, cost, now,
    ]  # fmt: skip
    sql, params = with_rows(rows, sql, params)
    with prepared_cursor(connection) as cursor:
        cursor.execute(sql, params)
        answer = cursor.fetchone()
    for row in rows:
        row.written()
    return bool(answer[0])
