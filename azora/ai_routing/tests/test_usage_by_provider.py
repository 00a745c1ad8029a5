"""Usage and cost per provider for operators: grouped over a period, the costliest provider first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

import azora.ai_routing.public as ai_routing
from azora.ai_routing.models import Usage

pytestmark = pytest.mark.django_db


def usage(provider: str, *, cost: int, outcome: str = "ok", latency: int = 100) -> None:
    Usage.objects.create(
        provider=provider, model="m", tokens_in=10, tokens_out=5, cost_micros=cost, currency="USD",
        latency_ms=latency, outcome=outcome,
    )  # fmt: skip


def test_usage_by_provider_groups_requests_errors_tokens_and_cost() -> None:
    usage("openai", cost=500, latency=200)
    usage("openai", cost=300, outcome="error", latency=100)
    usage("local", cost=0, latency=10)
    now = timezone.now()

    rows = ai_routing.usage_by_provider(since=now - timedelta(hours=1), until=now + timedelta(seconds=1))

    assert [(row.provider, row.requests, row.errors, row.cost_micros) for row in rows] == [
        ("openai", 2, 1, 800),
        ("local", 1, 0, 0),
    ]
    assert rows[0].tokens_in == 20
    assert rows[0].mean_latency_ms == 150.0
    assert ai_routing.usage_by_provider(since=now + timedelta(hours=1), until=now + timedelta(hours=2)) == []
