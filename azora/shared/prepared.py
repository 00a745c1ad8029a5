"""Prepared statements for a hot path's constant SQL on PostgreSQL (docs/decisions/0024-prepared-hot-statements.md).

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

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper


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
