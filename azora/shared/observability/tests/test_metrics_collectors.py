"""Apps' scrape-time collectors: registered by name, replaced rather than doubled, and isolated from each other."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pytest
from django.db import DatabaseError
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.registry import Collector

from azora.shared.observability import metrics


class FixedGauge(Collector):
    def __init__(self, name: str, value: float) -> None:
        self.name = name
        self.value = value

    def collect(self) -> Iterable[Metric]:
        family = GaugeMetricFamily(self.name, "A gauge for the collector tests.")
        family.add_metric([], self.value)
        yield family


class BrokenTable(Collector):
    def collect(self) -> Iterable[Metric]:
        raise DatabaseError("relation does not exist")


def samples() -> dict[str, list[float]]:
    found: dict[str, list[float]] = {}
    for family in text_string_to_metric_families(metrics.exposition().decode()):
        for sample in family.samples:
            found.setdefault(sample.name, []).append(sample.value)
    return found


@pytest.fixture
def registered() -> Iterator[list[str]]:
    names: list[str] = []
    yield names
    for name in names:
        metrics.unregister_collector(name)


@pytest.mark.django_db
def test_a_registered_collector_is_scraped(registered: list[str]) -> None:
    metrics.register_collector("test-fixed", FixedGauge("azora_test_fixed", 7))
    registered.append("test-fixed")

    assert samples()["azora_test_fixed"] == [7.0]
    assert "test-fixed" in metrics.registered_collectors()


@pytest.mark.django_db
def test_registering_the_same_name_again_replaces_the_collector(registered: list[str]) -> None:
    metrics.register_collector("test-fixed", FixedGauge("azora_test_fixed", 1))
    metrics.register_collector("test-fixed", FixedGauge("azora_test_fixed", 2))
    registered.append("test-fixed")

    assert samples()["azora_test_fixed"] == [2.0]


@pytest.mark.django_db
def test_a_collector_whose_table_fails_leaves_only_its_own_gauges_out(registered: list[str]) -> None:
    metrics.register_collector("test-broken", BrokenTable())
    metrics.register_collector("test-fixed", FixedGauge("azora_test_fixed", 3))
    registered.extend(["test-broken", "test-fixed"])

    scraped = samples()

    assert scraped["azora_test_fixed"] == [3.0]
    assert scraped["azora_db_up"] == [1.0]


@pytest.mark.django_db
def test_unregistering_removes_the_gauges() -> None:
    metrics.register_collector("test-fixed", FixedGauge("azora_test_fixed", 4))
    metrics.unregister_collector("test-fixed")

    assert "azora_test_fixed" not in samples()
    assert "test-fixed" not in metrics.registered_collectors()


@pytest.mark.django_db
def test_every_app_metrics_module_is_discovered_before_the_first_scrape() -> None:
    exposed = metrics.exposition().decode()

    assert "health" in metrics.registered_collectors()
    for name in ("azora_probe_up", "azora_security_events_total", "azora_ai_requests_total"):
        assert f"# TYPE {name} " in exposed
