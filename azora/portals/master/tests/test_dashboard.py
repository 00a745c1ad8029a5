"""The operators' dashboard shows the platform's figures: users, enrolments, open incidents, security events
today (by kind), AZR burned, and the charts' figures as text."""

from __future__ import annotations

import pytest
from django.test import Client

import azora.health.public as health
import azora.security.public as security
from azora.accounts.models import User
from azora.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_dashboard_shows_the_platforms_figures(operator_client: Client, operator: User, learner: User) -> None:
    UserFactory()
    health.incident_create(
        actor_id=operator.id, service="payments", title="Slow payments", severity="minor", message="Looking."
    )
    security.security_event_record(kind="login_failed", summary="Failed sign-in", ip="192.0.2.1")

    response = operator_client.get("/master/")

    assert response.status_code == 200
    figures = response.context
    assert (figures["users"].total, figures["enrolments"]) == (3, 0)
    assert [incident.title for incident in figures["open_incidents"]] == ["Slow payments"]
    assert figures["events_today"] == [("login_failed", 1)]
    body = response.content.decode()
    assert "New accounts per day" in body
    assert '<table class="visually-hidden">' in body
    assert "0.00 AZR" in body
