"""Operators' HTTP checks: Gatus-style conditions, saving (validated, audited, nothing saved when malformed),
running against a real local HTTP server in a probe round, and the /api/v1/health/checks and /probes endpoints."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import Client

import azora.security.public as security
from azora.accounts import public as accounts
from azora.accounts.models import User
from azora.accounts.tests.conftest import session_client
from azora.accounts.tests.factories import UserFactory
from azora.health import round as probe_round
from azora.health.errors import HttpCheckNotFound, InvalidHttpCheck
from azora.health.http_checks import Answer, condition_holds, condition_parse, redacted_url
from azora.health.models import HttpCheck, ProbeState
from azora.health.public import (
    http_check_create,
    http_check_delete,
    http_check_list,
    http_check_update,
    probe_round_run,
)
from azora.health.registry import ProbeRegistry

JSON = "application/json"
UP_BODY = json.dumps({"status": "UP", "items": [{"state": "ok"}], "ready": True, "count": 3})


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/slow":
            time.sleep(3)  # far past the check's timeout: the check gives up, the server thread is a daemon
        status, body = (200, UP_BODY) if self.path in ("/health", "/slow") else (503, "down for maintenance")
        encoded = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json" if status == 200 else "text/plain")
        self.send_header("Content-Length", str(len(encoded)))
        self.end_headers()
        self.wfile.write(encoded)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def server() -> Iterator[str]:
    """A real HTTP server on a free local port, in a thread, for the test's duration."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def admin() -> User:
    user = UserFactory()
    accounts.platform_role_grant(user_id=user.id, role="platform_admin")
    return user


def answer(status: int = 200, body: str = UP_BODY, ms: float = 120.0, connected: bool = True) -> Answer:
    return Answer(status=status, body=body, response_time_ms=ms, connected=connected)


def audited(action: str) -> list[Any]:
    return security.audit_list(action=action).items


# --- conditions (pure) --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "holds"),
    [
        ("[STATUS] == 200", True),
        ("[STATUS] != 200", False),
        ("[STATUS] == any(200, 204)", True),
        ("[STATUS] < 300", True),
        ("[BODY].status == UP", True),
        ("[BODY].status == DOWN", False),
        ("[BODY].items[0].state == ok", True),
        ("[BODY].items[1].state == ok", False),
        ("[BODY].ready == true", True),
        ("[BODY].count >= 3", True),
        ("[BODY].missing == UP", False),
        ('[BODY] == pat(*"UP"*)', True),
        ("[BODY] == pat(*DOWN*)", False),
        ("[RESPONSE_TIME] < 500", True),
        ("[RESPONSE_TIME] < 100", False),
        ("[CONNECTED] == true", True),
    ],
)
def test_conditions_hold_as_gatus_reads_them(text: str, holds: bool) -> None:
    assert condition_holds(condition_parse(text), answer()) is holds


def test_a_body_that_is_not_json_fails_a_body_path_condition() -> None:
    assert condition_holds(condition_parse("[BODY].status == UP"), answer(body="<html>")) is False


def test_no_connection_fails_every_condition_but_connected_false() -> None:
    lost = answer(status=0, body="", connected=False)
    assert condition_holds(condition_parse("[STATUS] == 200"), lost) is False
    assert condition_holds(condition_parse("[CONNECTED] == false"), lost) is True


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("STATUS == 200", "Write a condition as"),
        ("[STATUS] 200", "Write a condition as"),
        ("[HEADERS] == x", "Unknown placeholder [HEADERS]"),
        ("[STATUS].code == 200", "Only [BODY] takes a path"),
        ("[RESPONSE_TIME] < fast", "< compares numbers: fast is not one"),
        ("[BODY] < pat(*ok*)", "< compares numbers"),
        ("[BODY].a..b == 1", "The body path a..b is malformed"),
        ("[BODY] == pat(*ok*", "pat(...) and any(...) go with == or != and end with ')'"),
        ("[STATUS] == " + "9" * 200, "at most 200 characters"),
    ],
)
def test_malformed_conditions_say_why(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        condition_parse(text)


def test_audit_and_logs_keep_the_url_without_its_query() -> None:
    assert redacted_url("https://status.example.com/ping?token=s3cret#x") == "https://status.example.com/ping"


# --- saving -------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_check_is_saved_normalised_and_audited(admin: User) -> None:
    view = http_check_create(
        actor_id=admin.id, name="status-page", url="https://status.example.com/ping?token=s3cret",
        conditions=["  [STATUS] == 200 ", "[RESPONSE_TIME] < 500"], service="external", timeout_ms=2000,
    )  # fmt: skip

    assert (view.name, view.conditions, view.timeout_ms, view.method, view.enabled) == (
        "status-page", ("[STATUS] == 200", "[RESPONSE_TIME] < 500"), 2000, "GET", True
    )  # fmt: skip
    assert http_check_list() == [view]
    [record] = audited("health.http_check_created")
    assert (record.actor_id, record.target_id) == (admin.id, str(view.id))
    assert record.detail["url"] == "https://status.example.com/ping"
    assert "s3cret" not in json.dumps(record.detail)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": "Status Page"}, "name", "lower-case letters, digits and hyphens"),
        ({"url": "ftp://example.com/x"}, "url", "http or https URL"),
        ({"url": "https://user:pw@example.com/"}, "url", "no credentials"),
        ({"method": "DELETE"}, "method", "GET, HEAD or POST"),
        ({"timeout_ms": 50}, "timeout_ms", "from 100 to 5000 ms"),
        ({"timeout_ms": 60_000}, "timeout_ms", "from 100 to 5000 ms"),
        ({"conditions": []}, "conditions", "1 to 20 conditions"),
        ({"conditions": ["[STATUS] == 200", "[NOPE] == 1"]}, "conditions[1]", "Unknown placeholder [NOPE]"),
        ({"service": "Bad-Service"}, "service", "lower-case letters"),
    ],
)
def test_a_malformed_check_is_refused_and_nothing_is_saved(
    admin: User, fields: dict[str, Any], field: str, message: str
) -> None:
    good: dict[str, Any] = {
        "name": "status-page",
        "url": "https://status.example.com/",
        "conditions": ["[STATUS] == 200"],
    }

    with pytest.raises(InvalidHttpCheck) as error:
        http_check_create(actor_id=admin.id, **{**good, **fields})

    assert error.value.extra["errors"][0]["field"] == field
    assert message in error.value.extra["errors"][0]["message"]
    assert HttpCheck.objects.count() == 0
    assert audited("health.http_check_created") == []


@pytest.mark.django_db
def test_a_second_check_with_the_same_name_is_refused(admin: User) -> None:
    http_check_create(
        actor_id=admin.id, name="status-page", url="https://a.example.com/", conditions=["[STATUS] == 200"]
    )

    with pytest.raises(InvalidHttpCheck, match="Another check already has this name"):
        http_check_create(
            actor_id=admin.id, name="status-page", url="https://b.example.com/", conditions=["[STATUS] == 200"]
        )

    assert list(HttpCheck.objects.values_list("url", flat=True)) == ["https://a.example.com/"]


@pytest.mark.django_db
def test_update_changes_only_the_given_fields_and_refuses_bad_ones(admin: User) -> None:
    view = http_check_create(
        actor_id=admin.id, name="status-page", url="https://a.example.com/", conditions=["[STATUS] == 200"]
    )

    changed = http_check_update(actor_id=admin.id, check_id=view.id, enabled=False, timeout_ms=1000)
    assert (changed.enabled, changed.timeout_ms, changed.url) == (False, 1000, "https://a.example.com/")
    with pytest.raises(InvalidHttpCheck):
        http_check_update(actor_id=admin.id, check_id=view.id, conditions=["[STATUS] ==="])
    with pytest.raises(InvalidHttpCheck, match="cannot be changed"):
        http_check_update(actor_id=admin.id, check_id=view.id, created_by=None)
    with pytest.raises(HttpCheckNotFound):
        http_check_update(actor_id=admin.id, check_id=uuid.uuid4(), enabled=True)

    row = HttpCheck.objects.get()
    assert (row.conditions, row.enabled) == (["[STATUS] == 200"], False)
    [record] = audited("health.http_check_updated")
    assert record.detail["changed"] == ["enabled", "timeout_ms"]


@pytest.mark.django_db
def test_delete_removes_the_check_and_is_audited(admin: User) -> None:
    view = http_check_create(
        actor_id=admin.id, name="status-page", url="https://a.example.com/", conditions=["[STATUS] == 200"]
    )

    http_check_delete(actor_id=admin.id, check_id=view.id)

    assert HttpCheck.objects.count() == 0
    assert [record.target_id for record in audited("health.http_check_deleted")] == [str(view.id)]
    with pytest.raises(HttpCheckNotFound):
        http_check_delete(actor_id=admin.id, check_id=view.id)


# --- running in a round ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_round_runs_enabled_checks_against_a_real_server(
    admin: User, server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(probe_round, "registry", ProbeRegistry())
    conditions = ["[STATUS] == 200", "[BODY].status == UP", "[RESPONSE_TIME] < 5000"]
    http_check_create(actor_id=admin.id, name="api", url=f"{server}/health", conditions=conditions, service="partner")
    http_check_create(actor_id=admin.id, name="maintenance", url=f"{server}/gone", conditions=conditions)
    http_check_create(actor_id=admin.id, name="slow", url=f"{server}/slow", conditions=conditions, timeout_ms=200)
    http_check_create(actor_id=admin.id, name="off", url=f"{server}/gone", conditions=conditions, enabled=False)

    report = probe_round_run()

    assert (report.probes, report.failed) == (3, ("http:maintenance", "http:slow"))
    states = {row.name: row for row in ProbeState.objects.all()}
    assert set(states) == {"http:api", "http:maintenance", "http:slow"}
    assert (states["http:api"].status, states["http:api"].service) == ("up", "partner")
    assert states["http:maintenance"].last_error == "status 503; failed: [STATUS] == 200; [BODY].status == UP"
    assert states["http:slow"].last_error == "no connection; failed: [STATUS] == 200; [BODY].status == UP"


# --- API ------------------------------------------------------------------------------------------------------------


def post(client: Client, body: Any) -> Any:
    return client.post("/api/v1/health/checks", data=json.dumps(body), content_type=JSON)


@pytest.mark.django_db
def test_operators_manage_checks_through_the_api(admin: User) -> None:
    client = session_client(admin)
    body = {"name": "status-page", "url": "https://status.example.com/", "conditions": ["[STATUS] == 200"]}

    created = post(client, body)
    assert created.status_code == 201, created.content
    check_id = created.json()["id"]
    listed = client.get("/api/v1/health/checks").json()
    assert ([item["name"] for item in listed["items"]], listed["next_cursor"]) == (["status-page"], None)
    patched = client.patch(f"/api/v1/health/checks/{check_id}", data=json.dumps({"enabled": False}), content_type=JSON)
    assert (patched.status_code, patched.json()["enabled"], patched.json()["url"]) == (
        200, False, "https://status.example.com/"
    )  # fmt: skip
    assert client.get(f"/api/v1/health/checks/{check_id}").json()["enabled"] is False
    assert client.delete(f"/api/v1/health/checks/{check_id}").status_code == 204
    assert client.get(f"/api/v1/health/checks/{check_id}").json()["code"] == "http_check_not_found"


@pytest.mark.django_db
def test_a_malformed_check_is_a_422_problem_naming_the_field(admin: User) -> None:
    response = post(session_client(admin), {"name": "x", "url": "https://a.example.com/", "conditions": ["[STATUS] ="]})

    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert (body["code"], body["errors"][0]["field"]) == ("invalid_http_check", "conditions[0]")
    assert HttpCheck.objects.count() == 0


@pytest.mark.django_db
def test_people_who_are_not_platform_admins_are_refused() -> None:
    client = session_client(UserFactory())
    body = {"name": "x", "url": "https://a.example.com/", "conditions": ["[STATUS] == 200"]}

    assert post(client, body).json()["code"] == "platform_admin_required"
    assert client.get("/api/v1/health/probes").status_code == 403
    assert HttpCheck.objects.count() == 0


@pytest.mark.django_db
def test_operators_read_every_probes_state_with_its_uptime(admin: User, monkeypatch: pytest.MonkeyPatch) -> None:
    registry = ProbeRegistry()
    registry.register("search", lambda: None, service="education")
    monkeypatch.setattr(probe_round, "registry", registry)
    probe_round_run()

    items = session_client(admin).get("/api/v1/health/probes").json()["items"]

    assert [(item["name"], item["service"], item["status"], item["uptime_24h"]) for item in items] == [
        ("search", "education", "up", 100.0)
    ]
