"""PreparedInsert (azora/shared/prepared.py) on the two models that use it: the row the ORM reads back, defaults,
auto_now_add, JSON, big integers, a Decimal, a given id, an unknown column refused, a column the database computes,
one prepared statement."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from azora.ai_routing.models import Usage
from azora.constitution.models import DecisionRecord
from azora.shared.prepared import PreparedInsert
from azora.shared.testing.queries import prepared_statements

pytestmark = pytest.mark.django_db


def test_prepared_insert_writes_the_row_the_orm_reads_back_with_defaults_and_auto_now() -> None:
    insert = PreparedInsert(Usage)
    user_id = uuid.uuid4()
    before = timezone.now()
    usage_id = insert.insert(
        connection,
        user_id=user_id,
        provider="p",
        model="m",
        tokens_in=3,
        tokens_out=5_000_000_000 % 7,
        cost_micros=5_000_000_000,
        currency="USD",
        outcome="ok",
        decision={"order": ["p"], "reasons": ["ü"]},
        attempts=["p:ok"],
        input_decision_id=None,
    )

    row = Usage.objects.get()
    assert row.id == usage_id
    assert isinstance(usage_id, uuid.UUID)
    assert (row.user_id, row.organisation_id, row.provider, row.model) == (user_id, None, "p", "m")
    assert (row.tokens_in, row.tokens_out, row.cost_micros) == (3, 5_000_000_000 % 7, 5_000_000_000)
    assert (row.decision, row.attempts) == ({"order": ["p"], "reasons": ["ü"]}, ["p:ok"])
    # Field defaults (purpose "chat", "" and False) and auto_now_add's now.
    assert (row.purpose, row.plan, row.error_code, row.cache_hit, row.input_decision_id) == (
        "chat",
        "",
        "",
        False,
        None,
    )
    assert before <= row.created_at <= timezone.now()


def test_prepared_insert_keeps_a_given_id_and_decimal_and_refuses_an_unknown_column() -> None:
    insert = PreparedInsert(DecisionRecord)
    given = uuid.uuid4()
    values = {
        "surface": "api", "role": "input", "profile": "standard", "action": "allow", "score": Decimal("87.50"),
        "passed": True, "would_block": False, "input_sha256": "a" * 64, "output_sha256": "b" * 64, "latency_us": 12,
    }  # fmt: skip

    assert insert.insert(connection, id=given, **values) == given
    row = DecisionRecord.objects.get()
    assert (row.id, row.score, row.sequence, row.violations, row.input_text) == (
        given,
        Decimal("87.50"),
        None,
        [],
        None,
    )

    with pytest.raises(TypeError, match="DecisionRecord has no column colour"):
        insert.insert(connection, colour="red", **values)
    assert DecisionRecord.objects.count() == 1


@pytest.mark.postgres
def test_prepared_insert_is_one_prepared_statement() -> None:
    insert = PreparedInsert(Usage)
    for number in range(3):
        insert.insert(connection, currency="USD", outcome="ok", tokens_in=number)

    assert len(prepared_statements('INSERT INTO "ai_routing_usage"')) == 1
    assert sorted(Usage.objects.values_list("tokens_in", flat=True)) == [0, 1, 2]


def test_a_computed_column_is_filled_by_the_database_in_the_same_statement_and_cannot_be_given() -> None:
    insert = PreparedInsert(DecisionRecord, computed={"latency_us": '(SELECT count(*) FROM "ai_routing_usage")'})
    values = {
        "surface": "api", "role": "input", "profile": "standard", "action": "allow", "score": Decimal("90.00"),
        "passed": True, "would_block": False, "input_sha256": "a" * 64, "output_sha256": "b" * 64,
    }  # fmt: skip
    Usage.objects.create(currency="USD", outcome="ok")
    Usage.objects.create(currency="USD", outcome="ok")

    first = insert.insert(connection, **values)
    with pytest.raises(TypeError, match="latency_us: computed by the database"):
        insert.insert(connection, latency_us=5, **values)

    assert list(DecisionRecord.objects.values_list("id", "latency_us")) == [(first, 2)]
    with pytest.raises(TypeError, match="DecisionRecord has no column colour"):
        PreparedInsert(DecisionRecord, computed={"colour": "1"})
