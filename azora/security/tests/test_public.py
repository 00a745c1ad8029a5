"""Aegis's public contract: the client's IP as Aegis sees it, and resetting the counters."""

from __future__ import annotations

from django.test import Client, RequestFactory, override_settings

from azora.security.public import client_ip, rate_limits_reset


def test_client_ip_follows_the_trusted_proxy_setting() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4")
    with override_settings(AZORA_TRUSTED_PROXY_COUNT=0):
        assert client_ip(request) == "10.0.0.1"
    with override_settings(AZORA_TRUSTED_PROXY_COUNT=1):
        assert client_ip(request) == "198.51.100.4"


def test_reset_gives_every_identity_its_full_quota_again(db: None) -> None:
    client = Client()
    with override_settings(AZORA_RATE_LIMITS={"api-anonymous": "1/1m"}):
        assert client.get("/api/v1/me").status_code == 401
        assert client.get("/api/v1/me").status_code == 429
        rate_limits_reset()
        assert client.get("/api/v1/me").status_code == 401
