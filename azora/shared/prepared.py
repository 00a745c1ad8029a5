"""Prepared statements for a hot path's constant SQL on PostgreSQL (docs/decisions/0024-prepared-hot-statements.md),
and `PreparedInsert`, an append-only model's row written through one.

Django sends every statement with client-side binding: PostgreSQL parses, analyses and plans it on every call. For
a large statement on a hot path (the ledger's one-statement transfer) that is most of the server's work, so
`prepared_cursor` gives a cursor with server-side binding instead; psycopg prepares each statement it runs on the
connection's first use of it (`prepare_threshold`, from `AZORA_DB_PREPARED_STATEMENTS`) and later calls send only
the parameters. The cursor is wrapped as Django's own, so execute wrappers (metrics, tracing), query logging and
error translation see it as any other.

The SQL must be fit for server-side binding: a placeholder whose type PostgreSQL cannot infer (in a select list,
or a value that may be None) needs a cast (`%s::uuid`). Integers are sent as bigint, so the prepared statement's
parameter types do not change with the size of an amount. Elsewhere than PostgreSQL it is Django's usual cursor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

__all__ = ["BoundInsert", "PreparedInsert", "insert_all", "prepared_cursor", "with_rows"]


@contextmanager
def prepared_cursor(connection: BaseDatabaseWrapper) -> Iterator[Any]:
    """A Django cursor on `connection` whose statements are prepared on PostgreSQL (plain elsewhere)."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    with _server_binding_cursor(connection) as cursor:
        yield cursor


def _server_binding_cursor(connection: BaseDatabaseWrapper) -> Any:
    # What BaseDatabaseWrapper.cursor() does, with the backend's server-binding cursor class in place of the
    # client-binding one it is configured with.
    from django.db.backends.postgresql.base import ServerBindingCursor
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.postgres import types as postgres_types
    from psycopg.pq import Format
    from psycopg.types.numeric import Int8Dumper

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor: Any = ServerBindingCursor(connection.connection)  # type: ignore[call-arg] # the stubs miss psycopg's signature
        cursor.adapters.register_dumper(int, Int8Dumper)
        timezone = getattr(connection, "timezone", None)
        tzloader = cursor.adapters.get_loader(postgres_types["timestamptz"].oid, Format.TEXT)
        if timezone is not None and getattr(tzloader, "timezone", timezone) != timezone:
            register_tzloader(timezone, cursor)
        connection.validate_thread_sharing()
        if connection.queries_logged:
            return connection.make_debug_cursor(cursor)
        return connection.make_cursor(cursor)


@dataclass(frozen=True, slots=True)
class BoundInsert:
    """One row's INSERT and its parameters. `execute` sends it alone; a caller may instead send it as a
    data-modifying CTE of a statement of its own (`with_rows`), or several in one statement (`insert_all`), saving
    round trips."""

    sql: str
    params: list[Any]
    pk: Any
    # What the row's owner wants done once it is written (the constitution's audit seal, asked for after the
    # response): `execute` and `insert_all` run it; a caller that sends the row in a statement of its own calls
    # `written()` once that statement has run.
    after_write: Callable[[], object] | None = None

    def execute(self, connection: BaseDatabaseWrapper) -> Any:
        """Writes the row; returns its primary key."""
        with prepared_cursor(connection) as cursor:
            cursor.execute(self.sql, self.params)
        self.written()
        return self.pk

    def written(self) -> None:
        if self.after_write is not None:
            self.after_write()


def with_rows(rows: Sequence[BoundInsert], sql: str, params: Sequence[Any]) -> tuple[str, list[Any]]:
    """`sql` (PostgreSQL) with each row's INSERT as a data-modifying CTE before it, and the parameters in order.

    PostgreSQL runs every data-modifying CTE to completion whether the statement reads it or not, in the statement's
    own transaction: the rows are written with it, in its round trip and its commit, or not at all when it fails.
    The caller calls each row's `written()` once the statement has run."""
    if not rows:
        return sql, list(params)
    ctes = ", ".join(f"w{number} AS ({row.sql})" for number, row in enumerate(rows))
    rest = f", {sql.removeprefix('WITH ')}" if sql.startswith("WITH ") else f" {sql}"
    return f"WITH {ctes}{rest}", [value for row in rows for value in row.params] + list(params)


def insert_all(connection: BaseDatabaseWrapper, rows: Sequence[BoundInsert]) -> None:
    """Writes the rows: in one statement on PostgreSQL (the others as CTEs of the last), one by one elsewhere."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        for row in rows:
            row.execute(connection)
        return
    *before, last = rows
    sql, params = with_rows(before, last.sql, last.params)
    with prepared_cursor(connection) as cursor:
        cursor.execute(sql, params)
    for row in rows:
        row.written()


class PreparedInsert:
    """One model's `INSERT` of every concrete column: its text built once, sent through `prepared_cursor`.

    For append-only rows written on a hot path (the constitution's decision records, AI usage records), where
    `Model.objects.create` spent about half of its CPU building the instance and compiling the same INSERT again
    (ADR 0024, "PreparedInsert"). Each value is prepared by its field's own `get_db_prep_save`, as the ORM does; a
    column not given gets its field's default, or now for an `auto_now`/`auto_now_add` date-time. No instance is
    made and no signal is sent, so it is only for models without save logic or signal receivers.

    `computed` names columns the database fills in the same statement (attname: an SQL expression with its
    identifiers double-quoted, which every backend reads), a lookup the caller would otherwise make in a round trip
    of its own before the INSERT; the caller cannot give them.
    """

    def __init__(self, model: type[models.Model], *, computed: Mapping[str, str] | None = None) -> None:
        self._model = model
        self._computed = dict(computed or {})
        every = model._meta.concrete_fields
        unknown = self._computed.keys() - {field.attname for field in every}
        if unknown:
            raise TypeError(f"{model.__name__} has no column {', '.join(sorted(unknown))}")
        self._fields: tuple[models.Field[Any, Any], ...] = tuple(f for f in every if f.attname not in self._computed)
        self._columns = tuple(every)
        self._names = frozenset(field.attname for field in self._fields)
        self._pk_index = self._fields.index(model._meta.pk)
        for field in self._fields:
            if _auto_now(field) and not isinstance(field, models.DateTimeField):
                raise TypeError(f"{model.__name__}.{field.name}: only a DateTimeField may be auto_now here")
        # One text per backend (the quoting); building it twice in two threads at once is harmless.
        self._sql: dict[str, str] = {}

    def insert(self, connection: BaseDatabaseWrapper, **values: Any) -> Any:
        """Writes one row; returns its primary key (the given one or the field's default)."""
        return self.bind(connection, **values).execute(connection)

    def bind(self, connection: BaseDatabaseWrapper, **values: Any) -> BoundInsert:
        """One row's INSERT with its values, not sent: to run alone or inside a larger statement of the caller's."""
        unknown = values.keys() - self._names
        if unknown & self._computed.keys():
            raise TypeError(f"{', '.join(sorted(unknown & self._computed.keys()))}: computed by the database")
        if unknown:
            raise TypeError(f"{self._model.__name__} has no column {', '.join(sorted(unknown))}")
        row = [self._value(field, values) for field in self._fields]
        params = [field.get_db_prep_save(value, connection) for field, value in zip(self._fields, row, strict=True)]
        return BoundInsert(sql=self._statement(connection), params=params, pk=row[self._pk_index])

    @staticmethod
    def _value(field: models.Field[Any, Any], values: dict[str, Any]) -> Any:
        if field.attname in values:
            return values[field.attname]
        if _auto_now(field):
            return timezone.now()
        return field.get_default()

    def _statement(self, connection: BaseDatabaseWrapper) -> str:
        sql = self._sql.get(connection.vendor)
        if sql is None:
            quote = connection.ops.quote_name
            columns = ", ".join(quote(str(field.column)) for field in self._columns)
            placeholders = ", ".join(self._computed.get(field.attname, "%s") for field in self._columns)
            table = quote(str(self._model._meta.db_table))
            sql = self._sql[connection.vendor] = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 -- names from the model, values are parameters
        return sql


def _auto_now(field: models.Field[Any, Any]) -> bool:
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))
