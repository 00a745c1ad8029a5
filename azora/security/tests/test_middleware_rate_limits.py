"""RateLimitMiddleware through the real allauth pages and headless endpoints and the API."""

from __future__ import annotations

import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import redis
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client, override_settings

from azora.security import limiter
from azora.security.tests.factories import DEFAULT_PASSWORD, UserFactory


@pytest.fixture(autouse=True)
def _limiter_alone(settings: Any) -> None:
    """These tests are about the limiter; abuse detection's sign-in delays and locks are tested in test_abuse.py."""
    settings.AZORA_ABUSE_FAILURES_BEFORE_DELAY = 1000
    settings.AZORA_ABUSE_BRUTE_FORCE_IPS = 1000


pytestmark = pytest.mark.django_db

RATE_LIMIT = re.compile(r'^"(?P<name>[a-z-]+)";r=(?P<remaining>\d+);t=(?P<reset>\d+)$')


def parsed_rate_limit(header: str) -> dict[str, tuple[int, int]]:
    """{policy: (remaining, reset seconds)} from a RateLimit header."""
    parsed = {}
    for item in header.split(", "):
        match = RATE_LIMIT.match(item)
        assert match is not None, header
        parsed[match["name"]] = (int(match["remaining"]), int(match["reset"]))
    return parsed


WRONG_PASSWORD = "wrong-password-123"


def login_form(client: Client, email: str, ip: str, password: str = WRONG_PASSWORD) -> Any:
    return client.post("/accounts/login/", {"login": email, "password": password}, REMOTE_ADDR=ip)


def test_the_eleventh_login_from_one_ip_is_refused_with_an_html_page(browser: Client) -> None:
    responses = [login_form(browser, f"person{i}@example.test", "203.0.113.5") for i in range(11)]

    assert [response.status_code for response in responses] == [200] * 10 + [429]
    refused = responses[-1]
    assert refused["Content-Type"] == "text/html; charset=utf-8"
    assert b"Too many attempts" in refused.content
    assert refused["RateLimit-Policy"] == '"login-ip";q=10;w=60, "login-account";q=5;w=900'
    state = parsed_rate_limit(refused["RateLimit"])
    assert state["login-ip"][0] == 0
    assert state["login-account"][0] == 4
    assert 1 <= int(refused["Retry-After"]) == state["login-ip"][1] <= 60


def test_allowed_sign_in_attempts_carry_the_rate_limit_headers(browser: Client) -> None:
    first = login_form(browser, "ann@example.test", "203.0.113.5")
    second = login_form(browser, "ann@example.test", "203.0.113.5")

    assert first.status_code == second.status_code == 200
    assert first["RateLimit-Policy"] == '"login-ip";q=10;w=60, "login-account";q=5;w=900'
    assert {name: remaining for name, (remaining, _) in parsed_rate_limit(first["RateLimit"]).items()} == {
        "login-ip": 9,
        "login-account": 4,
    }
    assert {name: remaining for name, (remaining, _) in parsed_rate_limit(second["RateLimit"]).items()} == {
        "login-ip": 8,
        "login-account": 3,
    }
    assert "Retry-After" not in first


def test_showing_the_login_form_is_not_counted(browser: Client) -> None:
    responses = [browser.get("/accounts/login/", REMOTE_ADDR="203.0.113.5") for _ in range(12)]
    assert {response.status_code for response in responses} == {200}
    assert "RateLimit" not in responses[-1]


def test_one_account_is_limited_across_many_ips_whatever_the_case_of_its_email(browser: Client) -> None:
    spellings = ["ann@example.test", "Ann@Example.test", "ANN@EXAMPLE.TEST", " ann@example.test", "ann@example.TEST"]
    allowed = [login_form(browser, email, f"198.51.100.{i}") for i, email in enumerate(spellings)]
    refused = login_form(browser, "ann@example.test", "192.0.2.200")

    assert [response.status_code for response in allowed] == [200] * 5
    assert refused.status_code == 429
    state = parsed_rate_limit(refused["RateLimit"])
    assert state["login-ip"][0] == 9  # the new IP has barely been used
    assert state["login-account"][0] == 0
    assert 1 <= int(refused["Retry-After"]) == state["login-account"][1] <= 900


def test_a_refused_login_does_not_sign_in_even_with_the_right_password(browser: Client) -> None:
    user = UserFactory(email="cat@example.test")
    for i in range(5):
        login_form(browser, user.email, f"198.51.100.{i}")

    refused = login_form(browser, user.email, "198.51.100.99", password=DEFAULT_PASSWORD)

    assert refused.status_code == 429
    assert "_auth_user_id" not in browser.session


def test_the_headless_login_answers_a_json_problem(browser: Client) -> None:
    def attempt(i: int) -> Any:
        body = json.dumps({"email": f"person{i}@example.test", "password": "wrong-password-123"})
        return browser.post(
            "/_allauth/app/v1/auth/login", body, content_type="application/json", REMOTE_ADDR="203.0.113.7"
        )

    responses = [attempt(i) for i in range(11)]

    assert [response.status_code for response in responses[:10]] == [400] * 10
    refused = responses[-1]
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    problem = refused.json()
    wait = int(refused["Retry-After"])
    assert problem == {
        "type": "https://azora.dev/problems/rate-limited",
        "title": "Too many requests.",
        "status": 429,
        "code": "rate_limited",
        "detail": f"Too many requests. Try again in {wait} seconds." if wait != 1 else problem["detail"],
        "instance": "/_allauth/app/v1/auth/login",
        "retry_after": wait,
        "policies": ["login-ip"],
        **({"request_id": problem["request_id"]} if "request_id" in problem else {}),
    }
    assert refused["RateLimit-Policy"] == '"login-ip";q=10;w=60, "login-account";q=5;w=900'


def test_the_browser_headless_login_shares_the_ip_limit_with_the_login_page(browser: Client) -> None:
    for i in range(10):
        login_form(browser, f"person{i}@example.test", "203.0.113.8")
    refused = browser.post(
        "/_allauth/browser/v1/auth/login",
        json.dumps({"email": "someone@example.test", "password": "wrong-password-123"}),
        content_type="application/json",
        REMOTE_ADDR="203.0.113.8",
    )
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"


@pytest.mark.parametrize(
    "path", ["/accounts/2fa/webauthn/login/", "/_allauth/app/v1/auth/webauthn/login"], ids=["page", "headless"]
)
def test_passkey_sign_in_shares_the_per_ip_login_limit(browser: Client, path: str) -> None:
    for i in range(10):
        login_form(browser, f"person{i}@example.test", "203.0.113.9")

    refused = browser.post(
        path, json.dumps({"credential": {}}), content_type="application/json", REMOTE_ADDR="203.0.113.9"
    )

    assert refused.status_code == 429
    assert refused["RateLimit-Policy"] == '"login-ip";q=10;w=60'  # a passkey names no account to count by


def test_a_refused_sign_up_creates_no_user_and_sends_no_email(browser: Client) -> None:
    users = get_user_model().objects
    for i in range(5):  # five attempts that fail validation still count
        response = browser.post(
            "/accounts/signup/",
            {"email": f"new{i}@example.test", "password1": "a-long-password-1", "password2": "a-different-one-2"},
            REMOTE_ADDR="203.0.113.9",
        )
        assert response.status_code == 200

    refused = browser.post(
        "/accounts/signup/",
        {"email": "real@example.test", "password1": "a-long-password-1", "password2": "a-long-password-1"},
        REMOTE_ADDR="203.0.113.9",
    )

    assert refused.status_code == 429
    assert refused["RateLimit-Policy"] == '"signup-ip";q=5;w=3600, "signup-account";q=3;w=3600'
    assert users.count() == 0
    assert mail.outbox == []


def test_password_reset_is_limited_per_account_and_a_refusal_sends_no_email(browser: Client) -> None:
    UserFactory(email="dee@example.test")
    allowed = [
        browser.post("/accounts/password/reset/", {"email": "dee@example.test"}, REMOTE_ADDR=f"198.51.100.{i}")
        for i in range(3)
    ]
    sent = len(mail.outbox)

    refused = browser.post("/accounts/password/reset/", {"email": "DEE@example.test"}, REMOTE_ADDR="192.0.2.1")

    assert [response.status_code for response in allowed] == [302] * 3
    assert sent == 3
    assert refused.status_code == 429
    assert parsed_rate_limit(refused["RateLimit"])["password-reset-account"][0] == 0
    assert len(mail.outbox) == 3


def test_reauthentication_is_limited_per_signed_in_account_across_ips(browser: Client) -> None:
    user = UserFactory(email="eve@example.test")
    browser.force_login(user)
    allowed = [
        browser.post("/accounts/reauthenticate/", {"password": "not-it-at-all"}, REMOTE_ADDR=f"198.51.100.{i}")
        for i in range(10)
    ]
    refused = browser.post("/accounts/reauthenticate/", {"password": DEFAULT_PASSWORD}, REMOTE_ADDR="192.0.2.1")

    assert [response.status_code for response in allowed] == [200] * 10
    assert refused.status_code == 429
    assert parsed_rate_limit(refused["RateLimit"]) == {
        "mfa-ip": (29, parsed_rate_limit(refused["RateLimit"])["mfa-ip"][1]),
        "mfa-account": (0, int(refused["Retry-After"])),
    }


def test_anonymous_api_calls_are_limited_per_ip(browser: Client) -> None:
    with override_settings(AZORA_RATE_LIMITS={"api-anonymous": "3/1m"}):
        statuses = [browser.get("/api/v1/me", REMOTE_ADDR="203.0.113.10").status_code for _ in range(4)]
        other_ip = browser.get("/api/v1/me", REMOTE_ADDR="203.0.113.11")
        refused = browser.get("/api/v1/me", REMOTE_ADDR="203.0.113.10")

    assert statuses[:3] == [401] * 3
    assert statuses[3] == 429
    assert other_ip.status_code == 401
    assert other_ip["RateLimit-Policy"] == '"api-anonymous";q=3;w=60'
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["policies"] == ["api-anonymous"]


def test_api_calls_are_limited_per_credential_not_per_ip(browser: Client) -> None:
    with override_settings(AZORA_RATE_LIMITS={"api-credential": "2/1m"}):
        first = [
            browser.get("/api/v1/me", HTTP_X_API_KEY="azk_made_up", REMOTE_ADDR=f"198.51.100.{i}").status_code
            for i in range(3)
        ]
        another_key = browser.get("/api/v1/me", HTTP_X_API_KEY="azk_another", REMOTE_ADDR="198.51.100.1")

    assert first[:2] == [401, 401]
    assert first[2] == 429
    assert another_key.status_code == 401
    assert parsed_rate_limit(another_key["RateLimit"])["api-credential"][0] == 1


def test_a_switched_off_limit_is_not_counted(browser: Client) -> None:
    with override_settings(AZORA_RATE_LIMITS={"login-ip": None, "login-account": None}):
        responses = [login_form(browser, "ann@example.test", "203.0.113.5") for _ in range(12)]
    assert {response.status_code for response in responses} == {200}
    assert "RateLimit" not in responses[-1]


def test_rate_limits_can_be_switched_off_entirely(browser: Client) -> None:
    with override_settings(AZORA_RATE_LIMITS_ENABLED=False):
        responses = [login_form(browser, "ann@example.test", "203.0.113.5") for _ in range(12)]
    assert {response.status_code for response in responses} == {200}


def test_behind_a_trusted_proxy_clients_are_told_apart_by_x_forwarded_for(browser: Client) -> None:
    with override_settings(AZORA_TRUSTED_PROXY_COUNT=1):
        for i in range(10):
            browser.post(
                "/accounts/login/",
                {"login": f"p{i}@example.test", "password": "wrong-password-123"},
                REMOTE_ADDR="10.0.0.1",
                HTTP_X_FORWARDED_FOR="203.0.113.20",
            )
        other_client = browser.post(
            "/accounts/login/",
            {"login": "q@example.test", "password": "wrong-password-123"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.21",
        )
        same_client = browser.post(
            "/accounts/login/",
            {"login": "r@example.test", "password": "wrong-password-123"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.20",
        )
    assert other_client.status_code == 200
    assert same_client.status_code == 429


@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_an_unreachable_counter_store_lets_requests_through(browser: Client) -> None:
    responses = [login_form(browser, "ann@example.test", "203.0.113.5") for _ in range(12)]
    assert {response.status_code for response in responses} == {200}
    assert "RateLimit" not in responses[-1]


@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_a_failed_counter_store_is_left_alone_for_a_few_seconds_then_tried_again(
    browser: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [1000.0]
    monkeypatch.setattr(limiter, "_clock", lambda: now[0])

    login_form(browser, "ann@example.test", "203.0.113.5")
    assert limiter.is_suspended()
    with pytest.raises(limiter.CounterStoreSuspended):
        limiter.count([(limiter.active_limits()[0], "digest")])

    now[0] += limiter.STORE_SUSPENSION_SECONDS
    assert not limiter.is_suspended()
    with pytest.raises(redis.ConnectionError) as raised:
        limiter.count([(limiter.active_limits()[0], "digest")])
    assert not isinstance(raised.value, limiter.CounterStoreSuspended)  # the store itself was tried
    assert limiter.is_suspended()


def test_concurrent_calls_let_exactly_the_quota_through() -> None:
    threads, calls_per_thread = 8, 5
    start = threading.Barrier(threads)

    def call_many(_: int) -> list[int]:
        client = Client()
        start.wait()
        return [client.get("/api/v1/me", REMOTE_ADDR="203.0.113.30").status_code for _ in range(calls_per_thread)]

    with override_settings(AZORA_RATE_LIMITS={"api-anonymous": "10/1m"}), ThreadPoolExecutor(threads) as pool:
        statuses = [status for batch in pool.map(call_many, range(threads)) for status in batch]

    assert statuses.count(401) == 10
    assert statuses.count(429) == threads * calls_per_thread - 10
