"""A provider webhook with a bad signature is refused and recorded as a security event, without the signature."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from azora.payments.adapters.sandbox import SIGNATURE_HEADER
from azora.payments.models import WebhookEvent
from azora.security.models import SecurityEvent

pytestmark = pytest.mark.django_db


def test_an_invalid_signature_is_a_security_event_and_changes_nothing() -> None:
    body = json.dumps({"id": "evt_forged", "object": "event", "type": "payment_intent.succeeded"}).encode()
    signature = "t=1,v1=" + "ab" * 32
    response = Client(REMOTE_ADDR="203.0.113.50").post(
        "/api/v1/webhooks/sandbox", data=body, content_type="application/json", headers={SIGNATURE_HEADER: signature}
    )
    assert (response.status_code, response.json()["code"]) == (400, "webhook_signature_invalid")
    assert WebhookEvent.objects.count() == 0
    event = SecurityEvent.objects.get()
    assert (event.kind, event.severity, event.ip, event.path) == (
        "webhook_signature_invalid", "medium", "203.0.113.50", "/api/v1/webhooks/sandbox",
    )  # fmt: skip
    assert event.detail == {"provider": "sandbox", "body_bytes": len(body)}
    assert signature not in json.dumps(event.detail) + event.summary


def test_an_unknown_provider_is_not_a_signature_event() -> None:
    response = Client().post("/api/v1/webhooks/paypal", data=b"{}", content_type="application/json")
    assert response.status_code == 422
    assert SecurityEvent.objects.count() == 0
