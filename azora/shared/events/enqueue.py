"""Queueing the dispatch of outbox events: one task per transaction after commit, or in the writer's statement.

Two ways, one rule (docs/decisions/0017): every committed event gets a dispatch task, and no task names an event
before that event committed.

- `dispatch_after_commit` (what `publish` uses): the events a transaction publishes share ONE dispatch task,
  enqueued through the tasks framework after the transaction commits (with the test settings' immediate backend
  that runs the handlers at once, as before). A transaction that rolls back enqueues nothing.
- `dispatch_task_row`: a writer that inserts its outbox rows with its own SQL (the ledger's one-statement
  transfer, azora/finance/_pgwrite.py) inserts the dispatch task's row in that same statement, when the tasks go
  to django-tasks-db's table in the same database. The task then commits with the events (it cannot be lost
  between commit and enqueue) and costs no second round trip or commit.
"""

from __future__ import annotations

import datetime
import functools
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.signals import pre_save
from django.utils import timezone

# One task dispatches at most this many events, in order; a bigger transaction gets several tasks, so that one
# task's run stays short and workers can share a bulk of events.
DISPATCH_BATCH_LIMIT = 100


def _dispatch_calls(event_ids: Sequence[uuid.UUID]) -> list[tuple[Any, dict[str, Any]]]:
    """The tasks (and their arguments) that dispatch `event_ids`: one event alone keeps the single-event task."""
    # Imported here because the task module imports this package to do its work.
    from azora.shared.tasks import dispatch_event_task, dispatch_events_task

    if len(event_ids) == 1:
        return [(dispatch_event_task, {"event_id": str(event_ids[0])})]
    ids = [str(event_id) for event_id in event_ids]
    return [
        (dispatch_events_task, {"event_ids": ids[start : start + DISPATCH_BATCH_LIMIT]})
        for start in range(0, len(ids), DISPATCH_BATCH_LIMIT)
    ]


def enqueue_dispatch(event_id: uuid.UUID) -> None:
    """Enqueues the dispatch of one event now (redelivery, the operator's retry, and after-commit fallbacks)."""
    enqueue_dispatches([event_id])


def enqueue_dispatches(event_ids: Sequence[uuid.UUID]) -> None:
    """Enqueues the dispatch of `event_ids` now, in as few tasks as DISPATCH_BATCH_LIMIT allows."""
    for task, kwargs in _dispatch_calls(event_ids):
        task.enqueue(**kwargs)


class _AfterCommitBatch:
    """The events one transaction published, dispatched by one task when it commits (an on_commit callback)."""

    __slots__ = ("event_ids", "is_done")

    def __init__(self) -> None:
        self.event_ids: list[uuid.UUID] = []
        self.is_done = False

    def __call__(self) -> None:
        self.is_done = True
        if self.event_ids:
            enqueue_dispatches(self.event_ids)


def _open_batch(connection: BaseDatabaseWrapper) -> _AfterCommitBatch | None:
    """The batch of this transaction at the current savepoint level, if its callback is still registered.

    Only a batch registered under exactly the current savepoints is shared: its callback and its events then stand
    or fall together (Django drops the callbacks of a savepoint that rolls back), so every event it names committed.
    Events published under another savepoint start their own batch; one transaction at one level gets one task.
    """
    savepoints = set(connection.savepoint_ids)
    for entry in reversed(connection.run_on_commit):  # (savepoint ids at registration, callback, robust)
        callback = entry[1]
        if isinstance(callback, _AfterCommitBatch) and not callback.is_done and entry[0] == savepoints:
            return callback
    return None


def dispatch_after_commit(event_id: uuid.UUID, *, using: str) -> None:
    """Adds `event_id` to the dispatch task its transaction enqueues after commit (one task per transaction).

    Outside a transaction (autocommit) the event is already committed: it is enqueued at once.
    """
    connection = connections[using]
    if not connection.in_atomic_block:
        enqueue_dispatch(event_id)
        return
    batch = _open_batch(connection)
    if batch is None:
        batch = _AfterCommitBatch()
        # robust: a queue that is down must not fail the caller's committed request; the redelivery job catches up.
        transaction.on_commit(batch, using=using, robust=True)
    batch.event_ids.append(event_id)


@dataclass(frozen=True, slots=True)
class DispatchTaskRow:
    """A dispatch task as one row for the caller's statement to insert: `insert` is `INSERT ... SELECT ...` of the
    row from its one placeholder, `param`, the row as a JSON object (PostgreSQL's `jsonb_populate_record`).

    The caller may append a `WHERE` to `insert` (the ledger's: only if the transfer was written). `insert` is the
    same text for every task of this process, so the statement around it stays constant.
    """

    insert: str
    param: str


@dataclass(frozen=True, slots=True)
class _TaskTemplate:
    insert: str
    # Column -> JSON value of the fields that are the same for every dispatch of this task (None ones left out).
    fixed: dict[str, Any]
    id_column: str
    arguments_column: str
    enqueued_column: str
    backend: Any


def dispatch_task_row(
    *, using: str, event_ids: Sequence[uuid.UUID], enqueued_at: datetime.datetime | None = None
) -> DispatchTaskRow | None:
    """The row of the task that dispatches `event_ids`, for a statement that writes their outbox rows to insert too.

    `enqueued_at` defaults to now; a writer passes the time it stamps its own rows with.

    None unless that task goes to django-tasks-db's database backend on the PostgreSQL database `using` (then the
    caller uses `dispatch_after_commit`), or when the events need more than one task.
    """
    from django_tasks_db.compat import normalize_json

    calls = _dispatch_calls(event_ids) if event_ids else []
    if len(calls) != 1:
        return None
    task, kwargs = calls[0]
    template = _task_template(task, task.get_backend(), using)
    if template is None:
        return None
    row = dict(template.fixed)
    row[template.id_column] = str(template.backend._get_id())  # its `id_function` option, as its enqueue uses
    row[template.arguments_column] = normalize_json({"args": [], "kwargs": kwargs})
    row[template.enqueued_column] = (enqueued_at or timezone.now()).isoformat()
    return DispatchTaskRow(insert=template.insert, param=json.dumps(row, separators=(",", ":")))


@functools.cache
def _task_template(task: Any, backend: Any, using: str) -> _TaskTemplate | None:
    """The dispatch task's row as django-tasks-db's `enqueue` builds it, once per task and database: its checks of
    the task, the model's defaults and pre-save handlers (`run_after`), each field's value as stored.

    Only the id, the arguments and the enqueue time differ between two dispatches; they are set per row. Django's
    `task_enqueued` signal is not sent for these rows; its one receiver logs at DEBUG, and the worker logs the task
    when it runs it.
    """
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    connection = connections[using]
    if (
        not isinstance(backend, DatabaseBackend)
        or connection.vendor != "postgresql"
        or router.db_for_write(DBTaskResult) != using
    ):
        return None
    backend.validate_task(task)
    row: DBTaskResult[..., Any] = DBTaskResult(
        args_kwargs={"args": [], "kwargs": {}},
        priority=task.priority,
        task_path=task.module_path,
        queue_name=task.queue_name,
        run_after=task.run_after,
        backend_name=backend.alias,
    )
    pre_save.send(sender=DBTaskResult, instance=row, raw=False, using=using, update_fields=None)
    meta = DBTaskResult._meta
    by_name = {field.name: _column(field) for field in meta.concrete_fields}
    fixed: dict[str, Any] = {}
    for field in meta.concrete_fields:
        value = field.get_prep_value(field.pre_save(row, True))
        if isinstance(value, (uuid.UUID, datetime.datetime)):
            value = str(value) if isinstance(value, uuid.UUID) else value.isoformat()
        if value is not None:
            fixed[by_name[field.name]] = value
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(quote(column) for column in by_name.values())
    selected = ", ".join(f"r.{quote(column)}" for column in by_name.values())
    return _TaskTemplate(
        insert=(
            f"INSERT INTO {table} ({columns}) "  # noqa: S608 - quoted names of the model's own table and columns
            f"SELECT {selected} FROM jsonb_populate_record(NULL::{table}, %s::jsonb) AS r"
        ),
        fixed=fixed,
        id_column=by_name["id"],
        arguments_column=by_name["args_kwargs"],
        enqueued_column=by_name["enqueued_at"],
        backend=backend,
    )


def _column(field: Any) -> str:
    column = field.column
    assert isinstance(column, str)  # a concrete field always has a column; this narrows the type
    return column
