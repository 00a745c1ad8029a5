"""Test data for incidents, SLOs, alerts and the status page: probe states, history buckets, incidents, alert
channels and maintenance windows."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from azora.health.models import (
    AlertChannel,
    Incident,
    IncidentStatus,
    IncidentUpdate,
    MaintenanceWindow,
    ProbeBucket,
    ProbeState,
    ProbeStatus,
    Resolution,
    RouteBucket,
)

# As azora.health.history.LATENCY_BOUNDS_MS has 13 bounds, a histogram has 14 counts.
HISTOGRAM_SIZE = 14


def histogram(**counts: int) -> list[int]:
    """A histogram with counts at the named bucket indexes: histogram(b3=5, b9=2)."""
    values = [0] * HISTOGRAM_SIZE
    for name, count in counts.items():
        values[int(name.removeprefix("b"))] = count
    return values


class ProbeStateFactory(DjangoModelFactory[ProbeState]):  # type: ignore[misc]  # factory_boy is typed as Any
    class Meta:
        model = ProbeState
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"probe_{n}")
    service = "platform"
    status = ProbeStatus.UP
    last_checked_at = factory.LazyFunction(timezone.now)


class ProbeBucketFactory(DjangoModelFactory[ProbeBucket]):  # type: ignore[misc]
    class Meta:
        model = ProbeBucket

    probe = "database"
    service = "platform"
    resolution = Resolution.MINUTE
    started_at = factory.LazyFunction(lambda: timezone.now().replace(second=0, microsecond=0))
    checks = 2
    failures = 0
    latency_histogram = factory.LazyFunction(lambda: histogram(b2=2))


class RouteBucketFactory(DjangoModelFactory[RouteBucket]):  # type: ignore[misc]
    class Meta:
        model = RouteBucket

    route = "GET /api/v1/courses"
    service = "education"
    resolution = Resolution.MINUTE
    started_at = factory.LazyFunction(lambda: timezone.now().replace(second=0, microsecond=0))
    requests = 10
    errors = 0
    latency_histogram = factory.LazyFunction(lambda: histogram(b5=10))


class IncidentFactory(DjangoModelFactory[Incident]):  # type: ignore[misc]
    class Meta:
        model = Incident

    service = "platform"
    title = "Slow sign-in"
    status = IncidentStatus.INVESTIGATING
    opened_at = factory.LazyFunction(timezone.now)


class IncidentUpdateFactory(DjangoModelFactory[IncidentUpdate]):  # type: ignore[misc]
    class Meta:
        model = IncidentUpdate

    incident = factory.SubFactory(IncidentFactory)
    status = IncidentStatus.INVESTIGATING
    message = "We are looking into it."


class AlertChannelFactory(DjangoModelFactory[AlertChannel]):  # type: ignore[misc]
    class Meta:
        model = AlertChannel

    name = factory.Sequence(lambda n: f"channel {n}")
    kind = AlertChannel.Kind.EMAIL
    target = factory.Sequence(lambda n: f"oncall{n}@example.com")


class MaintenanceWindowFactory(DjangoModelFactory[MaintenanceWindow]):  # type: ignore[misc]
    class Meta:
        model = MaintenanceWindow

    title = "Database upgrade"
    services = factory.LazyFunction(lambda: ["platform"])
    starts_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(minutes=5))
    ends_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(hours=1))
