"""Aegis's own middleware records a rate-limit refusal, once a minute per address and policy."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client, override_settings

from azora.security.models import SecurityEvent

pytestmark = pytest.mark.django_db


def _fresh_address() -> str:
    # A documentation address of its own: the event's dedupe window outlives one test on a shared Redis.
    return f"2001:db8:{uuid.uuid4().int % 0xFFFF:x}::1"


def test_a_refused_request_is_recorded_once_per_window() -> None:
    address = _fresh_address()
    client = Client(REMOTE_ADDR=address)
    with override_settings(AZORA_RATE_LIMITS={"api-anonymous": "1/1m"}):
        statuses = [client.get("/api/v1/me").status_code for _ in range(4)]
    assert statuses == [401, 429, 429, 429]
    event = SecurityEvent.objects.get()
    assert (event.kind, event.severity, event.ip, event.path) == ("rate_limited", "low", address, "/api/v1/me")
    assert event.detail == {"policies": ["api-anonymous"], "action": "api", "method": "GET", "retry_after": 60}


def test_requests_under_the_limit_record_nothing() -> None:
    client = Client(REMOTE_ADDR=_fresh_address())
    with override_settings(AZORA_RATE_LIMITS={"api-anonymous": "5/1m"}):
        assert [client.get("/api/v1/me").status_code for _ in range(2)] == [401, 401]
    assert SecurityEvent.objects.count() == 0
