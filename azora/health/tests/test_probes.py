"""Probe rounds: thresholds, isolation and timeouts of parallel probes, states, minute buckets, incidents."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator

import pytest
from django.test import Client

from azora.health import round as probe_round
from azora.health.models import Incident, ProbeBucket, ProbeState, Resolution
from azora.health.public import ProbeResult, probe_round_run, probe_states, register_probe, unregister_probe
from azora.health.registry import ProbeRegistry, registry
from azora.health.round import Thresholds, is_incident_change, transition

NOW = dt.datetime(2026, 3, 2, 10, 15, 20, tzinfo=dt.UTC)
LIMITS = Thresholds(failures_to_down=3, successes_to_up=2)


class Switch:
    """A probe whose answer the test sets: healthy, failing with an error, or raising."""

    def __init__(self) -> None:
        self.error = ""

    def __call__(self) -> ProbeResult | None:
        if self.error == "raise":
            raise ConnectionError("search index unreachable\nsecond line")
        return ProbeResult.failed(self.error) if self.error else None


@pytest.fixture
def probes(monkeypatch: pytest.MonkeyPatch) -> ProbeRegistry:
    """A registry of this test's probes only, so a round's report is exactly theirs (HTTP checks: none saved)."""
    registry = ProbeRegistry()
    monkeypatch.setattr(probe_round, "registry", registry)
    return registry


def rounds(count: int, *, start: dt.datetime = NOW) -> None:
    for index in range(count):
        probe_round_run(now=start + dt.timedelta(seconds=30 * index))


def state(name: str) -> ProbeState:
    return ProbeState.objects.get(name=name)


# --- thresholds (pure) ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "failures", "successes", "ok", "expected"),
    [
        ("unknown", 0, 0, True, ("up", 0, 1)),
        ("unknown", 0, 0, False, ("unknown", 1, 0)),
        ("unknown", 2, 0, False, ("down", 3, 0)),
        ("up", 0, 5, False, ("up", 1, 0)),
        ("up", 1, 0, False, ("up", 2, 0)),
        ("up", 2, 0, False, ("down", 3, 0)),
        ("up", 2, 0, True, ("up", 0, 1)),
        ("down", 7, 0, True, ("down", 0, 1)),
        ("down", 0, 1, True, ("up", 0, 2)),
        ("down", 0, 1, False, ("down", 1, 0)),
    ],
)
def test_transition_applies_three_failures_down_two_successes_up(
    status: str, failures: int, successes: int, ok: bool, expected: tuple[str, int, int]
) -> None:
    after = transition(status=status, failures=failures, successes=successes, ok=ok, limits=LIMITS)
    assert (after.status, after.failures, after.successes) == expected


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("up", "down", True),
        ("down", "up", True),
        ("unknown", "down", True),
        ("unknown", "up", False),
        ("up", "up", False),
    ],
)
def test_incidents_hear_of_up_down_changes_only(old: str, new: str, expected: bool) -> None:
    assert is_incident_change(old, new) is expected


# --- rounds -------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_one_blip_is_not_an_outage_three_failures_are(probes: ProbeRegistry) -> None:
    search = Switch()
    probes.register("search", search, service="education")

    rounds(1)
    assert (state("search").status, state("search").status_changed_at) == ("up", NOW)
    search.error = "index unreachable"
    rounds(2, start=NOW + dt.timedelta(seconds=30))
    assert (state("search").status, state("search").consecutive_failures) == ("up", 2)

    report = probe_round_run(now=NOW + dt.timedelta(seconds=90))

    assert (report.probes, report.failed, report.changed) == (1, ("search",), ("search",))
    down = state("search")
    assert (down.status, down.consecutive_failures, down.last_error, down.service) == (
        "down", 3, "index unreachable", "education"
    )  # fmt: skip
    assert down.status_changed_at == NOW + dt.timedelta(seconds=90)


@pytest.mark.django_db
def test_a_down_probe_needs_two_successes_to_be_up(probes: ProbeRegistry) -> None:
    search = Switch()
    search.error = "index unreachable"
    probes.register("search", search, service="education")
    rounds(3)
    assert state("search").status == "down"
    search.error = ""

    first = probe_round_run(now=NOW + dt.timedelta(minutes=2))
    assert (first.changed, state("search").status) == ((), "down")
    second = probe_round_run(now=NOW + dt.timedelta(minutes=3))

    assert (second.changed, state("search").status, state("search").last_error) == (("search",), "up", "")


@pytest.mark.django_db
def test_an_outage_opens_an_automatic_incident_and_recovery_resolves_it(probes: ProbeRegistry) -> None:
    search = Switch()
    probes.register("search", search, service="education")
    rounds(1)
    search.error = "index unreachable"
    rounds(3, start=NOW + dt.timedelta(minutes=1))

    incident = Incident.objects.get(probe="search")
    assert (incident.automatic, incident.service, incident.resolved_at) == (True, "education", None)

    search.error = ""
    rounds(2, start=NOW + dt.timedelta(minutes=5))

    incident.refresh_from_db()
    assert incident.resolved_at == NOW + dt.timedelta(minutes=5, seconds=30)
    assert Incident.objects.filter(probe="search").count() == 1


@pytest.mark.django_db
def test_a_raising_probe_fails_alone_with_a_short_error(probes: ProbeRegistry) -> None:
    broken, healthy = Switch(), Switch()
    broken.error = "raise"
    probes.register("search", broken, service="education")
    probes.register("mail", healthy, service="platform")

    report = probe_round_run(now=NOW)

    assert (report.probes, report.failed) == (2, ("search",))
    assert state("search").last_error == "ConnectionError: search index unreachable"
    assert (state("mail").status, state("mail").last_error) == ("up", "")


@pytest.mark.django_db
def test_a_slow_probe_times_out_without_stalling_the_round_and_is_not_started_twice(
    probes: ProbeRegistry, settings: object
) -> None:
    settings.AZORA_HEALTH_RESPONSE_TIME_MS = 50  # type: ignore[attr-defined]
    release = threading.Event()
    started = []

    def stuck() -> None:
        started.append(1)
        release.wait(10)

    probes.register("stuck", stuck)
    probes.register("mail", Switch())
    try:
        first = probe_round_run(now=NOW)
        second = probe_round_run(now=NOW + dt.timedelta(seconds=30))
    finally:
        release.set()

    assert (first.failed, second.failed) == (("stuck",), ("stuck",))
    assert state("stuck").last_error == "still running from the previous round (limit 50 ms)"
    assert len(started) == 1
    assert state("mail").status == "up"
    for thread in threading.enumerate():
        if thread.name == "probe:stuck":
            thread.join(5)


@pytest.mark.django_db
def test_the_first_timeout_says_so(probes: ProbeRegistry, settings: object) -> None:
    settings.AZORA_HEALTH_RESPONSE_TIME_MS = 20  # type: ignore[attr-defined]
    release = threading.Event()

    def stuck() -> None:
        release.wait(10)

    probes.register("stuck", stuck)
    try:
        report = probe_round_run(now=NOW)
    finally:
        release.set()

    assert report.failed == ("stuck",)
    assert (state("stuck").last_error, state("stuck").last_latency_ms) == ("timed out (limit 20 ms)", 20.0)
    for thread in threading.enumerate():
        if thread.name == "probe:stuck":
            thread.join(5)


@pytest.mark.django_db
def test_rounds_in_one_minute_share_its_bucket(probes: ProbeRegistry) -> None:
    search = Switch()
    probes.register("search", search, service="education")
    probe_round_run(now=NOW)
    search.error = "index unreachable"
    probe_round_run(now=NOW + dt.timedelta(seconds=30))
    probe_round_run(now=NOW + dt.timedelta(seconds=60))

    buckets = list(ProbeBucket.objects.filter(probe="search").order_by("started_at"))

    minute = NOW.replace(second=0)
    assert [(b.resolution, b.started_at, b.checks, b.failures) for b in buckets] == [
        (Resolution.MINUTE, minute, 2, 1),
        (Resolution.MINUTE, minute + dt.timedelta(minutes=1), 1, 1),
    ]
    assert sum(buckets[0].latency_histogram) == 2
    assert buckets[0].service == "education"


@pytest.mark.django_db
def test_probe_states_lists_every_probe_by_service(probes: ProbeRegistry) -> None:
    probes.register("search", Switch(), service="education")
    probes.register("mail", Switch(), service="accounts")
    probe_round_run(now=NOW)

    assert [(view.service, view.name, view.status) for view in probe_states()] == [
        ("accounts", "mail", "up"), ("education", "search", "up")
    ]  # fmt: skip


@pytest.mark.django_db
def test_a_round_with_no_probes_writes_nothing(probes: ProbeRegistry) -> None:
    report = probe_round_run(now=NOW)

    assert (report.probes, report.failed, report.changed) == (0, (), ())
    assert (ProbeState.objects.count(), ProbeBucket.objects.count()) == (0, 0)


# --- registration and readiness -----------------------------------------------------------------------------------


@pytest.fixture
def registered() -> Iterator[Callable[..., None]]:
    names: list[str] = []

    def register(name: str, check: Callable[[], ProbeResult | None], **options: object) -> None:
        register_probe(name, check, **options)  # type: ignore[arg-type]
        names.append(name)

    yield register
    for name in names:
        unregister_probe(name)


@pytest.mark.django_db
def test_a_probe_without_readiness_is_monitored_but_never_fails_readyz(
    client: Client, registered: Callable[..., None]
) -> None:
    registered("recommendations", lambda: ProbeResult.failed("model not loaded"), service="education")

    response = client.get("/readyz")

    assert response.status_code == 200
    assert "recommendations" not in response.json()["checks"]
    assert "recommendations" in {target.name for target in probe_round.round_targets()}


def test_every_app_registers_its_probes_with_its_service() -> None:
    services = {probe.name: probe.service for probe in registry.probes()}
    assert {name: services.get(name) for name in (
        "database", "cache", "migrations", "task_queue", "task_backlog", "outbox", "disk", "cpu", "memory",
        "certificate_signing_key", "ai_providers", "payment_providers", "ledger_reconcile",
    )} == {
        "database": "platform", "cache": "platform", "migrations": "platform", "task_queue": "platform",
        "task_backlog": "platform", "outbox": "platform", "disk": "platform", "cpu": "platform", "memory": "platform",
        "certificate_signing_key": "education", "ai_providers": "ai_routing", "payment_providers": "payments",
        "ledger_reconcile": "finance",
    }  # fmt: skip


@pytest.mark.parametrize(("name", "service"), [("Bad Name", "platform"), ("ok", "Not-A-Service"), ("", "platform")])
def test_probe_and_service_names_are_plain(name: str, service: str) -> None:
    with pytest.raises(ValueError, match="names are lower-case"):
        register_probe(name, lambda: None, service=service)


@pytest.mark.django_db
def test_the_round_over_every_registered_probe_passes_on_a_healthy_platform() -> None:
    report = probe_round_run()

    host = {"cpu", "memory", "disk"}  # depend on the machine running the tests
    assert set(report.failed) - host == set()
    assert report.probes == len(probe_round.round_targets())


# --- periodic jobs ------------------------------------------------------------------------------------------------


def test_the_probe_round_and_history_upkeep_are_scheduled() -> None:
    from azora.shared.scheduling import discover_jobs

    jobs = {job.name: job.every for job in discover_jobs()}

    assert jobs["health.run_probes"] == dt.timedelta(seconds=30)
    assert jobs["health.rollup_history"] == dt.timedelta(minutes=5)
    assert jobs["health.prune_history"] == dt.timedelta(hours=1)


@pytest.mark.django_db
def test_the_probe_job_runs_a_round_and_reports_it(probes: ProbeRegistry) -> None:
    from azora.health.jobs_probes import run_probes_task

    failing = Switch()
    failing.error = "index unreachable"
    probes.register("search", failing, service="education")

    result = run_probes_task.enqueue()

    assert result.return_value == {
        "probes": 1, "failed": ["search"], "changed": [], "duration_ms": result.return_value["duration_ms"]
    }  # fmt: skip
    assert state("search").consecutive_failures == 1
