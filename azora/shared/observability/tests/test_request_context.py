"""The request context middleware: request ids on every response, and the structured access log."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
import structlog
from django.test import Client

from azora.shared.observability.tests.conftest import CapturedLog

pytestmark = [pytest.mark.django_db, pytest.mark.urls("azora.shared.observability.tests.urls")]

TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
TRACEPARENT = f"00-{TRACE_ID}-b7ad6b7169203331-01"
ACCESS_KEYS = [
    "timestamp", "level", "logger", "event", "request_id", "user_id", "trace_id", "span_id",
    "method", "route", "status", "duration_ms",
]  # fmt: skip


def test_a_well_formed_request_id_is_echoed(client: Client) -> None:
    response = client.get("/livez", headers={"X-Request-ID": "edge-42.a:b"})
    assert response["X-Request-ID"] == "edge-42.a:b"


def test_a_malformed_request_id_is_replaced(client: Client) -> None:
    response = client.get("/livez", headers={"X-Request-ID": "bad id with spaces"})
    assert uuid.UUID(response["X-Request-ID"]).version == 7


@pytest.mark.parametrize(("path", "status"), [("/livez", 200), ("/no-such-page", 404), ("/failing", 500)])
def test_every_response_carries_a_request_id(path: str, status: int) -> None:
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code == status
    assert uuid.UUID(response["X-Request-ID"]).version == 7


def test_the_access_line_has_exact_fields(client: Client, captured_log: CapturedLog) -> None:
    response = client.get("/items/7", headers={"X-Request-ID": "req-1", "traceparent": TRACEPARENT})

    [line] = captured_log.events("request")
    assert list(line) == ACCESS_KEYS
    assert {key: line[key] for key in ACCESS_KEYS if key not in {"timestamp", "duration_ms"}} == {
        "level": "info", "logger": "azora.access", "event": "request", "request_id": "req-1", "user_id": None,
        "trace_id": TRACE_ID, "span_id": None, "method": "GET", "route": "items/<int:item_id>", "status": 200,
    }  # fmt: skip
    assert isinstance(line["duration_ms"], float)
    assert line["timestamp"].endswith("Z")
    assert datetime.fromisoformat(line["timestamp"]).tzinfo == UTC
    assert response["X-Request-ID"] == "req-1"


def test_view_log_lines_carry_the_request_context_and_hide_secrets(client: Client, captured_log: CapturedLog) -> None:
    client.get("/items/3", headers={"X-Request-ID": "req-2", "traceparent": TRACEPARENT})

    [line] = captured_log.events("item_read")
    assert line == {
        "timestamp": line["timestamp"], "level": "info", "logger": "azora.tests.observability", "event": "item_read",
        "request_id": "req-2", "user_id": None, "trace_id": TRACE_ID, "span_id": None,
        "item_id": 3, "password": "[redacted]", "note": "Authorization: Bearer [redacted]",
    }  # fmt: skip


def test_the_context_is_cleared_after_the_request(client: Client) -> None:
    client.get("/items/3", headers={"X-Request-ID": "req-3"})
    assert structlog.contextvars.get_contextvars() == {}


def test_a_signed_in_user_is_named_in_the_access_line(
    client: Client, captured_log: CapturedLog, django_user_model: Any
) -> None:
    user = django_user_model.objects.create_user(email="observer@example.test", password=None)
    client.force_login(user)

    client.get("/items/1")

    [access] = captured_log.events("request")
    [view_line] = captured_log.events("item_read")
    assert access["user_id"] == str(user.pk)
    assert view_line["user_id"] == str(user.pk)


def test_a_user_bound_by_an_api_auth_class_is_named(client: Client, captured_log: CapturedLog) -> None:
    client.get("/api-user")

    assert captured_log.events("api_user_seen")[0]["user_id"] == "0199aaaa-bbbb-7ccc-8ddd-eeeeffff0000"
    assert captured_log.events("request")[0]["user_id"] == "0199aaaa-bbbb-7ccc-8ddd-eeeeffff0000"


def test_an_invalid_traceparent_leaves_the_trace_id_empty(client: Client, captured_log: CapturedLog) -> None:
    client.get("/items/1", headers={"traceparent": "00-nothex-b7ad6b7169203331-01"})
    assert captured_log.events("request")[0]["trace_id"] is None


@pytest.mark.parametrize("path", ["/livez", "/readyz", "/metrics"])
def test_probe_and_scrape_requests_are_logged_at_debug(path: str, client: Client, captured_log: CapturedLog) -> None:
    client.get(path)
    [line] = captured_log.events("request")
    assert line["level"] == "debug"
    assert line["route"] == path.lstrip("/")


def test_an_unhandled_exception_is_logged_with_structured_fields(captured_log: CapturedLog) -> None:
    Client(raise_request_exception=False).get("/failing", headers={"X-Request-ID": "req-500"})

    [error] = [line for line in captured_log.lines() if line["logger"] == "django.request"]
    assert error["level"] == "error"
    assert error["event"] == "Internal Server Error"  # Django's message without the raw path
    assert error["request_id"] == "req-500"
    assert error["status_code"] == 500
    [exception] = error["exception"]
    assert exception["exc_type"] == "RuntimeError"
    assert exception["exc_value"] == "the view broke"
    assert all("locals" not in frame for frame in exception["frames"])
    [access] = captured_log.events("request")
    assert (access["level"], access["status"], access["request_id"]) == ("error", 500, "req-500")


def test_a_5xx_response_is_logged_once_with_the_request_context(captured_log: CapturedLog) -> None:
    response = Client().get("/unavailable", headers={"X-Request-ID": "req-503"})

    assert response.status_code == 503
    [line] = captured_log.lines()  # the access line only: no context-less "Service Unavailable" from Django
    assert (line["logger"], line["level"], line["status"], line["request_id"]) == (
        "azora.access",
        "error",
        503,
        "req-503",
    )


def test_standard_library_loggers_write_the_same_json(captured_log: CapturedLog) -> None:
    import logging

    logging.getLogger("allauth.account").warning("login failed for %s", "someone", extra={"token": "t-123"})

    [line] = captured_log.lines()
    assert list(line)[:8] == ACCESS_KEYS[:8]
    assert line["event"] == "login failed for someone"
    assert line["logger"] == "allauth.account"
    assert line["level"] == "warning"
    assert "token" not in line  # extras are allow-listed, so a stray secret never reaches the log
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", line["timestamp"])


def test_under_asgi_the_middleware_runs_async_with_the_same_context(captured_log: CapturedLog) -> None:
    from asgiref.sync import async_to_sync
    from django.test import AsyncClient

    response = async_to_sync(AsyncClient().get)(
        "/items/4", headers={"X-Request-ID": "asgi-1", "traceparent": TRACEPARENT}
    )

    assert response.status_code == 200
    assert response["X-Request-ID"] == "asgi-1"
    [view_line] = captured_log.events("item_read")
    [access] = captured_log.events("request")
    assert (view_line["request_id"], view_line["trace_id"]) == ("asgi-1", TRACE_ID)
    assert (access["request_id"], access["route"], access["status"]) == ("asgi-1", "items/<int:item_id>", 200)


def test_under_asgi_a_signed_in_users_unmatched_request_is_logged(
    captured_log: CapturedLog, django_user_model: Any
) -> None:
    """No view runs for a 404, so the lazy user may still be unloaded when the access line is written."""
    from asgiref.sync import async_to_sync
    from django.test import AsyncClient

    user = django_user_model.objects.create_user(email="async-observer@example.test", password=None)
    signed_in = Client()
    signed_in.force_login(user)
    client = AsyncClient()
    client.cookies = signed_in.cookies

    response = async_to_sync(client.get)("/no-such-page")

    assert response.status_code == 404
    [access] = captured_log.events("request")
    assert (access["route"], access["status"]) == ("unmatched", 404)
    assert access["user_id"] == str(user.pk)


def test_the_access_line_never_loads_a_user_nothing_else_loaded(rf: Any) -> None:
    from django.utils.functional import SimpleLazyObject

    from azora.shared.observability.middleware import _user_id_of

    def load_user() -> object:
        raise AssertionError("the user was loaded for the log line alone")

    request = rf.get("/no-such-page")
    request.user = SimpleLazyObject(load_user)

    assert _user_id_of(request, evaluate=False) is None
