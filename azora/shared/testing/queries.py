"""Reading the statements a test captured with Django's `CaptureQueriesContext`, and those PostgreSQL holds prepared."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext


def statement_sql(query: dict[str, str]) -> str:
    """The SQL of one captured statement. A prepared statement (azora/shared/prepared.py) is logged in Django's
    fallback form, `QUERY = '<sql>' - PARAMS = [...]`, since psycopg keeps no query text for it."""
    return query["sql"].removeprefix("QUERY = ").lstrip("'\"")


def statement_kinds(captured: CaptureQueriesContext) -> list[str]:
    """The first keyword of each captured statement, in order (WITH, SELECT, INSERT...)."""
    return [statement_sql(query).split()[0].upper() for query in captured.captured_queries]


def prepared_statements(text: str) -> list[str]:
    """The statements prepared on this connection (PostgreSQL) whose text contains `text`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s", [f"%{text}%"])
        return [row[0] for row in cursor.fetchall()]
