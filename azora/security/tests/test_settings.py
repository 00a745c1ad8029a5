"""Aegis's settings: production's HSTS and cookies, AZORA_RATE_LIMITS from the environment, the system check."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from django.core.checks import Error
from django.test import override_settings

from azora.security.checks import check_rate_limits
from azora.shared.testing.settings_probe import settings_of


def production_environment() -> dict[str, str]:
    return {
        "AZORA_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": "postgres://azora@db.invalid:5432/azora",
        "REDIS_URL": "redis://cache.invalid:6379/0",
        "AZORA_JWT_PRIVATE_KEY": secrets.token_urlsafe(32),  # only read, never parsed, on import
        "AZORA_CERTIFICATE_SIGNING_KEY": secrets.token_urlsafe(32),  # only read, never parsed, on import
    }


def test_production_sends_hsts_and_only_secure_host_only_cookies(tmp_path: Path) -> None:
    values = settings_of(
        "config.settings.production",
        [
            "SECURE_HSTS_SECONDS",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS",
            "SECURE_HSTS_PRELOAD",
            "SECURE_SSL_REDIRECT",
            "SECURE_PROXY_SSL_HEADER",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "LANGUAGE_COOKIE_SECURE",
            "SESSION_COOKIE_HTTPONLY",
            "SESSION_COOKIE_NAME",
            "CSRF_COOKIE_NAME",
            "AZORA_TRUSTED_PROXY_COUNT",
            "AZORA_RATE_LIMITS_ENABLED",
            "AZORA_RATE_LIMITS",
        ],
        production_environment(),
        tmp_path,
    )
    assert values == {
        "SECURE_HSTS_SECONDS": 63072000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "LANGUAGE_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_NAME": "__Host-sessionid",
        "CSRF_COOKIE_NAME": "__Host-csrftoken",
        "AZORA_TRUSTED_PROXY_COUNT": 1,
        "AZORA_RATE_LIMITS_ENABLED": True,
        "AZORA_RATE_LIMITS": {},
    }


def test_the_embedded_mode_never_trusts_x_forwarded_for_by_default(tmp_path: Path) -> None:
    values = settings_of("config.settings.embedded", ["AZORA_TRUSTED_PROXY_COUNT", "SECURE_HSTS_SECONDS"], {}, tmp_path)
    assert values == {"AZORA_TRUSTED_PROXY_COUNT": 0, "SECURE_HSTS_SECONDS": None}  # Django's default: no HSTS


def test_rate_limits_are_tuned_from_the_environment(tmp_path: Path) -> None:
    values = settings_of(
        "config.settings.base",
        ["AZORA_RATE_LIMITS", "AZORA_RATE_LIMITS_ENABLED"],
        {"AZORA_RATE_LIMITS": "login-ip=20/1m, api-credential=off", "AZORA_RATE_LIMITS_ENABLED": "false"},
        tmp_path,
    )
    assert values == {
        "AZORA_RATE_LIMITS": {"login-ip": "20/1m", "api-credential": None},
        "AZORA_RATE_LIMITS_ENABLED": False,
    }


def test_the_system_check_accepts_good_overrides() -> None:
    with override_settings(AZORA_RATE_LIMITS={"login-ip": "20/1m", "api-credential": None}):
        assert check_rate_limits() == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"login-ipp": "1/1m"}, "AZORA_RATE_LIMITS: Unknown rate limits ['login-ipp']"),
        ({"login-ip": "lots"}, "AZORA_RATE_LIMITS: 'lots' is not a rate"),
        ({"login-ip": ""}, "AZORA_RATE_LIMITS: '' is not a rate"),
        (["login-ip"], "AZORA_RATE_LIMITS must map limit names to rates"),
    ],
)
def test_the_system_check_names_a_wrong_override(overrides: object, message: str) -> None:
    with override_settings(AZORA_RATE_LIMITS=overrides):
        errors = check_rate_limits()
    assert len(errors) == 1
    assert isinstance(errors[0], Error)
    assert errors[0].id == "security.E001"
    assert errors[0].msg.startswith(message)
