"""Maintenance windows: planned, listed and cancelled (audited); bad windows are refused and save nothing; an
active window silences its services' alerts, and a still-firing alert is told once the window is over."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.core import mail

import azora.security.public as security
from azora.accounts.tests.factories import UserFactory
from azora.health import alerts, maintenance
from azora.health.errors import InvalidMaintenanceWindow, MaintenanceNotFound
from azora.health.models import AlertDelivery, MaintenanceWindow
from azora.health.tests.factories_incidents import AlertChannelFactory, MaintenanceWindowFactory, ProbeStateFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


@pytest.fixture(autouse=True)
def _services() -> None:
    ProbeStateFactory(name="database", service="platform")
    ProbeStateFactory(name="certificate_key", service="education")


def test_a_window_is_planned_listed_and_cancelled_audited() -> None:
    operator = UserFactory()
    window = maintenance.maintenance_create(
        actor_id=operator.id, title=" Database upgrade ", services=["platform", "platform"],
        starts_at=NOW - HOUR, ends_at=NOW + HOUR, now=NOW,
    )  # fmt: skip
    assert (window.title, window.services, window.active) == ("Database upgrade", ("platform",), True)
    later = maintenance.maintenance_create(
        actor_id=operator.id, title="Everything", services=[], starts_at=NOW + 2 * HOUR, ends_at=NOW + 3 * HOUR,
        now=NOW,
    )  # fmt: skip
    assert [(w.title, w.active) for w in maintenance.maintenance_list(now=NOW)] == [
        ("Database upgrade", True),
        ("Everything", False),
    ]
    assert maintenance.is_silenced(service="platform", now=NOW)
    assert not maintenance.is_silenced(service="education", now=NOW)
    assert maintenance.is_silenced(service="education", now=NOW + 2 * HOUR)  # no services listed: all
    assert maintenance.services_in_maintenance(now=NOW) == (False, {"platform"})

    maintenance.maintenance_delete(actor_id=operator.id, window_id=later.id)
    assert [w.title for w in maintenance.maintenance_list(include_past=True, now=NOW)] == ["Database upgrade"]
    with pytest.raises(MaintenanceNotFound):
        maintenance.maintenance_delete(actor_id=operator.id, window_id=uuid.uuid4())
    assert [r.action for r in security.audit_list(limit=10).items] == [
        "health.maintenance_deleted",
        "health.maintenance_created",
        "health.maintenance_created",
    ]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"ends_at": NOW - 2 * HOUR}, "ends_at"),  # before it starts
        ({"starts_at": NOW - 3 * HOUR, "ends_at": NOW - 2 * HOUR}, "ends_at"),  # already over
        ({"ends_at": NOW + dt.timedelta(days=8)}, "ends_at"),  # too long
        ({"starts_at": dt.datetime(2026, 11, 26, 13, 0)}, "starts_at"),  # no time zone
        ({"services": ["platform", "nonexistent"]}, "services.1"),
        ({"title": ""}, "title"),
    ],
)
def test_a_bad_window_is_refused_and_saves_nothing(fields: dict[str, Any], field: str) -> None:
    arguments: dict[str, Any] = {
        "title": "Upgrade", "services": ["platform"], "starts_at": NOW - HOUR, "ends_at": NOW + HOUR,
    } | fields  # fmt: skip
    with pytest.raises(InvalidMaintenanceWindow) as raised:
        maintenance.maintenance_create(
            actor_id=UserFactory().id, title=arguments["title"], services=arguments["services"],
            starts_at=arguments["starts_at"], ends_at=arguments["ends_at"], now=NOW,
        )  # fmt: skip
    assert raised.value.code == "invalid_maintenance_window"
    assert [error["field"] for error in raised.value.extra["errors"]] == [field]
    assert MaintenanceWindow.objects.count() == 0
    assert security.audit_list(limit=10).items == []


def test_alerts_are_silenced_in_the_window_and_told_after_it(django_capture_on_commit_callbacks: Any) -> None:
    AlertChannelFactory(target="oncall@example.com")
    MaintenanceWindowFactory(services=["platform"], starts_at=NOW - HOUR, ends_at=NOW + HOUR)
    with django_capture_on_commit_callbacks(execute=True):
        alerts.alert_fire(key="probe_down:database", rule="probe_down", service="platform", severity="page",
                          summary="database is down", now=NOW)  # fmt: skip
        alerts.alert_fire(key="probe_down:certificate_key", rule="probe_down", service="education",
                          severity="page", summary="certificate_key is down", now=NOW)  # fmt: skip
    assert [m.subject for m in mail.outbox] == ["[Azora FIRING] certificate_key is down"]
    assert AlertDelivery.objects.filter(status="suppressed").count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        assert alerts.alerts_repeat_due(now=NOW + dt.timedelta(minutes=30)) == 0  # still in the window
        assert alerts.alerts_repeat_due(now=NOW + HOUR + dt.timedelta(minutes=1)) == 1  # the window is over
    assert [m.subject for m in mail.outbox][-1] == "[Azora FIRING] database is down"
