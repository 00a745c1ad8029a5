"""SLOs: the default objectives (data migration), attainment and error budget from the probe and request history,
and the SRE workbook's multi-window burn-rate alerts (page 14.4x over 1 h and 5 m; ticket 6x over 6 h and 30 m)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

import azora.health.public as health
from azora.health import history, metrics, slo
from azora.health.models import Alert, Slo
from azora.health.tests.factories_incidents import ProbeBucketFactory, RouteBucketFactory, histogram

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)


def minute(offset: int) -> dt.datetime:
    return NOW - dt.timedelta(minutes=offset)


def view_of(service: str, kind: str, *, now: dt.datetime = NOW) -> health.SloView:
    return next(v for v in slo.slo_report(now=now) if (v.service, v.kind) == (service, kind))


def firing_keys() -> list[str]:
    return sorted(Alert.objects.filter(status="firing").values_list("key", flat=True))


def test_the_default_slos_come_with_the_migration() -> None:
    rows = {
        (s.service, s.kind): (s.objective_percent, s.latency_threshold_ms, s.window_days) for s in Slo.objects.all()
    }
    assert len(rows) == 17
    assert rows[("platform", "availability")] == (Decimal("99.500"), None, 30)
    assert rows[("education", "latency")] == (Decimal("95.000"), 1000, 30)
    assert rows[("agents", "latency")] == (Decimal("95.000"), 2500, 30)
    assert ("platform", "latency") not in rows


def test_availability_burns_the_budget_and_pages_until_the_short_window_recovers() -> None:
    # The last hour of an education probe, 2 checks a minute: the last 5 minutes failed.
    for offset in range(60):
        ProbeBucketFactory(probe="certificate_key", service="education", started_at=minute(offset),
                           failures=2 if offset < 5 else 0)  # fmt: skip
    history.rollup(now=NOW)  # the hour rows the 30-day window reads
    view = view_of("education", "availability")
    assert view.burn_rates == {"5m": 200.0, "30m": 33.333, "1h": 16.667, "6h": 16.667}
    assert (view.attained_percent, view.budget_remaining_percent, view.alerting) == (91.6667, -1566.67, True)

    slo.slo_evaluate(now=NOW)
    assert firing_keys() == ["slo_burn:education:availability:page", "slo_burn:education:availability:ticket"]
    page = Alert.objects.get(key="slo_burn:education:availability:page")
    assert (page.rule, page.severity, page.service) == ("slo_burn_rate", "page", "education")
    assert page.summary == (
        "education availability SLO (99.5 %) burns its error budget 16.667x over 1h and 200x over 5m"
    )

    # Five good minutes later the 5-minute window is clean: the page resolves though the hour is still bad.
    later = NOW + dt.timedelta(minutes=5)
    for offset in range(1, 6):
        ProbeBucketFactory(probe="certificate_key", service="education", started_at=NOW + dt.timedelta(minutes=offset))
    slo.slo_evaluate(now=later)
    assert firing_keys() == ["slo_burn:education:availability:ticket"]
    assert view_of("education", "availability", now=later).burn_rates["5m"] == 0.0
    budgets = {(b.service, b.kind): b.remaining_ratio for b in metrics.slo_budgets_stored()}
    assert budgets[("education", "availability")] == pytest.approx(-14.3846, abs=1e-4)


def test_latency_counts_requests_slower_than_the_threshold() -> None:
    for offset in range(10):
        # Per minute: 8 requests at most 1 s, 2 slower (up to 2.5 s), one of them a 5xx.
        RouteBucketFactory(service="marketplace", started_at=minute(offset), requests=10, errors=1,
                           latency_histogram=histogram(b9=8, b10=2))  # fmt: skip
    latency = view_of("marketplace", "latency")
    assert (latency.attained_percent, latency.budget_remaining_percent) == (80.0, -300.0)
    assert latency.burn_rates == {"5m": 4.0, "30m": 4.0, "1h": 4.0, "6h": 4.0}
    assert latency.alerting is False  # 4x is below both rules' factors
    availability = view_of("marketplace", "availability")
    assert (availability.attained_percent, availability.burn_rates["1h"]) == (90.0, 20.0)


def test_a_handful_of_events_never_pages() -> None:
    ProbeBucketFactory(probe="certificate_key", service="education", started_at=minute(1), checks=1, failures=1)
    view = view_of("education", "availability")
    assert view.burn_rates["1h"] == 200.0
    assert view.alerting is False
    slo.slo_evaluate(now=NOW)
    assert firing_keys() == []


def test_no_history_means_no_figures() -> None:
    view = view_of("finance", "availability")
    assert (view.attained_percent, view.budget_remaining_percent, view.alerting) == (None, None, False)
    assert set(view.burn_rates.values()) == {None}


def test_rows_outside_the_window_and_double_resolutions_are_not_counted() -> None:
    ProbeBucketFactory(service="education", started_at=minute(10), failures=2)
    ProbeBucketFactory(service="education", started_at=NOW - dt.timedelta(days=40), resolution="day", checks=100,
                       failures=100)  # fmt: skip
    totals = slo.service_totals(window=dt.timedelta(hours=1), now=NOW)
    assert (totals["education"].checks, totals["education"].failures) == (2, 2)
    history.rollup(now=NOW)
    month = slo.service_totals(window=dt.timedelta(days=30), now=NOW)
    assert (month["education"].checks, month["education"].failures) == (2, 2)


def test_the_default_slos_migration_keeps_operators_rows_and_reverses() -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("azora.health.migrations.0002_default_slos")
    Slo.objects.filter(service="education", kind="latency").update(objective_percent=Decimal("90"))
    migration.create_default_slos(apps, None)  # run again: nothing doubled, the operator's change kept
    assert Slo.objects.count() == 17
    assert Slo.objects.get(service="education", kind="latency").objective_percent == Decimal("90.000")
    migration.remove_default_slos(apps, None)
    assert Slo.objects.count() == 0
    migration.create_default_slos(apps, None)
    assert Slo.objects.count() == 17
