"""Factories of probe and route history rows."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from azora.health.history import empty_histogram, histogram_add
from azora.health.models import ProbeBucket, ProbeState, Resolution, RouteBucket


def histogram_of(*latencies_ms: float) -> list[int]:
    histogram = empty_histogram()
    for latency in latencies_ms:
        histogram_add(histogram, latency)
    return histogram


class ProbeBucketFactory(DjangoModelFactory[ProbeBucket]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    class Meta:
        model = ProbeBucket

    probe = "search"
    service = "education"
    resolution = Resolution.MINUTE
    started_at = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
    checks = 2
    failures = 0
    latency_total_ms = 20.0
    latency_max_ms = 12.0
    latency_histogram = factory.LazyFunction(lambda: histogram_of(8, 12))


class RouteBucketFactory(DjangoModelFactory[RouteBucket]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    class Meta:
        model = RouteBucket

    route = "api/v1/courses"
    service = "education"
    resolution = Resolution.MINUTE
    started_at = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
    requests = 2
    errors = 0
    latency_total_ms = 20.0
    latency_histogram = factory.LazyFunction(lambda: histogram_of(8, 12))


class ProbeStateFactory(DjangoModelFactory[ProbeState]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    class Meta:
        model = ProbeState

    name = factory.Sequence(lambda n: f"probe{n}")
    service = "education"
    status = "up"
