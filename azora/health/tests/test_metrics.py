"""The Health Monitor's scrape-time gauges: probe verdicts, latency and round age, open incidents, firing alerts,
and the SLO budgets the SLO job stored."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import factory
import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from factory.django import DjangoModelFactory
from prometheus_client.parser import text_string_to_metric_families

from azora.health import metrics as health_metrics
from azora.health.models import Alert, Incident, IncidentStatus, ProbeState
from azora.shared.observability import metrics

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)


# mypy skips factory_boy (pyproject), so its bases are Any here.
class ProbeStateFactory(DjangoModelFactory):  # type: ignore[misc,unused-ignore]
    class Meta:
        model = ProbeState

    name = factory.Sequence(lambda n: f"probe-{n}")
    service = "platform"
    status = "up"
    last_checked_at = NOW
    last_latency_ms = 2.5


class IncidentFactory(DjangoModelFactory):  # type: ignore[misc,unused-ignore]
    class Meta:
        model = Incident

    service = "platform"
    title = "Database is down"
    severity = Incident.Severity.MAJOR
    opened_at = NOW


class AlertFactory(DjangoModelFactory):  # type: ignore[misc,unused-ignore]
    class Meta:
        model = Alert

    key = factory.Sequence(lambda n: f"probe_down:probe-{n}")
    rule = "probe_down"
    service = "platform"
    severity = Alert.Severity.PAGE
    summary = "A probe is down"
    started_at = NOW


@pytest.fixture(autouse=True)
def no_stored_budgets() -> Iterator[None]:
    cache.delete(health_metrics.SLO_BUDGETS_CACHE_KEY)
    yield
    cache.delete(health_metrics.SLO_BUDGETS_CACHE_KEY)


def scrape() -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(metrics.exposition().decode())
        for sample in family.samples
    }


def series(scraped: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str) -> dict[Any, float]:
    return {dict(labels).get("probe") or tuple(sorted(labels)): value for (found, labels), value in scraped.items()
            if found == name}  # fmt: skip


def test_probe_up_is_one_for_up_zero_for_down_and_absent_while_unknown() -> None:
    ProbeStateFactory(name="database", service="platform", status="up")
    ProbeStateFactory(name="ai.openai", service="ai_routing", status="down", last_error="timed out")
    ProbeStateFactory(name="payments.config", service="payments", status="unknown", last_checked_at=None,
                      last_latency_ms=None)  # fmt: skip

    scraped = scrape()

    assert scraped[("azora_probe_up", frozenset({("probe", "database"), ("service", "platform")}))] == 1.0
    assert scraped[("azora_probe_up", frozenset({("probe", "ai.openai"), ("service", "ai_routing")}))] == 0.0
    assert series(scraped, "azora_probe_up") == {"database": 1.0, "ai.openai": 0.0}


def test_probe_latency_is_exposed_in_seconds_for_probes_that_ran() -> None:
    ProbeStateFactory(name="database", last_latency_ms=12.0)
    ProbeStateFactory(name="never-ran", status="unknown", last_checked_at=None, last_latency_ms=None)

    assert series(scrape(), "azora_probe_latency_seconds") == {"database": 0.012}


def test_round_age_counts_from_the_most_recent_check() -> None:
    recent = timezone.now() - dt.timedelta(seconds=90)
    ProbeStateFactory(name="database", last_checked_at=recent - dt.timedelta(minutes=10))
    ProbeStateFactory(name="cache", last_checked_at=recent)

    ((_, age),) = [(key, value) for key, value in scrape().items() if key[0] == "azora_probe_last_round_age_seconds"]

    # The scrape happens a little after `recent - 90 s`; the gauge is at least those 90 s and not the older probe's.
    assert 90 <= age < 600


def test_round_age_is_absent_before_the_first_round() -> None:
    assert not [key for key in scrape() if key[0] == "azora_probe_last_round_age_seconds"]


def test_open_incidents_are_counted_by_severity_with_zeros_for_the_others() -> None:
    IncidentFactory(severity="major")
    IncidentFactory(severity="major", status=IncidentStatus.MONITORING)
    IncidentFactory(severity="critical")
    IncidentFactory(severity="minor", status=IncidentStatus.RESOLVED, resolved_at=NOW)

    assert series(scrape(), "azora_incidents_open") == {
        (("severity", "critical"),): 1.0,
        (("severity", "major"),): 2.0,
        (("severity", "minor"),): 0.0,
    }


def test_firing_alerts_are_counted_by_severity() -> None:
    AlertFactory(severity="page")
    AlertFactory(severity="ticket")
    AlertFactory(severity="ticket")
    AlertFactory(severity="page", status="resolved", resolved_at=NOW)

    assert series(scrape(), "azora_alerts_firing") == {(("severity", "page"),): 1.0, (("severity", "ticket"),): 2.0}


def test_slo_budgets_come_from_what_the_slo_job_stored() -> None:
    assert series(scrape(), "azora_slo_error_budget_remaining_ratio") == {}

    health_metrics.slo_budgets_store(
        [
            health_metrics.SloBudget(service="education", kind="availability", remaining_ratio=0.75),
            health_metrics.SloBudget(service="education", kind="latency", remaining_ratio=-0.5),
        ]
    )

    assert series(scrape(), "azora_slo_error_budget_remaining_ratio") == {
        (("kind", "availability"), ("service", "education")): 0.75,
        (("kind", "latency"), ("service", "education")): -0.5,
    }


def test_a_scrape_reads_a_fixed_number_of_queries_however_many_probes(django_assert_max_num_queries: Any) -> None:
    ProbeStateFactory.create_batch(30)
    metrics.exposition()  # the first scrape of a process discovers the apps' metrics modules

    with django_assert_max_num_queries(10):
        metrics.exposition()


def test_the_real_metrics_endpoint_serves_the_health_gauges(client: Client) -> None:
    ProbeStateFactory(name="database", status="down")

    response = client.get("/metrics")

    assert response.status_code == 200
    assert 'azora_probe_up{probe="database",service="platform"} 0.0' in response.content.decode()
