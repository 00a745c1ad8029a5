"""The active providers are read once per AZORA_AI_PROVIDER_CACHE_SECONDS per process, and at once again after a
provider is saved or deleted through the ORM (the admin)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.fixtures import Settings as SettingsWrapper

from azora.ai_routing import selectors
from azora.ai_routing.models import Provider
from azora.ai_routing.tests.conftest import make_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings: SettingsWrapper, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """The cache on (5 s), with a clock the test moves."""
    settings.AZORA_AI_PROVIDER_CACHE_SECONDS = 5
    clock = [1000.0]
    monkeypatch.setattr(selectors, "monotonic", lambda: clock[0])
    selectors.provider_configs_forget()
    yield clock
    selectors.provider_configs_forget()


def _names_and_reads() -> tuple[list[str], int]:
    with CaptureQueriesContext(connection) as captured:
        names = [config.name for config in selectors.provider_configs()]
    return names, len(captured.captured_queries)


def test_the_active_providers_are_read_once_per_interval(cached: list[float]) -> None:
    make_provider(name="openai")
    assert _names_and_reads() == (["openai", "local"], 1)
    assert _names_and_reads() == (["openai", "local"], 0)

    Provider.objects.filter(name="openai").update(is_active=False)  # no signal: seen when the interval is over
    cached[0] += 4.9
    assert _names_and_reads() == (["openai", "local"], 0)
    cached[0] += 0.1
    assert _names_and_reads() == (["local"], 1)


def test_a_provider_saved_or_deleted_through_the_orm_is_seen_at_once(cached: list[float]) -> None:
    assert _names_and_reads() == (["local"], 1)

    added = make_provider(name="openai")
    assert _names_and_reads() == (["openai", "local"], 1)

    added.priority = 10_000
    added.save()
    assert _names_and_reads() == (["local", "openai"], 1)

    added.delete()
    assert _names_and_reads() == (["local"], 1)


def test_every_provider_and_a_zero_interval_are_read_every_time(cached: list[float], settings: SettingsWrapper) -> None:
    make_provider(name="openai", is_active=False)
    with CaptureQueriesContext(connection) as captured:
        every = [c.name for c in selectors.provider_configs(active_only=False)]
        again = [c.name for c in selectors.provider_configs(active_only=False)]
    assert (every, again, len(captured.captured_queries)) == (["openai", "local"], ["openai", "local"], 2)

    settings.AZORA_AI_PROVIDER_CACHE_SECONDS = 0
    assert _names_and_reads() == (["local"], 1)
    assert _names_and_reads() == (["local"], 1)
