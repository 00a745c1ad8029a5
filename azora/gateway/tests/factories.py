"""factory_boy factories for the gateway's tables."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from azora.gateway.models import IdempotencyRecord


class IdempotencyRecordFactory(DjangoModelFactory[IdempotencyRecord]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    class Meta:
        model = IdempotencyRecord

    scope = factory.Sequence(lambda n: hashlib.sha256(f"scope-{n}".encode()).hexdigest())
    key = factory.Sequence(lambda n: f"key-{n}")
    method = "POST"
    path = "/api/v1/probe/groups"
    request_hash = hashlib.sha256(b"").hexdigest()
    state = IdempotencyRecord.State.COMPLETED
    response_status = 201
    response_headers = factory.LazyFunction(lambda: [["Content-Type", "application/json; charset=utf-8"]])
    response_body = b"{}"
    created_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda record: record.created_at + timedelta(hours=24))
