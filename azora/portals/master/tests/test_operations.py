"""The audit log (verification, export), the outbox retry, the probe round button and the AI page of the
Master UI."""

from __future__ import annotations

import json
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

import azora.health.public as health
import azora.security.public as security
from azora.accounts.models import User
from azora.health.registry import ProbeResult
from azora.shared.models import EventDelivery, OutboxEvent

pytestmark = pytest.mark.django_db


def test_verify_chain_says_the_chain_is_intact(operator_client: Client, operator: User) -> None:
    security.audit_record(action="test.first", actor_id=operator.id)
    security.audit_record(action="test.second", actor_id=operator.id)

    response = operator_client.post("/master/audit/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "The chain is intact: 2 records checked." in body
    assert "test.second" in body


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's trigger keeps audit rows append-only")
def test_verify_chain_names_the_first_edited_record(operator_client: Client, operator: User) -> None:
    security.audit_record(action="test.first", actor_id=operator.id)
    security.audit_record(action="test.second", actor_id=operator.id)
    first = security.audit_list(action="test.first").items[0]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE security_auditrecord SET action = %s WHERE id = %s", ["test.forged", first.id.hex])

    response = operator_client.post("/master/audit/")

    assert f"The chain is broken at record {first.sequence}" in response.content.decode()


def test_the_audit_export_streams_json_lines(operator_client: Client, operator: User) -> None:
    security.audit_record(action="test.exported", actor_id=operator.id)

    response = operator_client.get("/master/audit/export/", {"format": "jsonl"})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="azora-audit-')
    lines = [line for line in b"".join(response.streaming_content).decode().splitlines() if line]  # type: ignore[attr-defined]
    assert [json.loads(line)["action"] for line in lines] == ["test.exported"]
    assert operator_client.get("/master/audit/export/", {"format": "xml"}).status_code == 400


def test_retrying_a_dead_delivery_makes_it_due_and_is_audited(operator_client: Client, operator: User) -> None:
    event = OutboxEvent.objects.create(
        id=uuid.uuid4(), event_type="test.happened", payload={}, occurred_at=timezone.now(), status="failed"
    )
    delivery = EventDelivery.objects.create(
        event=event, subscriber_name="test.subscriber", status="dead", attempts=5, last_error_class="RuntimeError"
    )
    assert "test.subscriber" in operator_client.get("/master/operations/").content.decode()

    response = operator_client.post("/master/operations/retry/", {"delivery": [str(delivery.pk)]})

    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status in {"retrying", "handled"}
    records = security.audit_list(action="operations.deliveries_retried").items
    assert [(record.actor_id, record.detail["retried"]) for record in records] == [(operator.id, 1)]


def test_retrying_nothing_says_so_and_writes_nothing(operator_client: Client) -> None:
    response = operator_client.post("/master/operations/retry/", {}, follow=True)

    assert "Choose at least one delivery to retry." in response.content.decode()
    assert security.audit_list(action="operations.deliveries_retried").items == []


def test_run_probes_now_runs_a_round_and_the_services_page_shows_the_probe(operator_client: Client) -> None:
    health.register_probe("master_ui_test_probe", lambda: ProbeResult(ok=True), service="testing")
    try:
        response = operator_client.post("/master/services/run-probes/", follow=True)
    finally:
        health.unregister_probe("master_ui_test_probe")

    body = response.content.decode()
    assert "Probe round done" in body
    assert "master_ui_test_probe" in body
