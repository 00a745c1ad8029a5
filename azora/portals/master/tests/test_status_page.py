"""The public /status page: no sign-in, services by their human names with 90-day bars drawn without inline
styles or scripts, incidents in public words (never probe names or errors), maintenance, and translated."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

import azora.health.public as health
from azora.accounts.tests.factories import UserFactory
from azora.health import incidents, status_page
from azora.health.tests.factories_incidents import (
    MaintenanceWindowFactory,
    ProbeBucketFactory,
    ProbeStateFactory,
)
from azora.portals.master.views.status import bar_kind

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_status_cache() -> None:
    status_page.invalidate()


def test_status_needs_no_sign_in_and_says_all_is_well() -> None:
    ProbeStateFactory(name="database", service="platform")
    ProbeBucketFactory(probe="database", service="platform")
    response = Client().get("/status")
    assert response.status_code == 200
    html = response.content.decode()
    assert "All systems operational" in html
    assert "<h3>Platform</h3>" in html
    assert len(re.findall(r'<rect class="status-bar status-bar--', html)) == 90
    assert html.count("status-bar--good") == 1
    assert html.count("status-bar--none") == 89
    assert 'role="img" aria-label="Platform: 100.00% uptime over 90 days."' in html
    assert " style=" not in html  # the strict CSP allows no inline styles


def test_an_outage_shows_in_public_words_with_its_operator_updates() -> None:
    ProbeStateFactory(name="certificate_key", service="education", status="down", last_error="disk /keys missing")
    ProbeBucketFactory(probe="certificate_key", service="education", failures=2)
    incidents.probe_status_changed(
        probe="certificate_key", service="education", status="down", error="disk /keys missing", at=timezone.now()
    )
    incident = health.incident_list(open_only=True)[0]
    health.incident_update_add(
        actor_id=UserFactory().id, incident_id=incident.id, status="identified", message="A <b>key</b> rotation."
    )
    html = Client().get("/status").content.decode()
    assert "Some services are down" in html
    assert "Courses and learning is unavailable" in html
    assert "Courses and learning is not working as it should." in html
    assert "A &lt;b&gt;key&lt;/b&gt; rotation." in html  # operators' words, escaped
    assert "certificate_key" not in html
    assert "/keys missing" not in html
    assert "1 day with downtime" in html


def test_a_service_down_reads_as_out_of_service_in_french_not_as_a_direction() -> None:
    ProbeStateFactory(name="certificate_key", service="education", status="down")
    incidents.probe_status_changed(
        probe="certificate_key", service="education", status="down", error="", at=timezone.now()
    )
    html = Client(headers={"accept-language": "fr"}).get("/status").content.decode()
    assert "En panne" in html
    assert "Descendre" not in html


def test_maintenance_is_announced_and_the_page_is_translated() -> None:
    ProbeStateFactory(name="database", service="platform")
    MaintenanceWindowFactory(title="Database upgrade", services=["platform"])
    MaintenanceWindowFactory(
        title="Next week", services=[], starts_at=timezone.now() + dt.timedelta(days=7),
        ends_at=timezone.now() + dt.timedelta(days=7, hours=1),
    )  # fmt: skip
    html = Client().get("/status").content.decode()
    assert "Maintenance in progress" in html
    assert "Database upgrade" in html
    assert "Affects: Platform" in html
    assert "Affects every service." in html
    french = Client(headers={"accept-language": "fr"}).get("/status")
    assert french.status_code == 200
    assert '<html lang="fr"' in french.content.decode()


def test_bars_are_coloured_by_uptime() -> None:
    day = dt.date(2026, 11, 26)
    assert [
        bar_kind(health.DayBar(day=day, uptime_percent=value, down_minutes=0))
        for value in (None, 100.0, 99.9, 99.5, 99.0, 98.9)
    ] == ["none", "good", "good", "partial", "partial", "outage"]
