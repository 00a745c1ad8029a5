"""Incidents and maintenance in the Master UI: open one, post updates until it is resolved, plan maintenance;
bad input comes back beside the form and saves nothing."""

from __future__ import annotations

import pytest
from django.test import Client

import azora.health.public as health
from azora.health.models import Incident, MaintenanceWindow

pytestmark = pytest.mark.django_db


def open_incident(client: Client) -> str:
    response = client.post(
        "/master/incidents/",
        {
            "incident-service": "payments",
            "incident-title": "Card payments failing",
            "incident-severity": "major",
            "incident-message": "We are looking into failed card payments.",
        },
    )
    assert response.status_code == 302
    return str(response["Location"])


def test_an_operator_opens_an_incident_posts_updates_and_resolves_it(operator_client: Client) -> None:
    location = open_incident(operator_client)
    page = operator_client.get(location).content.decode()
    assert "Card payments failing" in page
    assert "We are looking into failed card payments." in page

    identified = operator_client.post(location, {"update-status": "identified", "update-message": "Provider outage."})
    resolved = operator_client.post(location, {"update-status": "resolved", "update-message": "Payments work again."})

    assert (identified.status_code, resolved.status_code) == (302, 302)
    (incident,) = health.incident_list()
    assert incident.status == "resolved"
    assert incident.resolved_at is not None
    assert [update.status for update in incident.updates][-2:] == ["identified", "resolved"]
    assert "Post an update" not in operator_client.get(location).content.decode()


def test_an_incident_without_a_title_is_refused_and_nothing_is_saved(operator_client: Client) -> None:
    response = operator_client.post(
        "/master/incidents/",
        {"incident-service": "payments", "incident-severity": "major", "incident-message": "Something"},
    )

    assert response.status_code == 422
    assert Incident.objects.count() == 0


def test_maintenance_that_ends_before_it_starts_is_refused_and_nothing_is_saved(operator_client: Client) -> None:
    response = operator_client.post(
        "/master/maintenance/",
        {
            "maintenance-title": "Database upgrade",
            "maintenance-services": "platform",
            "maintenance-starts_at": "2030-01-02T10:00",
            "maintenance-ends_at": "2030-01-02T09:00",
        },
    )

    assert response.status_code == 422
    assert MaintenanceWindow.objects.count() == 0


def test_maintenance_planned_from_the_page_is_listed_and_can_be_removed(operator_client: Client) -> None:
    response = operator_client.post(
        "/master/maintenance/",
        {
            "maintenance-title": "Database upgrade",
            "maintenance-services": "platform, payments",
            "maintenance-starts_at": "2030-01-02T09:00",
            "maintenance-ends_at": "2030-01-02T10:00",
        },
    )

    assert response.status_code == 302
    (window,) = health.maintenance_list()
    assert sorted(window.services) == ["payments", "platform"]
    assert window.starts_at.isoformat() == "2030-01-02T09:00:00+00:00"
    assert "Database upgrade" in operator_client.get("/master/incidents/").content.decode()

    removed = operator_client.post(f"/master/maintenance/{window.id}/delete/")

    assert removed.status_code == 302
    assert health.maintenance_list() == []


def test_an_unknown_incident_is_not_found(operator_client: Client) -> None:
    response = operator_client.get("/master/incidents/0190f1e2-0000-7000-8000-000000000001/")

    assert response.status_code == 404
