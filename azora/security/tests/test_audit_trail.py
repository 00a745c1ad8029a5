"""The audit trail: appends are chained in the caller's transaction, secrets never stored, verification names the
first record that was edited, removed, inserted or reordered, and exports carry the hashes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
from collections.abc import Iterator

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.utils import timezone

from azora.security import audit_trail
from azora.security import public as security
from azora.security.models import GENESIS_HASH, AuditChainHead, AuditRecord
from azora.security.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def _append(count: int, *, action: str = "security.ip_rule_created") -> None:
    for index in range(count):
        security.audit_record(
            action=action,
            target_type="ip_rule",
            target_id=f"rule-{index}",
            detail={"index": index},
            occurred_at=AT + dt.timedelta(minutes=index),
        )


def test_the_first_record_follows_the_genesis_hash_and_the_head_follows_the_last() -> None:
    actor = uuid.uuid4()
    security.audit_record(
        action="accounts.user_suspended",
        actor_id=actor,
        target_type="user",
        target_id="u-1",
        detail={"reason": "spam"},
        ip="10.0.0.7",
        occurred_at=AT,
    )
    security.audit_record(action="accounts.user_reactivated", actor_id=actor, target_id="u-1", occurred_at=AT)

    first, second = AuditRecord.objects.order_by("sequence")
    head = AuditChainHead.objects.get()
    assert (first.sequence, second.sequence) == (1, 2)
    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.record_hash
    assert first.record_hash == audit_trail.record_hash(first)
    assert (first.actor_id, first.action, first.target_type, first.target_id) == (
        actor,
        "accounts.user_suspended",
        "user",
        "u-1",
    )
    assert (first.ip, first.detail, first.occurred_at) == ("10.0.0.7", {"reason": "spam"}, AT)
    assert (head.last_sequence, head.last_hash) == (2, second.record_hash)


def test_a_record_rolls_back_with_the_callers_transaction() -> None:
    _append(1)

    def failing_action() -> None:
        with transaction.atomic():
            security.audit_record(action="security.ip_rule_deleted", target_id="x")
            raise RuntimeError("the action failed")

    with pytest.raises(RuntimeError):
        failing_action()

    assert AuditRecord.objects.count() == 1
    assert AuditChainHead.objects.get().last_sequence == 1
    assert security.audit_verify().ok


def test_secret_looking_detail_keys_are_never_stored() -> None:
    security.audit_record(
        action="accounts.api_key_created",
        detail={"name": "ci", "api_key": "azk_live_123", "nested": {"password": "hunter2", "scope": "read"}},
    )

    record = AuditRecord.objects.get()
    assert record.detail == {
        "name": "ci",
        "api_key": "[redacted]",
        "nested": {"password": "[redacted]", "scope": "read"},
    }
    assert "hunter2" not in json.dumps(record.detail)
    assert security.audit_verify().ok


def test_uuid_and_datetime_detail_values_hash_as_the_database_returns_them() -> None:
    some_id = uuid.uuid4()
    security.audit_record(action="finance.payout_approved", detail={"payout": some_id, "at": AT})

    record = AuditRecord.objects.get()
    assert record.detail == {"payout": str(some_id), "at": "2026-03-01T12:00:00Z"}
    assert security.audit_verify().ok


def test_actor_ip_and_request_id_come_from_the_request() -> None:
    user = UserFactory()
    request = RequestFactory().post("/api/v1/security/ip-rules", REMOTE_ADDR="2001:DB8::1")
    request.user = user
    request.request_id = "req-42"  # type: ignore[attr-defined]  # set by the request context middleware

    security.audit_record(action="security.ip_rule_created", request=request)

    record = AuditRecord.objects.get()
    assert (record.actor_id, record.ip, record.request_id) == (user.pk, "2001:db8::1", "req-42")
    assert security.audit_verify().ok


@pytest.mark.parametrize("action", ["", "Suspended", "accounts", "accounts.User Suspended", "a." + "x" * 100])
def test_a_malformed_action_is_refused_and_nothing_is_written(action: str) -> None:
    with pytest.raises(ValueError, match="audit action"):
        security.audit_record(action=action)

    assert AuditRecord.objects.count() == 0


def test_a_naive_time_is_refused_and_nothing_is_written() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        security.audit_record(action="security.x_done", occurred_at=dt.datetime(2026, 1, 1))

    assert AuditRecord.objects.count() == 0


def test_an_invalid_ip_is_dropped_rather_than_failing_the_action() -> None:
    security.audit_record(action="security.x_done", ip="not-an-ip")

    assert AuditRecord.objects.get().ip is None


def test_list_is_newest_first_filters_and_pages() -> None:
    actor = uuid.uuid4()
    _append(3)
    security.audit_record(action="accounts.user_suspended", actor_id=actor, target_id="u-9", occurred_at=AT)

    first_page = security.audit_list(limit=2)
    second_page = security.audit_list(limit=2, cursor=first_page.next_cursor)

    assert [view.sequence for view in first_page.items] == [4, 3]
    assert [view.sequence for view in second_page.items] == [2, 1]
    assert second_page.next_cursor is None
    assert [v.sequence for v in security.audit_list(action="accounts.user_suspended").items] == [4]
    assert [v.sequence for v in security.audit_list(action="security.").items] == [3, 2, 1]
    assert [v.sequence for v in security.audit_list(actor_id=actor).items] == [4]
    assert [v.sequence for v in security.audit_list(target_id="rule-1").items] == [2]
    since = AT + dt.timedelta(minutes=1)
    assert [v.sequence for v in security.audit_list(since=since, until=since + dt.timedelta(minutes=1)).items] == [2]


def test_an_untouched_chain_verifies() -> None:
    _append(5)

    result = security.audit_verify()

    assert (result.ok, result.records_checked, result.first_bad_sequence, result.problem) == (True, 5, None, "")


def test_an_empty_chain_verifies() -> None:
    assert security.audit_verify() == security.AuditVerification(
        ok=True, records_checked=0, first_bad_sequence=None, problem=""
    )


# --- tampering: on PostgreSQL the append-only trigger is switched off for the edit, as an attacker with the
# database owner's rights could; on SQLite there is no trigger.


def _tamper(sql: str, params: list[str | int]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE security_auditrecord DISABLE TRIGGER ALL")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE security_auditrecord ENABLE TRIGGER ALL")


def test_an_edited_record_is_named() -> None:
    _append(5)

    _tamper("UPDATE security_auditrecord SET target_id = %s WHERE sequence = %s", ["rule-999", 3])

    result = security.audit_verify()
    assert (result.ok, result.first_bad_sequence, result.problem, result.records_checked) == (False, 3, "edited", 2)


def test_an_edited_detail_is_named() -> None:
    _append(4)

    _tamper("UPDATE security_auditrecord SET detail = %s WHERE sequence = %s", ['{"index": 7}', 2])

    assert (security.audit_verify().first_bad_sequence, security.audit_verify().problem) == (2, "edited")


def test_a_record_edited_with_its_hash_recomputed_breaks_the_next_link() -> None:
    _append(4)
    record = AuditRecord.objects.get(sequence=2)
    record.target_id = "forged"
    forged_hash = audit_trail.record_hash(record)

    _tamper(
        "UPDATE security_auditrecord SET target_id = %s, record_hash = %s WHERE sequence = %s",
        ["forged", forged_hash, 2],
    )

    result = security.audit_verify()
    assert (result.ok, result.first_bad_sequence, result.problem) == (False, 3, "out of order")


def test_a_removed_record_is_named() -> None:
    _append(5)

    _tamper("DELETE FROM security_auditrecord WHERE sequence = %s", [3])

    result = security.audit_verify()
    assert (result.ok, result.first_bad_sequence, result.problem) == (False, 3, "missing")


def test_a_removed_last_record_is_named_through_the_head() -> None:
    _append(5)

    _tamper("DELETE FROM security_auditrecord WHERE sequence = %s", [5])

    result = security.audit_verify()
    assert (result.ok, result.first_bad_sequence, result.problem, result.records_checked) == (False, 5, "missing", 4)


def test_an_appended_forgery_is_named_through_the_head() -> None:
    _append(3)
    last = AuditRecord.objects.get(sequence=3)
    forged = AuditRecord(
        sequence=4,
        id=uuid.uuid4(),
        occurred_at=AT,
        action="accounts.platform_role_changed",
        previous_hash=last.record_hash,
        detail={},
    )
    forged.record_hash = audit_trail.record_hash(forged)
    forged.save(force_insert=True)  # inserts are allowed; only the head was not moved

    result = security.audit_verify()
    assert (result.ok, result.first_bad_sequence, result.problem) == (False, 4, "inserted")


def test_a_record_inserted_in_the_middle_is_named() -> None:
    _append(4)
    # Make room at 3 by moving 3 and 4 up, then put a forged record at 3 linked to record 2.
    _tamper("UPDATE security_auditrecord SET sequence = sequence + 10 WHERE sequence >= %s", [3])
    _tamper("UPDATE security_auditrecord SET sequence = sequence - 9 WHERE sequence >= %s", [13])
    second = AuditRecord.objects.get(sequence=2)
    forged = AuditRecord(
        sequence=3, id=uuid.uuid4(), occurred_at=AT, action="security.x_done", previous_hash=second.record_hash
    )
    forged.record_hash = audit_trail.record_hash(forged)
    forged.save(force_insert=True)

    result = security.audit_verify()
    # The forgery itself links correctly; the moved record after it is not where its hash says it was.
    assert (result.ok, result.first_bad_sequence, result.problem) == (False, 4, "edited")


def test_two_swapped_records_are_named() -> None:
    _append(4)
    _tamper("UPDATE security_auditrecord SET sequence = 100 WHERE sequence = %s", [2])
    _tamper("UPDATE security_auditrecord SET sequence = 2 WHERE sequence = %s", [3])
    _tamper("UPDATE security_auditrecord SET sequence = 3 WHERE sequence = %s", [100])

    result = security.audit_verify()
    assert (result.ok, result.first_bad_sequence, result.problem) == (False, 2, "edited")


@pytest.mark.postgres
def test_postgresql_refuses_updates_and_deletes_of_records() -> None:
    _append(1)
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        AuditRecord.objects.filter(sequence=1).update(target_id="x")
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        AuditRecord.objects.filter(sequence=1).delete()

    assert AuditRecord.objects.get().target_id == "rule-0"


# --- export


def _jsonl(lines: Iterator[str]) -> list[dict[str, object]]:
    return [json.loads(line) for line in lines]


def test_jsonl_export_carries_the_hashes_and_verifies_offline() -> None:
    _append(3)

    rows = _jsonl(security.audit_export())

    assert [row["sequence"] for row in rows] == [1, 2, 3]
    assert rows[0]["previous_hash"] == GENESIS_HASH
    assert rows[2]["record_hash"] == AuditChainHead.objects.get().last_hash
    assert audit_trail.chain_verify_rows(rows).ok


def test_an_exported_copy_edited_offline_fails_verification() -> None:
    _append(3)
    rows = _jsonl(security.audit_export())
    rows[1]["target_id"] = "edited"

    result = audit_trail.chain_verify_rows(rows)

    assert (result.ok, result.first_bad_sequence, result.problem) == (False, 2, "edited")


def test_export_filters_by_time() -> None:
    _append(3)

    rows = _jsonl(security.audit_export(since=AT + dt.timedelta(minutes=1), until=AT + dt.timedelta(minutes=2)))

    assert [row["sequence"] for row in rows] == [2]


def test_csv_export_has_a_header_and_neutralises_formulas() -> None:
    security.audit_record(action="security.x_done", target_id="=HYPERLINK(1)", detail={"a": 1}, occurred_at=AT)

    text = "".join(security.audit_export(fmt="csv"))

    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(audit_trail.CSV_COLUMNS)
    assert rows[0]["target_id"] == "'=HYPERLINK(1)"
    assert rows[0]["detail"] == '{"a":1}'
    assert rows[0]["occurred_at"] == "2026-03-01T12:00:00+00:00"


def test_an_unknown_export_format_is_a_validation_problem() -> None:
    with pytest.raises(audit_trail.InvalidAuditQuery) as raised:
        security.audit_export(fmt="xml")

    assert raised.value.code == "invalid_audit_query"


def test_records_use_the_current_time_by_default() -> None:
    before = timezone.now()
    security.audit_record(action="security.x_done")

    assert AuditRecord.objects.get().occurred_at >= before
