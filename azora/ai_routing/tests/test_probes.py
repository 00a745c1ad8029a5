"""AI Routing's probe for the Health Monitor: an active provider that can answer now, judged without calling a
paid provider (secret set, circuit breaker not open); the offline provider answers for real."""

from __future__ import annotations

import pytest

from azora.ai_routing import resilience
from azora.ai_routing.models import Provider
from azora.ai_routing.probes import providers_available
from azora.ai_routing.tests.conftest import OPENAI_KEY_VAR, make_provider
from azora.ai_routing.tests.servers import OpenAIServer
from azora.health.public import ProbeResult

pytestmark = pytest.mark.django_db


def open_breaker(name: str) -> None:
    for _ in range(10):
        resilience.breaker_failure(name, failures_to_open=1)


def test_the_built_in_offline_provider_answers() -> None:
    assert list(Provider.objects.filter(is_active=True).values_list("kind", flat=True)) == ["local"]
    assert providers_available() is None


def test_no_active_provider_fails() -> None:
    Provider.objects.update(is_active=False)
    assert providers_available() == ProbeResult.failed("no AI provider is active")


def test_one_usable_provider_is_enough_and_a_secret_is_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    Provider.objects.update(is_active=False)
    make_provider(name="primary")
    make_provider(name="spare", secret_env_var="AZORA_TEST_MISSING_KEY")

    assert providers_available() is None

    open_breaker("primary")
    result = providers_available()
    assert result == ProbeResult.failed("primary: circuit open; spare: AZORA_TEST_MISSING_KEY is not set")
    monkeypatch.delenv(OPENAI_KEY_VAR)
    assert "primary: AZORA_TEST_OPENAI_KEY is not set" in (providers_available() or ProbeResult(ok=True)).error


def test_a_probe_round_never_calls_an_external_provider(openai_server: OpenAIServer) -> None:
    Provider.objects.update(is_active=False)
    make_provider(name="primary", base_url=openai_server.base_url)

    assert providers_available() is None
    assert openai_server.script.received == []
