"""The status API: GET /api/v1/status for everyone (cacheable, nothing internal), and the operators' endpoints for
SLOs, incidents, maintenance, alerts and alert channels (platform admins only; bad input is a 422 that saves
nothing)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

import azora.security.public as security
from azora.accounts import public as accounts
from azora.accounts.models import User
from azora.accounts.tests.conftest import session_client
from azora.accounts.tests.factories import UserFactory
from azora.health import incidents, status_page
from azora.health.models import AlertChannel, Incident, IncidentUpdate, MaintenanceWindow
from azora.health.tests.factories_incidents import ProbeBucketFactory, ProbeStateFactory

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture(autouse=True)
def _fresh_status_cache() -> None:
    status_page.invalidate()


@pytest.fixture
def admin() -> User:
    user: User = UserFactory()
    accounts.platform_role_grant(user_id=user.id, role="platform_admin")
    return user


@pytest.fixture
def operator(admin: User) -> Client:
    return session_client(admin)


def post(client: Client, path: str, body: Any) -> Any:
    return client.post(f"/api/v1{path}", data=json.dumps(body), content_type=JSON)


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert (body["status"], body["code"]) == (status, code)
    return body


def test_the_public_status_needs_no_sign_in_and_shows_nothing_internal() -> None:
    ProbeStateFactory(name="certificate_key", service="education", status="down", last_error="key file missing")
    ProbeBucketFactory(probe="certificate_key", service="education", checks=2, failures=2)
    incidents.probe_status_changed(
        probe="certificate_key", service="education", status="down", error="key file missing", at=timezone.now()
    )
    response = Client().get("/api/v1/status")
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "public, max-age=30"
    body = response.json()
    assert body["status"] == "down"
    [service] = body["services"]
    assert (service["service"], service["label"], service["status"]) == ("education", "Courses and learning", "down")
    assert len(service["bars"]) == 90
    assert service["bars"][-1]["uptime_percent"] == 0.0
    [incident] = body["incidents"]
    assert (incident["title"], incident["probe"], incident["automatic"]) == (
        "Courses and learning is unavailable", "", True,
    )  # fmt: skip
    assert [u["message"] for u in incident["updates"]] == [
        "Courses and learning is not working as it should. We are looking into it."
    ]
    text = response.content.decode()
    assert "key file missing" not in text
    assert "certificate_key" not in text


def test_operators_endpoints_refuse_anonymous_callers_and_non_admins() -> None:
    assert_problem(Client().get("/api/v1/health/incidents"), 401, "not_authenticated")
    learner = session_client(UserFactory())
    assert_problem(learner.get("/api/v1/health/slos"), 403, "platform_admin_required")
    assert_problem(post(learner, "/health/incidents", {"service": "platform", "title": "x", "message": "y"}), 403,
                   "platform_admin_required")  # fmt: skip
    assert Incident.objects.count() == 0


def test_an_operator_opens_updates_and_resolves_an_incident_through_the_api(operator: Client) -> None:
    ProbeStateFactory(name="database", service="platform")
    created = post(operator, "/health/incidents", {"service": "platform", "title": "Slow pages", "severity": "minor",
                                                   "message": "Pages take 5 s."})  # fmt: skip
    assert created.status_code == 201, created.content
    incident = created.json()
    assert (incident["title"], incident["status"], len(incident["updates"])) == ("Slow pages", "investigating", 1)
    [record] = security.audit_list(action="health.incident_created").items
    assert (record.target_id, record.ip) == (incident["id"], "127.0.0.1")
    updated = post(operator, f"/health/incidents/{incident['id']}/updates", {"status": "resolved", "message": "Done."})
    assert updated.status_code == 201, updated.content
    assert updated.json()["resolved_at"] is not None
    closed = post(operator, f"/health/incidents/{incident['id']}/updates", {"status": "monitoring", "message": "x"})
    assert_problem(closed, 409, "incident_closed")
    page = operator.get("/api/v1/health/incidents?limit=1").json()
    assert [i["id"] for i in page["items"]] == [incident["id"]]
    assert operator.get(f"/api/v1/health/incidents/{incident['id']}").json()["status"] == "resolved"

    before = (Incident.objects.count(), IncidentUpdate.objects.count())
    bad = post(operator, "/health/incidents", {"service": "nowhere", "title": "x", "message": "y"})
    body = assert_problem(bad, 422, "invalid_incident")
    assert [e["field"] for e in body["errors"]] == ["service"]
    assert (Incident.objects.count(), IncidentUpdate.objects.count()) == before


def test_maintenance_through_the_api(operator: Client) -> None:
    ProbeStateFactory(name="database", service="platform")
    now = timezone.now()
    window = {"title": "Upgrade", "services": ["platform"], "starts_at": now.isoformat(),
              "ends_at": (now + dt.timedelta(hours=1)).isoformat()}  # fmt: skip
    created = post(operator, "/health/maintenance", window)
    assert created.status_code == 201, created.content
    assert (created.json()["services"], created.json()["active"]) == (["platform"], True)
    backwards = window | {"ends_at": (now - dt.timedelta(hours=1)).isoformat()}
    assert_problem(post(operator, "/health/maintenance", backwards), 422, "invalid_maintenance_window")
    assert MaintenanceWindow.objects.count() == 1
    assert [w["title"] for w in operator.get("/api/v1/health/maintenance").json()] == ["Upgrade"]
    assert operator.delete(f"/api/v1/health/maintenance/{created.json()['id']}").status_code == 204
    assert MaintenanceWindow.objects.count() == 0


def test_alert_channels_slos_and_alerts_through_the_api(operator: Client) -> None:
    created = post(operator, "/health/alert-channels", {"name": "Hook", "kind": "webhook",
                                                        "target": "https://hooks.example.com/azora"})  # fmt: skip
    assert created.status_code == 201, created.content
    secret = created.json()["signing_secret"]
    assert len(secret) == 64
    listed = operator.get("/api/v1/health/alert-channels")
    assert [(c["name"], c["target"]) for c in listed.json()] == [("Hook", "https://hooks.example.com/...")]
    assert secret not in listed.content.decode()
    assert_problem(post(operator, "/health/alert-channels", {"name": "x", "kind": "sms", "target": "1"}), 422,
                   "invalid_alert_channel")  # fmt: skip
    assert AlertChannel.objects.count() == 1
    assert operator.delete(f"/api/v1/health/alert-channels/{created.json()['id']}").status_code == 204

    slos = operator.get("/api/v1/health/slos").json()
    assert len(slos) == 17
    assert {"service": "platform", "kind": "availability", "objective_percent": 99.5}.items() <= slos[
        [s["service"] for s in slos].index("platform")
    ].items()
    incidents.probe_status_changed(probe="cache", service="platform", status="down", error="x", at=timezone.now())
    alerts = operator.get("/api/v1/health/alerts?status=firing").json()
    assert [(a["key"], a["severity"]) for a in alerts["items"]] == [("probe_down:cache", "page")]


def test_an_incident_page_costs_the_same_queries_whatever_its_size(
    operator: Client, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from azora.health.tests.factories_incidents import IncidentUpdateFactory

    IncidentUpdateFactory()
    with CaptureQueriesContext(connection) as one:
        operator.get("/api/v1/health/incidents?limit=1")
    for _ in range(5):
        IncidentUpdateFactory.create_batch(2, incident=IncidentUpdateFactory().incident)
    with django_assert_max_num_queries(len(one)):
        page = operator.get("/api/v1/health/incidents?limit=20").json()
    assert len(page["items"]) == 6
    assert sorted(len(i["updates"]) for i in page["items"]) == [1, 3, 3, 3, 3, 3]
