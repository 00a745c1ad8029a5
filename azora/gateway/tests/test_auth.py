"""Authentication at /api/v1: API keys, allauth JWTs and browser sessions, each becoming a Principal."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from allauth.headless.tokens.strategies.jwt.internal import create_refresh_token, create_token
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from azora.accounts.models import ApiKey, User
from azora.accounts.tests.factories import ApiKeyFactory, UserFactory
from azora.gateway import auth
from azora.gateway.auth import BearerAuth
from azora.gateway.tests.conftest import access_token_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("probe_urls")]

WHOAMI = "/api/v1/probe/whoami"


def _problem(response: Any) -> dict[str, object]:
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, object] = json.loads(response.content)
    return body


def _assert_unauthenticated(response: Any) -> None:
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert _problem(response)["code"] == "not_authenticated"


def test_jwt_access_token_authenticates_as_its_user(jwt_client: Client, user: User) -> None:
    response = jwt_client.get(WHOAMI)

    assert response.status_code == 200
    assert response.json() == {"via": "jwt", "user_id": str(user.id), "api_key_id": None, "scopes": None}


def test_jwt_authentication_needs_no_database_query(user: User) -> None:
    request = RequestFactory().get(WHOAMI, HTTP_AUTHORIZATION=f"Bearer {access_token_for(user)}")

    with CaptureQueriesContext(connection) as queries:
        principal = BearerAuth()(request)

    assert principal is not None
    assert principal.user_id == user.id
    assert len(queries) == 0


def test_expired_jwt_is_refused(user: User) -> None:
    session = SessionStore()
    session.create()
    token, _payload = create_token("access", sub=str(user.id), sid="c2lk", expires_in=-60)

    _assert_unauthenticated(Client(HTTP_AUTHORIZATION=f"Bearer {token}").get(WHOAMI))


def test_refresh_token_is_not_an_access_token(user: User) -> None:
    session = SessionStore()
    session.create()
    refresh = create_refresh_token(user, session)

    _assert_unauthenticated(Client(HTTP_AUTHORIZATION=f"Bearer {refresh}").get(WHOAMI))


def test_jwt_signed_with_another_key_is_refused(user: User) -> None:
    import jwt

    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = other_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    now = int(timezone.now().timestamp())
    forged = jwt.encode(
        {"sub": str(user.id), "sid": "c2lk", "jti": "j", "token_use": "access", "iat": now, "exp": now + 300},
        pem,
        algorithm="RS256",
    )

    _assert_unauthenticated(Client(HTTP_AUTHORIZATION=f"Bearer {forged}").get(WHOAMI))


def test_api_key_as_bearer_authenticates_with_its_scopes(key_client: Client, api_key: ApiKey, user: User) -> None:
    response = key_client.get(WHOAMI)

    assert response.status_code == 200
    assert response.json() == {
        "via": "api_key",
        "user_id": str(user.id),
        "api_key_id": str(api_key.id),
        "scopes": ["profile:read"],
    }


def test_api_key_in_x_api_key_header_authenticates(api_key: ApiKey) -> None:
    response = Client(HTTP_X_API_KEY=api_key.key).get(WHOAMI)  # type: ignore[attr-defined]

    assert response.status_code == 200
    assert response.json()["api_key_id"] == str(api_key.id)


@pytest.mark.parametrize("header", ["HTTP_AUTHORIZATION", "HTTP_X_API_KEY"])
def test_revoked_api_key_is_refused(header: str) -> None:
    api_key = ApiKeyFactory(revoked_at=timezone.now())
    raw_key: str = api_key.key
    value = f"Bearer {raw_key}" if header == "HTTP_AUTHORIZATION" else raw_key

    _assert_unauthenticated(Client().get(WHOAMI, headers={header.removeprefix("HTTP_").replace("_", "-"): value}))


def test_unknown_api_key_is_refused() -> None:
    _assert_unauthenticated(Client(HTTP_AUTHORIZATION="Bearer azk_AAAAAAAAAAAA_not-a-real-secret").get(WHOAMI))


def test_no_credential_is_refused() -> None:
    _assert_unauthenticated(Client().get(WHOAMI))


def test_anonymous_unsafe_request_is_401_not_a_csrf_failure() -> None:
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/probe/groups", data={"name": "x"}, content_type="application/json"
    )

    _assert_unauthenticated(response)
    assert Group.objects.count() == 0


def test_basic_auth_scheme_is_not_a_credential() -> None:
    _assert_unauthenticated(Client(HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz").get(WHOAMI))


def test_session_authenticates_a_signed_in_browser(user: User) -> None:
    client = Client()
    client.force_login(user)

    response = client.get(WHOAMI)

    assert response.status_code == 200
    assert response.json() == {"via": "session", "user_id": str(user.id), "api_key_id": None, "scopes": None}


def test_session_unsafe_request_without_csrf_token_is_refused(user: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post("/api/v1/probe/groups", data={"name": "x"}, content_type="application/json")

    assert response.status_code == 403
    assert _problem(response)["code"] == "csrf_failed"
    assert Group.objects.count() == 0


def test_session_unsafe_request_with_csrf_token_is_accepted(user: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/api/v1/docs")  # any page that renders a CSRF token sets the cookie
    token = client.cookies["csrftoken"].value

    response = client.post(
        "/api/v1/probe/groups", data={"name": "x"}, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )

    assert response.status_code == 201
    assert Group.objects.get().name.startswith("x#")


def test_an_invalid_bearer_is_not_rescued_by_a_session(user: User) -> None:
    client = Client(HTTP_AUTHORIZATION="Bearer not-a-token")
    client.force_login(user)

    _assert_unauthenticated(client.get(WHOAMI))


def test_inactive_users_api_key_is_refused() -> None:
    api_key = ApiKeyFactory(user=UserFactory(is_active=False))

    _assert_unauthenticated(Client(HTTP_X_API_KEY=api_key.key).get(WHOAMI))


def test_openapi_declares_the_three_credentials() -> None:
    schema = Client().get("/api/v1/openapi.json").json()

    assert schema["components"]["securitySchemes"] == {
        "BearerAuth": {"type": "http", "scheme": "bearer"},
        "ApiKeyHeaderAuth": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
        "SessionAuth": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
    }
    assert schema["paths"]["/api/v1/probe/whoami"]["get"]["security"] == [
        {"BearerAuth": []},
        {"ApiKeyHeaderAuth": []},
        {"SessionAuth": []},
    ]


def test_a_jwt_is_verified_once_per_process_and_refused_once_expired(user: User, monkeypatch: Any) -> None:
    from allauth.headless.tokens.strategies.jwt import internal

    token, payload = create_token("access", sub=str(user.id), sid="c2lk", expires_in=300)
    calls: list[str] = []
    original = internal.validate_access_token

    def counted(token: str) -> Any:
        calls.append(token)
        return original(token)

    monkeypatch.setattr(internal, "validate_access_token", counted)
    monkeypatch.setattr(auth, "_VERIFIED", {})

    assert [auth.jwt_user_id(token), auth.jwt_user_id(token)] == [user.id, user.id]
    assert calls == [token]
    monkeypatch.setattr(time, "time", lambda: payload["exp"] + 0.5)  # its own expiry has passed
    assert auth.jwt_user_id(token) is None
    assert calls == [token]


def test_the_verified_tokens_are_bounded(user: User, monkeypatch: Any) -> None:
    monkeypatch.setattr(auth, "_VERIFIED", {})
    monkeypatch.setattr(auth, "_VERIFIED_MAX", 2)
    tokens = [create_token("access", sub=str(user.id), sid="c2lk", expires_in=300 + n)[0] for n in range(3)]

    assert [auth.jwt_user_id(token) for token in tokens] == [user.id] * 3
    assert list(auth._VERIFIED) == [tokens[2]]  # emptied when full, then the newest kept
