"""The ledger's write path on PostgreSQL: a new transfer in ONE statement (docs/decisions/0013).

The portable ORM path in `services.py` does the same work in seven statements and runs everywhere (SQLite); this
one is chosen on PostgreSQL because a transfer is the ledger's hot path (docs/performance.md, "Money").

`post_transfer` sends data-modifying CTEs that lock the accounts `FOR UPDATE` ordered by id (the fixed order
that rules out deadlocks; `LockRows` runs above the sort), read the fingerprint of a transfer with the caller's
id (the idempotency read, folded in), check currencies and the no-forbidden-negative rule on the locked rows,
and only if all passed insert the transfer (`ON CONFLICT (id) DO NOTHING`: a duplicate committed concurrently
leaves nothing written), its postings in order, add the deltas to the cached totals and insert the events'
outbox rows and, on django-tasks-db's backend, their dispatch task (docs/decisions/0017). At the top level the
statement is its own transaction, so no row lock is held while Python runs. When nothing was written, `services`
finds out why and refuses (or answers a repeat) exactly as the ORM path.

A transfer whose caller must check something in Python under the locks (the peer daily limit) uses
`lock_accounts` then `insert_transfer` in one transaction instead. Statements are constant apart from the
number of rows in their VALUES lists; every value is a parameter.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

import structlog
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from azora.shared.events import DomainEvent
from azora.shared.events.enqueue import DispatchTaskRow, dispatch_task_row, enqueue_dispatch
from azora.shared.events.registry import encode_event
from azora.shared.ids import uuid7
from azora.shared.prepared import prepared_cursor

DEBIT_NORMAL_KINDS = frozenset({"asset", "expense"})


@dataclass(slots=True)
class LockedAccount:
    """An account row read under its lock: what the checks need, and its totals after this transfer."""

    id: uuid.UUID
    currency: str
    kind: str
    may_go_negative: bool
    name: str
    posted_debits: int
    posted_credits: int
    pending_debits: int
    pending_credits: int

    @property
    def is_debit_normal(self) -> bool:
        return self.kind in DEBIT_NORMAL_KINDS

    def normal_balance(self, debits: int, credits: int) -> int:
        return debits - credits if self.is_debit_normal else credits - debits

    @property
    def posted_balance(self) -> int:
        return self.normal_balance(self.posted_debits, self.posted_credits)

    @property
    def held(self) -> int:
        return self.pending_credits if self.is_debit_normal else self.pending_debits

    @property
    def available_balance(self) -> int:
        return self.posted_balance - self.held


_LOCK_SQL = (
    "SELECT a.id, a.currency, a.kind, a.may_go_negative, a.name, a.posted_debits, a.posted_credits, "
    "a.pending_debits, a.pending_credits, (SELECT t.fingerprint FROM finance_transfer t WHERE t.id = %s::uuid) "
    "FROM finance_account a WHERE a.id = ANY(%s::uuid[]) ORDER BY a.id FOR UPDATE OF a"
)


def lock_accounts(
    connection: BaseDatabaseWrapper, transfer_id: uuid.UUID, account_ids: Sequence[uuid.UUID]
) -> tuple[dict[uuid.UUID, LockedAccount], str | None]:
    """Locks the accounts in id order; returns them and the fingerprint of an existing transfer with this id.

    The fingerprint is read in the statement's snapshot: a duplicate that commits while this one waits for the
    locks is not seen here, and `insert_transfer` reports it instead. With no account found it is None.
    """
    with prepared_cursor(connection) as cursor:
        cursor.execute(_LOCK_SQL, [transfer_id, list(account_ids)])
        rows = cursor.fetchall()
    accounts = {row[0]: LockedAccount(*row[:9]) for row in rows}
    return accounts, (rows[0][9] if rows else None)


def _values(row_sql: str, count: int) -> str:
    return ", ".join([row_sql] * count)


# Typed VALUES rows, so that PostgreSQL never guesses a column's type from a literal.


_LEG_ROW = "(%s::integer, %s::uuid, %s::varchar, %s::bigint, %s::varchar)"
_TOTALS_ROW = "(%s::uuid, %s::bigint, %s::bigint, %s::bigint, %s::bigint)"
_OUTBOX_ROW = "(%s::uuid, %s::varchar, %s::jsonb, %s::varchar, %s::varchar)"
_ACCOUNT_COLUMNS = (
    "id, currency, kind, may_go_negative, name, posted_debits, posted_credits, pending_debits, pending_credits"
)

# The checks of services._check_currencies and services._check_no_forbidden_negative, in SQL, on the locked rows
# (`lk`) and this transfer's deltas per account (`d`): every account found, each leg in its account's currency,
# and no account that may not go negative, and that this transfer lowers, below zero (posted or available).
# Debit-normal kinds (asset, expense): balance = debits - credits, held = pending credits, lowered by credits;
# the others the mirror image. Any change here needs the same change there (the tests run both paths).
_CHECKS_SQL = (
    "ok AS MATERIALIZED (SELECT NOT EXISTS (SELECT 1 FROM prior) "
    "AND (SELECT count(*) FROM lk) = %s::bigint "
    "AND NOT EXISTS (SELECT 1 FROM legs l JOIN lk ON lk.id = l.account_id WHERE lk.currency <> l.currency) "
    "AND NOT EXISTS (SELECT 1 FROM lk JOIN d ON d.id = lk.id WHERE NOT lk.may_go_negative AND ("
    "CASE WHEN lk.kind IN ('asset', 'expense') THEN "
    "d.pc + d.hc > 0 AND ((lk.posted_debits + d.pd) - (lk.posted_credits + d.pc) < 0 "
    "OR (lk.posted_debits + d.pd) - (lk.posted_credits + d.pc) - (lk.pending_credits + d.hc) < 0) "
    "ELSE d.pd + d.hd > 0 AND ((lk.posted_credits + d.pc) - (lk.posted_debits + d.pd) < 0 "
    "OR (lk.posted_credits + d.pc) - (lk.posted_debits + d.pd) - (lk.pending_debits + d.hd) < 0) END)) AS go)"
)


def _outbox_sql(events: int, task_insert: str | None) -> str:
    """The events' outbox rows and, with `task_insert`, the row of their dispatch task; both only if `t` wrote."""
    if not events:
        return ""
    outbox = (
        ", o AS (INSERT INTO shared_outboxevent "  # noqa: S608 - placeholders only
        "(id, event_type, payload, occurred_at, request_id, trace_id, status, dispatched_at) "
        "SELECT v.id, v.event_type, v.payload, %s::timestamptz, v.request_id, v.trace_id, 'pending', NULL "
        f"FROM t, (VALUES {_values(_OUTBOX_ROW, events)}) AS v(id, event_type, payload, request_id, trace_id))"
    )
    if task_insert is None:
        return outbox
    return f"{outbox}, q AS ({task_insert} WHERE EXISTS (SELECT 1 FROM t))"  # noqa: S608 - shared's constant SQL


_WRITE_SQL = (
    "p AS (INSERT INTO finance_posting (transfer_id, account_id, side, amount, currency, phase, created_at) "
    "SELECT t.id, l.account_id, l.side, l.amount, l.currency, %s::varchar, %s::timestamptz "
    "FROM t, legs l ORDER BY l.n), "
    "u AS (UPDATE finance_account a SET posted_debits = a.posted_debits + d.pd, "
    "posted_credits = a.posted_credits + d.pc, pending_debits = a.pending_debits + d.hd, "
    "pending_credits = a.pending_credits + d.hc, updated_at = %s::timestamptz "
    "FROM d WHERE a.id = d.id AND EXISTS (SELECT 1 FROM t))"
)
_TRANSFER_COLUMNS = (
    "INSERT INTO finance_transfer (id, kind, reason, reference, metadata, status, is_two_phase, expires_at, "
    "reverses_id, fingerprint, created_at, resolved_at, void_reason) "
)
_TRANSFER_VALUES = (
    "%s::uuid, %s::varchar, %s::varchar, %s::varchar, %s::jsonb, %s::varchar, %s::boolean, %s::timestamptz, "
    "%s::uuid, %s::varchar, %s::timestamptz, NULL, ''"
)


@functools.lru_cache(maxsize=256)
def _insert_sql(postings: int, accounts: int, events: int, task_insert: str | None) -> str:
    """Writes an already locked and checked transfer; only placeholders are put into it, values are parameters."""
    return (
        f"WITH t AS ({_TRANSFER_COLUMNS} VALUES ({_TRANSFER_VALUES}) "  # noqa: S608 - placeholders only
        "ON CONFLICT (id) DO NOTHING RETURNING id), "
        f"legs(n, account_id, side, amount, currency) AS (VALUES {_values(_LEG_ROW, postings)}), "
        f"d(id, pd, pc, hd, hc) AS (VALUES {_values(_TOTALS_ROW, accounts)}), "
        f"{_WRITE_SQL}{_outbox_sql(events, task_insert)} SELECT count(*) FROM t"
    )


@functools.lru_cache(maxsize=256)
def _post_sql(postings: int, accounts: int, events: int, task_insert: str | None) -> str:
    """Locks, checks and writes in one statement; answers (written, existing fingerprint, locked rows...)."""
    return (
        f"WITH lk AS MATERIALIZED (SELECT {_ACCOUNT_COLUMNS} FROM finance_account "  # noqa: S608 - placeholders only
        "WHERE id = ANY(%s::uuid[]) ORDER BY id FOR UPDATE), "
        "prior AS MATERIALIZED (SELECT fingerprint FROM finance_transfer WHERE id = %s::uuid), "
        f"legs(n, account_id, side, amount, currency) AS (VALUES {_values(_LEG_ROW, postings)}), "
        f"d(id, pd, pc, hd, hc) AS (VALUES {_values(_TOTALS_ROW, accounts)}), "
        f"{_CHECKS_SQL}, "
        f"t AS ({_TRANSFER_COLUMNS} SELECT {_TRANSFER_VALUES} FROM ok WHERE ok.go "
        "ON CONFLICT (id) DO NOTHING RETURNING id), "
        f"{_WRITE_SQL}{_outbox_sql(events, task_insert)} "
        "SELECT x.written, x.prior, "
        + ", ".join(f"lk.{column.strip()}" for column in _ACCOUNT_COLUMNS.split(","))
        + " FROM (SELECT (SELECT count(*) FROM t) AS written, (SELECT fingerprint FROM prior) AS prior) x "
        "LEFT JOIN lk ON true ORDER BY lk.id"
    )


@dataclass(frozen=True, slots=True)
class NewTransfer:
    id: uuid.UUID
    kind: str
    reason: str
    reference: str
    metadata: dict[str, Any]
    status: str
    is_two_phase: bool
    expires_at: datetime | None
    reverses_id: uuid.UUID | None
    fingerprint: str


def _params(
    connection: BaseDatabaseWrapper,
    transfer: NewTransfer,
    postings: Sequence[tuple[uuid.UUID, str, int, str]],
    phase: str,
    deltas: dict[uuid.UUID, list[int]],
    events: Sequence[DomainEvent],
    now: datetime,
) -> tuple[list[Any], list[list[Any]], list[uuid.UUID], DispatchTaskRow | None]:
    """The statement's parameters in order: (transfer values, the rest, the events' ids, their dispatch task row
    when the statement writes it)."""
    head: list[Any] = [
        transfer.id, transfer.kind, transfer.reason, transfer.reference,
        json.dumps(transfer.metadata), transfer.status, transfer.is_two_phase, transfer.expires_at,
        transfer.reverses_id, transfer.fingerprint, now,
    ]  # fmt: skip
    legs: list[Any] = []
    for index, (account_id, side, amount, currency) in enumerate(postings):
        legs += (index, account_id, side, amount, currency)
    totals: list[Any] = []
    for account_id in sorted(deltas):
        totals.append(account_id)
        totals += deltas[account_id]
    tail: list[Any] = [phase, now, now]
    event_ids = []
    if events:
        context = structlog.contextvars.get_contextvars()
        request_id = str(context.get("request_id") or "")[:200]
        trace_id = str(context.get("trace_id") or "")[:64]
        tail.append(now)
        for event in events:
            event_id = uuid7()
            event_ids.append(event_id)
            tail += (event_id, event.event_type, json.dumps(encode_event(event)), request_id, trace_id)
    task = dispatch_task_row(using=connection.alias, event_ids=event_ids, enqueued_at=now) if event_ids else None
    if task is not None:
        tail.append(task.param)
    return head, [legs, totals, tail], event_ids, task


def _task_insert(task: DispatchTaskRow | None) -> str | None:
    return None if task is None else task.insert


def _dispatch_after_commit(
    connection: BaseDatabaseWrapper, event_ids: Sequence[uuid.UUID], task: DispatchTaskRow | None
) -> None:
    if task is not None:
        return  # the statement wrote the dispatch task; it commits with the events
    for event_id in event_ids:
        # robust, as in publish(): a queue that is down must not fail a committed transfer; redelivery catches up.
        transaction.on_commit(partial(enqueue_dispatch, event_id), using=connection.alias, robust=True)


def insert_transfer(
    connection: BaseDatabaseWrapper,
    *,
    transfer: NewTransfer,
    postings: Sequence[tuple[uuid.UUID, str, int, str]],
    phase: str,
    deltas: dict[uuid.UUID, list[int]],
    events: Sequence[DomainEvent],
    now: datetime,
) -> bool:
    """Writes a transfer whose accounts this transaction locked and checked: the transfer, its postings (in
    order), the totals' deltas and the events' outbox rows.

    Returns False, having written nothing, when a transfer with this id already exists (committed by a
    concurrent call); the caller answers as a repeat would. The events are dispatched after commit, by a task
    this statement writes on django-tasks-db's backend, or enqueued after commit otherwise.
    """
    head, (legs, totals, tail), event_ids, task = _params(connection, transfer, postings, phase, deltas, events, now)
    with prepared_cursor(connection) as cursor:
        sql = _insert_sql(len(postings), len(deltas), len(events), _task_insert(task))
        cursor.execute(sql, [*head, *legs, *totals, *tail])
        row = cursor.fetchone()
    if not row or not row[0]:
        return False
    _dispatch_after_commit(connection, event_ids, task)
    return True


def post_transfer(
    connection: BaseDatabaseWrapper,
    *,
    transfer: NewTransfer,
    postings: Sequence[tuple[uuid.UUID, str, int, str]],
    phase: str,
    deltas: dict[uuid.UUID, list[int]],
    events: Sequence[DomainEvent],
    now: datetime,
) -> tuple[bool, str | None, dict[uuid.UUID, LockedAccount]]:
    """Locks the accounts in id order, checks and writes the transfer, all in ONE statement.

    No row lock is held while the client runs Python: at the top level the statement is its own transaction.
    Returns (written, the fingerprint of an existing transfer with this id, the locked rows as they were
    before this transfer). When not written, nothing was: the caller finds out why (a repeat, an unknown
    account, a check that failed, or a duplicate committed concurrently) and answers as the ORM path would.
    """
    head, (legs, totals, tail), event_ids, task = _params(connection, transfer, postings, phase, deltas, events, now)
    params = [sorted(deltas), transfer.id, *legs, *totals, len(deltas), *head, *tail]
    with prepared_cursor(connection) as cursor:
        cursor.execute(_post_sql(len(postings), len(deltas), len(events), _task_insert(task)), params)
        rows = cursor.fetchall()
    written, prior = bool(rows[0][0]), rows[0][1]
    accounts = {row[2]: LockedAccount(*row[2:]) for row in rows if row[2] is not None}
    if written:
        _dispatch_after_commit(connection, event_ids, task)
    return written, prior, accounts
