"""prepared_cursor: statements prepared once per connection on PostgreSQL, typed ints, Django's errors and log."""

from __future__ import annotations

import pytest
from django.db import DataError, connection, transaction
from django.test.utils import CaptureQueriesContext

from azora.shared.prepared import prepared_cursor
from azora.shared.testing.queries import prepared_statements, statement_kinds

pytestmark = pytest.mark.django_db

PROBE = "SELECT %s::integer + 1, pg_typeof(%s)::text"


@pytest.mark.postgres
def test_a_statement_is_prepared_on_its_first_use_and_reused_after() -> None:
    marker = "/* prepared-probe */"
    assert prepared_statements(marker) == []

    answers = []
    for value in (1, 40_000, 5_000_000_000):
        with prepared_cursor(connection) as cursor:
            cursor.execute(f"{marker} {PROBE}", [value % 1000, value])
            answers.append(cursor.fetchone())

    # Small and large integers alike go as bigint: one parameter shape, so one prepared statement.
    assert answers == [(2, "bigint"), (1, "bigint"), (1, "bigint")]
    assert prepared_statements(marker) == [f"{marker} SELECT $1::integer + 1, pg_typeof($2)::text"]


@pytest.mark.postgres
def test_errors_are_djangos_and_the_statement_is_logged() -> None:
    with (
        CaptureQueriesContext(connection) as captured,
        pytest.raises(DataError),
        transaction.atomic(),
        prepared_cursor(connection) as cursor,
    ):
        cursor.execute("SELECT 1 / %s::integer", [0])

    assert statement_kinds(captured) == ["SAVEPOINT", "SELECT", "ROLLBACK", "RELEASE"]
    assert "1 / %s::integer" in captured.captured_queries[1]["sql"]


def test_elsewhere_it_is_djangos_own_cursor() -> None:
    with prepared_cursor(connection) as cursor:
        cursor.execute("SELECT %s + 1", [41])
        assert cursor.fetchone() == (42,)
