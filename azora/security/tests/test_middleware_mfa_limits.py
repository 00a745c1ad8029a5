"""MFA rate limits key on the account whose second factor is asked for, in the browser and for app clients."""

from __future__ import annotations

import json
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client

from azora.security.tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

WRONG_CODE = "000000"


@pytest.fixture
def user_with_totp() -> Any:
    user = UserFactory(email="mfa@example.test")
    TOTP.activate(user, generate_totp_secret())
    return user


def browser_waiting_for_second_factor(user: Any, ip: str) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD}, REMOTE_ADDR=ip)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    return client


def wrong_code(client: Client, ip: str) -> Any:
    return client.post("/accounts/2fa/authenticate/", {"code": WRONG_CODE}, REMOTE_ADDR=ip)


def test_wrong_codes_for_one_account_are_limited_across_sessions_and_ips(user_with_totp: Any) -> None:
    first = browser_waiting_for_second_factor(user_with_totp, "198.51.100.1")
    second = browser_waiting_for_second_factor(user_with_totp, "198.51.100.2")
    allowed = [wrong_code(first, f"198.51.100.{i}") for i in range(6)]
    allowed += [wrong_code(second, f"203.0.113.{i}") for i in range(4)]

    refused = wrong_code(second, "192.0.2.50")

    assert [response.status_code for response in allowed] == [200] * 10
    assert refused.status_code == 429
    assert refused["RateLimit-Policy"] == '"mfa-ip";q=30;w=900, "mfa-account";q=10;w=900'
    assert refused["RateLimit"].startswith('"mfa-ip";r=29;')
    assert f'"mfa-account";r=0;t={refused["Retry-After"]}' in refused["RateLimit"]
    assert "_auth_user_id" not in second.session


def test_another_account_is_not_held_back(user_with_totp: Any) -> None:
    other = UserFactory(email="other@example.test")
    TOTP.activate(other, generate_totp_secret())
    attacked = browser_waiting_for_second_factor(user_with_totp, "198.51.100.1")
    for i in range(11):
        wrong_code(attacked, f"198.51.100.{i}")

    bystander = browser_waiting_for_second_factor(other, "203.0.113.1")

    assert wrong_code(bystander, "203.0.113.1").status_code == 200


def test_app_clients_are_limited_by_the_account_behind_their_session_token(user_with_totp: Any) -> None:
    client = Client()
    login = client.post(
        "/_allauth/app/v1/auth/login",
        json.dumps({"email": user_with_totp.email, "password": DEFAULT_PASSWORD}),
        content_type="application/json",
        REMOTE_ADDR="198.51.100.1",
    )
    assert login.status_code == 401
    token = login.json()["meta"]["session_token"]

    def attempt(ip: str) -> Any:
        return client.post(
            "/_allauth/app/v1/auth/2fa/authenticate",
            json.dumps({"code": WRONG_CODE}),
            content_type="application/json",
            HTTP_X_SESSION_TOKEN=token,
            REMOTE_ADDR=ip,
        )

    allowed = [attempt(f"203.0.113.{i}") for i in range(10)]
    refused = attempt("192.0.2.9")

    assert [response.status_code for response in allowed] == [400] * 10
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["policies"] == ["mfa-account"]
    assert Authenticator.objects.filter(user=user_with_totp).count() == 1
