"""The API edge records security events: refused permissions and API keys that are unknown or out of scope."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client, RequestFactory

from azora.accounts.models import ApiKey, User
from azora.accounts.tests.factories import UserFactory
from azora.gateway.security_events import key_fingerprint
from azora.gateway.views import permission_denied
from azora.security.models import SecurityEvent

pytestmark = pytest.mark.django_db

OPERATOR_ONLY = "/api/v1/security/events"


def _unknown_key() -> str:
    # A new key each run: the one-a-minute window of an earlier run may still be open in a shared Redis.
    return f"azk_unknown-{uuid.uuid4().hex}"


def _events() -> list[tuple[str, str, str]]:
    return list(SecurityEvent.objects.order_by("created_at").values_list("kind", "severity", "path"))


def test_an_unknown_api_key_is_api_key_misuse_and_the_key_is_never_stored() -> None:
    raw = _unknown_key()
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me")
    assert response.status_code == 401
    event = SecurityEvent.objects.get()
    assert (event.kind, event.severity, event.path) == ("api_key_misuse", "medium", "/api/v1/me")
    assert event.detail == {"reason": "rejected", "key_fingerprint": key_fingerprint(raw), "method": "GET"}
    assert raw not in str(event.detail)
    assert raw not in event.summary


def test_an_unknown_key_in_the_header_is_recorded_once_a_minute() -> None:
    client = Client(HTTP_X_API_KEY=_unknown_key())
    assert [client.get("/api/v1/me").status_code for _ in range(3)] == [401, 401, 401]
    assert _events() == [("api_key_misuse", "medium", "/api/v1/me")]


def test_a_key_used_beyond_its_scopes_is_api_key_misuse(key_client: Client, api_key: ApiKey) -> None:
    response = key_client.get(OPERATOR_ONLY)
    assert (response.status_code, response.json()["code"]) == (403, "insufficient_scope")
    event = SecurityEvent.objects.get()
    assert event.kind == "api_key_misuse"
    assert event.actor_id == api_key.user_id
    assert event.detail == {"reason": "insufficient_scope", "api_key_id": str(api_key.id), "method": "GET"}


def test_a_signed_in_user_without_the_role_is_permission_denied(user: User) -> None:
    client = Client()
    client.force_login(user)
    assert client.get(OPERATOR_ONLY).status_code == 403
    event = SecurityEvent.objects.get()
    assert (event.kind, event.severity, event.actor_id, event.path) == (
        "permission_denied", "low", user.pk, OPERATOR_ONLY,
    )  # fmt: skip
    assert event.detail == {"code": "platform_admin_required", "method": "GET"}


def test_a_valid_call_records_nothing(jwt_client: Client) -> None:
    assert jwt_client.get("/api/v1/me").status_code == 200
    assert SecurityEvent.objects.count() == 0


def test_a_401_without_any_credential_records_nothing() -> None:
    assert Client().get("/api/v1/me").status_code == 401
    assert SecurityEvent.objects.count() == 0


def test_djangos_403_view_records_the_denial() -> None:
    request = RequestFactory().get("/master/users", REMOTE_ADDR="192.0.2.44")
    request.user = UserFactory()
    response = permission_denied(request, Exception("no"))
    assert response.status_code == 403
    event = SecurityEvent.objects.get()
    assert (event.kind, event.ip, event.path, event.actor_id) == (
        "permission_denied", "192.0.2.44", "/master/users", request.user.pk,
    )  # fmt: skip
