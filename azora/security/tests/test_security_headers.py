"""Security headers on every kind of response: pages, JSON, errors, 404s, 429s, static files; CSP and HSTS."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings

from azora.security.headers import default_security_headers

pytestmark = [pytest.mark.django_db, pytest.mark.urls("azora.security.tests.urls")]

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(self), publickey-credentials-get=(self)"
EVERY_RESPONSE = {
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


def assert_security_headers(response: Any) -> None:
    assert {name: response.get(name) for name in EVERY_RESPONSE} == EVERY_RESPONSE
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "default-src 'self'" in response["Content-Security-Policy"]


def refused_login(client: Client) -> Any:
    with override_settings(AZORA_RATE_LIMITS={"login-ip": "1/1m"}):
        client.post("/accounts/login/", {"login": "a@example.test", "password": "x"})
        return client.post("/accounts/login/", {"login": "b@example.test", "password": "x"})


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/accounts/login/", 200),  # an HTML page
        ("get", "/livez", 200),  # JSON
        ("get", "/api/v1/me", 401),  # an API error
        ("get", "/_allauth/browser/v1/config", 200),  # headless JSON
        ("get", "/no-such-page/", 404),
        ("get", "/api/v1/no-such-endpoint", 404),
        ("get", "/test-security/crash/", 500),
    ],
)
def test_every_response_carries_the_security_headers(method: str, path: str, status: int) -> None:
    client = Client(raise_request_exception=False)
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert_security_headers(response)


def test_a_rate_limit_refusal_carries_the_security_headers() -> None:
    response = refused_login(Client())
    assert response.status_code == 429
    assert_security_headers(response)
    assert response["Cache-Control"] == "no-store"


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_static_files_carry_the_security_headers() -> None:
    response = Client().get("/static/shell/icons/azora.svg")
    response.close()  # a file response holds the file open until closed
    assert response.status_code == 200
    assert_security_headers(response)


@pytest.mark.parametrize("path", ["/api/v1/me", "/_allauth/app/v1/auth/session", "/accounts/no-such-page/"])
def test_api_and_sign_in_responses_are_never_stored(path: str) -> None:
    response = Client().get(path)
    assert "no-store" in response["Cache-Control"]


def test_a_cache_control_a_view_chose_is_kept() -> None:
    response = Client().get("/api/test-security/cached/")
    assert response["Cache-Control"] == "private, max-age=60"


def test_a_view_exempt_from_x_frame_options_stays_exempt() -> None:
    response = Client().get("/test-security/embeddable/")
    assert "X-Frame-Options" not in response
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


def test_pages_that_are_not_api_or_sign_in_are_left_to_choose_their_caching() -> None:
    assert "Cache-Control" not in Client().get("/no-such-page/")


def test_the_csp_nonce_of_an_html_page_is_in_its_policy() -> None:
    response = Client().get("/test-security/nonce/")
    nonce = re.search(r'nonce="([^"]+)"', response.content.decode())
    assert nonce is not None
    script_src = next(
        part.strip() for part in response["Content-Security-Policy"].split(";") if part.strip().startswith("script-src")
    )
    assert script_src == f"script-src 'self' 'nonce-{nonce.group(1)}'"


def test_each_response_gets_its_own_nonce() -> None:
    client = Client()
    first = client.get("/test-security/nonce/")["Content-Security-Policy"]
    second = client.get("/test-security/nonce/")["Content-Security-Policy"]
    assert first != second


@override_settings(SECURE_HSTS_SECONDS=63072000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SECURE_HSTS_PRELOAD=True)
def test_hsts_over_https() -> None:
    response = Client().get("/livez", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains; preload"


@override_settings(
    SECURE_HSTS_SECONDS=63072000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_HSTS_PRELOAD=True,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
)
def test_hsts_behind_a_tls_terminating_proxy() -> None:
    behind_tls = Client().get("/livez", HTTP_X_FORWARDED_PROTO="https")
    plain = Client().get("/livez", HTTP_X_FORWARDED_PROTO="http")
    assert behind_tls["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains; preload"
    assert "Strict-Transport-Security" not in plain


@override_settings(SECURE_HSTS_SECONDS=63072000)
def test_no_hsts_over_plain_http() -> None:
    assert "Strict-Transport-Security" not in Client().get("/livez")


@override_settings(
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
    SESSION_COOKIE_NAME="__Host-sessionid",
    CSRF_COOKIE_NAME="__Host-csrftoken",
)
def test_secure_cookie_settings_produce_secure_host_only_cookies() -> None:
    response = Client().get("/accounts/login/", secure=True)
    cookie = response.cookies["__Host-csrftoken"]
    assert cookie["secure"] is True
    assert cookie["path"] == "/"
    assert cookie["domain"] == ""
    assert cookie["samesite"] == "Lax"


def test_default_headers_are_a_pure_function_of_the_path() -> None:
    assert default_security_headers(path="/api/v1/me", permissions_policy="camera=()", frame_options="DENY") == {
        "Cross-Origin-Resource-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Permissions-Policy": "camera=()",
        "Cache-Control": "no-store",
    }
    assert default_security_headers(path="/learn/", permissions_policy="", frame_options="SAMEORIGIN") == {
        "Cross-Origin-Resource-Policy": "same-origin",
        "X-Frame-Options": "SAMEORIGIN",
    }


def test_the_permissions_policy_comes_from_settings() -> None:
    assert settings.AZORA_PERMISSIONS_POLICY == PERMISSIONS_POLICY
    with override_settings(AZORA_PERMISSIONS_POLICY="camera=(self)"):
        assert Client().get("/livez")["Permissions-Policy"] == "camera=(self)"
