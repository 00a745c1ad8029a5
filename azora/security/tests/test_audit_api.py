"""GET /api/v1/audit, /audit/export and /audit/verify: platform admins only, filters, cursor, formats."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from azora.security import public as security
from azora.security.models import AuditRecord
from azora.security.tests.factories import UserFactory
from azora.security.tests.factories_privacy import operator

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def operator_client() -> Client:
    client = Client()
    client.force_login(operator())
    return client


def _append(count: int) -> None:
    for index in range(count):
        security.audit_record(
            action="security.ip_rule_created", target_id=f"rule-{index}", occurred_at=AT + dt.timedelta(minutes=index)
        )


def test_an_operator_pages_through_records_newest_first(operator_client: Client) -> None:
    _append(3)

    first = operator_client.get("/api/v1/audit", {"limit": 2})
    second = operator_client.get("/api/v1/audit", {"limit": 2, "cursor": first.json()["next_cursor"]})

    assert first.status_code == 200
    assert [item["sequence"] for item in first.json()["items"]] == [3, 2]
    assert [item["sequence"] for item in second.json()["items"]] == [1]
    item = second.json()["items"][0]
    assert (item["action"], item["target_id"], item["occurred_at"]) == (
        "security.ip_rule_created",
        "rule-0",
        "2026-03-01T12:00:00Z",
    )
    assert item["record_hash"] == AuditRecord.objects.get(sequence=1).record_hash


def test_filters_combine(operator_client: Client) -> None:
    _append(3)

    body = operator_client.get("/api/v1/audit", {"target_id": "rule-1", "since": "2026-03-01T12:00:00Z"}).json()

    assert [item["sequence"] for item in body["items"]] == [2]


def test_the_list_costs_the_same_queries_for_one_record_or_thirty(operator_client: Client) -> None:
    _append(1)
    operator_client.get("/api/v1/audit")  # the session's first request does its own one-off bookkeeping
    with CaptureQueriesContext(connection) as one:
        operator_client.get("/api/v1/audit", {"limit": 30})
    _append(29)
    with CaptureQueriesContext(connection) as thirty:
        response = operator_client.get("/api/v1/audit", {"limit": 30})

    assert len(response.json()["items"]) == 30
    assert len(thirty) == len(one)


@pytest.mark.parametrize(
    "query",
    [{"since": "2026-03-01T12:00:00"}, {"limit": 0}, {"cursor": "not-a-cursor"}, {"actor_id": "x"}],
)
def test_bad_filters_are_problems(operator_client: Client, query: dict[str, str | int]) -> None:
    response = operator_client.get("/api/v1/audit", query)

    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")


def test_people_without_the_role_are_refused() -> None:
    _append(1)
    anonymous = Client().get("/api/v1/audit")
    member = Client()
    member.force_login(UserFactory())
    finance = Client()
    finance.force_login(operator("finance_admin"))

    assert anonymous.status_code == 401
    for client in (member, finance):
        response = client.get("/api/v1/audit")
        assert (response.status_code, response.json()["code"]) == (403, "platform_admin_required")
        assert client.get("/api/v1/audit/export").status_code == 403
        assert client.get("/api/v1/audit/verify").status_code == 403
    assert AuditRecord.objects.count() == 1


def test_export_streams_json_lines_and_is_itself_audited(operator_client: Client) -> None:
    _append(2)

    response = operator_client.get("/api/v1/audit/export")
    rows = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]  # type: ignore[attr-defined]

    assert response.status_code == 200
    assert response["Content-Type"] == "application/jsonl; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="azora-audit.jsonl"'
    assert [row["action"] for row in rows] == ["security.ip_rule_created"] * 2 + ["security.audit_exported"]
    assert rows[2]["detail"] == {"format": "jsonl", "since": None, "until": None}


def test_export_as_csv_for_a_period(operator_client: Client) -> None:
    _append(3)

    response = operator_client.get(
        "/api/v1/audit/export", {"format": "csv", "since": "2026-03-01T12:01:00Z", "until": "2026-03-01T12:02:00Z"}
    )
    lines = b"".join(response.streaming_content).decode().splitlines()  # type: ignore[attr-defined]

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert len(lines) == 2
    assert lines[1].startswith("2,")


def test_an_unknown_export_format_is_a_problem_and_nothing_is_recorded(operator_client: Client) -> None:
    response = operator_client.get("/api/v1/audit/export", {"format": "xml"})

    assert response.status_code == 422
    assert AuditRecord.objects.count() == 0


def test_verify_reports_the_chain(operator_client: Client) -> None:
    _append(2)

    body = operator_client.get("/api/v1/audit/verify").json()

    assert body == {"ok": True, "records_checked": 2, "first_bad_sequence": None, "problem": ""}


def test_the_list_with_a_format_gives_the_export(operator_client: Client) -> None:
    _append(2)

    response = operator_client.get("/api/v1/audit", {"format": "csv"})
    lines = b"".join(response.streaming_content).decode().splitlines()  # type: ignore[attr-defined]

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert [line.split(",")[0] for line in lines] == ["sequence", "1", "2", "3"]
    assert AuditRecord.objects.get(sequence=3).action == "security.audit_exported"
