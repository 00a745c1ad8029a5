"""Incidents: opened automatically when a probe goes down and resolved when it recovers; operators' incidents and
updates, audited; bad input changes nothing."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

import azora.security.public as security
from azora.accounts.tests.factories import UserFactory
from azora.health import incidents
from azora.health.errors import IncidentClosed, IncidentNotFound, InvalidIncident
from azora.health.models import Alert, AlertDelivery, Incident, IncidentUpdate
from azora.health.tests.factories_incidents import AlertChannelFactory, IncidentFactory, ProbeStateFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)


def counts() -> tuple[int, int]:
    return Incident.objects.count(), IncidentUpdate.objects.count()


def audit_actions() -> list[str]:
    return [record.action for record in security.audit_list(limit=100).items]


def test_a_probe_going_down_opens_one_incident_and_its_recovery_closes_it(
    django_capture_on_commit_callbacks: Any,
) -> None:
    AlertChannelFactory(target="oncall@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        incidents.probe_status_changed(
            probe="database", service="platform", status="down", error="connection refused", at=NOW
        )
    incident = Incident.objects.get()
    assert (incident.service, incident.title, incident.status, incident.automatic, incident.probe) == (
        "platform", "database is down", "investigating", True, "database",
    )  # fmt: skip
    assert (incident.opened_at, incident.resolved_at) == (NOW, None)
    assert list(incident.updates.values_list("status", "message")) == [
        ("investigating", "database is down: connection refused")
    ]
    alert = Alert.objects.get()
    assert (alert.key, alert.rule, alert.severity, alert.status) == (
        "probe_down:database", "probe_down", "page", "firing",
    )  # fmt: skip
    assert [m.subject for m in mail.outbox] == ["[Azora FIRING] database is down: connection refused"]

    # Still down on a later round: nothing new.
    incidents.probe_status_changed(probe="database", service="platform", status="down", error="again", at=NOW)
    assert counts() == (1, 1)

    later = NOW + dt.timedelta(minutes=3)
    with django_capture_on_commit_callbacks(execute=True):
        incidents.probe_status_changed(probe="database", service="platform", status="up", error="", at=later)
    incident.refresh_from_db()
    assert (incident.status, incident.resolved_at) == ("resolved", later)
    assert list(incident.updates.order_by("created_at").values_list("status", "message")) == [
        ("investigating", "database is down: connection refused"),
        ("resolved", "database has recovered"),
    ]
    alert.refresh_from_db()
    assert (alert.status, alert.resolved_at) == ("resolved", later)
    assert [m.subject for m in mail.outbox][-1] == "[Azora RESOLVED] database is down: again"
    assert AlertDelivery.objects.filter(status="sent").count() == 2


def test_a_new_outage_after_recovery_is_a_new_incident() -> None:
    for status, minute in (("down", 0), ("up", 5), ("down", 10)):
        incidents.probe_status_changed(
            probe="cache", service="platform", status=status, error="timeout", at=NOW + dt.timedelta(minutes=minute)
        )
    assert list(Incident.objects.order_by("opened_at").values_list("resolved_at", flat=True)) == [
        NOW + dt.timedelta(minutes=5),
        None,
    ]


def test_a_recovery_without_an_open_incident_changes_nothing() -> None:
    incidents.probe_status_changed(probe="cache", service="platform", status="up", error="", at=NOW)
    assert counts() == (0, 0)
    assert Alert.objects.count() == 0


def test_operators_open_update_and_resolve_an_incident_audited() -> None:
    ProbeStateFactory(name="database", service="platform")
    operator = UserFactory()
    opened = incidents.incident_create(
        actor_id=operator.id, service="platform", title="  Slow   sign-in ", severity="minor",
        message="Sign-in takes a minute.", now=NOW,
    )  # fmt: skip
    assert (opened.title, opened.severity, opened.status, opened.automatic, opened.opened_at) == (
        "Slow sign-in", "minor", "investigating", False, NOW,
    )  # fmt: skip
    assert [(u.status, u.message, u.author_id) for u in opened.updates] == [
        ("investigating", "Sign-in takes a minute.", operator.id)
    ]
    identified = incidents.incident_update_add(
        actor_id=operator.id, incident_id=opened.id, status="identified", message="A slow query."
    )
    assert (identified.status, identified.resolved_at, len(identified.updates)) == ("identified", None, 2)
    resolved = incidents.incident_update_add(
        actor_id=operator.id, incident_id=opened.id, status="resolved", message="Fixed.", now=NOW
    )
    assert (resolved.status, resolved.resolved_at) == ("resolved", NOW)
    assert [u.status for u in resolved.updates] == ["investigating", "identified", "resolved"]
    assert audit_actions()[:3] == ["health.incident_updated", "health.incident_updated", "health.incident_created"]

    before = counts()
    with pytest.raises(IncidentClosed):
        incidents.incident_update_add(actor_id=operator.id, incident_id=opened.id, status="monitoring", message="x")
    assert counts() == before


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"service": "nonexistent"}, "service"),
        ({"service": "Bad Name"}, "service"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"severity": "apocalyptic"}, "severity"),
        ({"message": ""}, "message"),
        ({"message": "nul\x00byte"}, "message"),
    ],
)
def test_a_bad_incident_is_refused_with_its_field_and_saves_nothing(fields: dict[str, str], field: str) -> None:
    ProbeStateFactory(name="database", service="platform")
    arguments = {"service": "platform", "title": "Slow", "severity": "major", "message": "Looking."} | fields
    with pytest.raises(InvalidIncident) as raised:
        incidents.incident_create(
            actor_id=UserFactory().id, service=arguments["service"], title=arguments["title"],
            severity=arguments["severity"], message=arguments["message"],
        )  # fmt: skip
    assert raised.value.code == "invalid_incident"
    assert [error["field"] for error in raised.value.extra["errors"]] == [field]
    assert counts() == (0, 0)
    assert audit_actions() == []


def test_a_bad_update_or_an_unknown_incident_changes_nothing() -> None:
    incident = IncidentFactory()
    operator = UserFactory()
    with pytest.raises(InvalidIncident):
        incidents.incident_update_add(actor_id=operator.id, incident_id=incident.id, status="fixed", message="x")
    with pytest.raises(IncidentNotFound):
        incidents.incident_update_add(actor_id=operator.id, incident_id=uuid.uuid4(), status="resolved", message="x")
    incident.refresh_from_db()
    assert (incident.status, incident.resolved_at, IncidentUpdate.objects.count()) == ("investigating", None, 0)


def test_incident_pages_are_newest_first_with_a_cursor() -> None:
    for hours in range(5):
        IncidentFactory(title=f"incident {hours}", opened_at=NOW - dt.timedelta(hours=hours))
    IncidentFactory(title="old and resolved", opened_at=NOW - dt.timedelta(days=1), resolved_at=NOW)
    first = incidents.incident_page(limit=4)
    assert [i.title for i in first.items] == ["incident 0", "incident 1", "incident 2", "incident 3"]
    second = incidents.incident_page(limit=4, cursor=first.next_cursor)
    assert ([i.title for i in second.items], second.next_cursor) == (["incident 4", "old and resolved"], None)
    assert len(incidents.incident_page(open_only=True, limit=10).items) == 5
    assert [i.title for i in incidents.incident_list(open_only=True, limit=2)] == ["incident 0", "incident 1"]


@override_settings(AZORA_HEALTH_ALERT_EMAILS=["ops@example.com"])
def test_an_outage_during_maintenance_opens_its_incident_but_alerts_nobody(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from azora.health.tests.factories_incidents import MaintenanceWindowFactory

    MaintenanceWindowFactory(
        services=["platform"], starts_at=NOW - dt.timedelta(hours=1), ends_at=NOW + dt.timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        incidents.probe_status_changed(probe="database", service="platform", status="down", error="x", at=NOW)
    assert Incident.objects.filter(resolved_at__isnull=True).count() == 1
    assert Alert.objects.get().status == "firing"
    assert list(AlertDelivery.objects.values_list("status", flat=True)) == ["suppressed"]
    assert mail.outbox == []
    assert timezone.is_aware(Incident.objects.get().opened_at)


def test_probe_rounds_open_the_incident_after_the_failure_threshold_and_close_it_after_the_success_threshold(
    django_capture_on_commit_callbacks: Any,
) -> None:
    import azora.health.public as health

    failing = {"now": True}

    def flaky() -> health.ProbeResult | None:
        if failing["now"]:
            raise RuntimeError("flaky is broken")
        return None

    health.register_probe("flaky_for_incidents", flaky, critical=False, service="education")
    try:
        rounds = [NOW + dt.timedelta(seconds=30 * n) for n in range(6)]
        with django_capture_on_commit_callbacks(execute=True):
            for at in rounds[:2]:
                health.probe_round_run(now=at)
        assert Incident.objects.filter(probe="flaky_for_incidents").count() == 0  # two failures: a blip
        with django_capture_on_commit_callbacks(execute=True):
            health.probe_round_run(now=rounds[2])
        incident = Incident.objects.get(probe="flaky_for_incidents")
        assert (incident.service, incident.opened_at, incident.resolved_at) == ("education", rounds[2], None)
        failing["now"] = False
        with django_capture_on_commit_callbacks(execute=True):
            health.probe_round_run(now=rounds[3])
            assert Incident.objects.get(probe="flaky_for_incidents").resolved_at is None  # one success
            health.probe_round_run(now=rounds[4])
        incident.refresh_from_db()
        assert (incident.status, incident.resolved_at) == ("resolved", rounds[4])
        assert Alert.objects.get(key="probe_down:flaky_for_incidents").status == "resolved"
    finally:
        health.unregister_probe("flaky_for_incidents")
