"""The probe round: every registered probe and enabled HTTP check run once, in parallel threads, each with its own
timeout; the failure/success thresholds turn results into states; the minute's history is recorded; incidents
hear about every up/down change.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import structlog
from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from azora.health import history, http_checks
from azora.health.models import ProbeBucket, ProbeState, ProbeStatus, Resolution
from azora.health.public.probes import ProbeRoundReport
from azora.health.registry import ERROR_TEXT_LIMIT, Probe, ProbeResult, registry, run_probe, short_error

log = structlog.stdlib.get_logger("azora.health")
STATE_FIELDS = [
    "service", "status", "consecutive_failures", "consecutive_successes", "last_checked_at", "last_latency_ms",
    "last_error", "status_changed_at", "updated_at",
]  # fmt: skip
HTTP_GRACE_MS = 1000
# ProbeState.last_error's column width.
STORED_ERROR_LIMIT = 200


@dataclass(frozen=True, slots=True)
class Target:
    """One thing a round checks: a registered probe or an operator's HTTP check."""

    name: str
    service: str
    check: Callable[[], ProbeResult | None]
    timeout_ms: int
    critical: bool = True


@dataclass(frozen=True, slots=True)
class Outcome:
    name: str
    service: str
    ok: bool
    latency_ms: float
    error: str = ""


@dataclass(frozen=True, slots=True)
class Thresholds:
    failures_to_down: int
    successes_to_up: int


@dataclass(frozen=True, slots=True)
class Transition:
    status: str
    failures: int
    successes: int


def thresholds() -> Thresholds:
    return Thresholds(
        failures_to_down=settings.AZORA_HEALTH_FAILURE_THRESHOLD,
        successes_to_up=settings.AZORA_HEALTH_SUCCESS_THRESHOLD,
    )


def probe_round_run(*, now: dt.datetime | None = None) -> ProbeRoundReport:
    started = time.perf_counter()
    now = now or timezone.now()
    targets = round_targets()
    outcomes = run_parallel(targets)
    changed = outcomes_record(outcomes, now=now)
    report = ProbeRoundReport(
        probes=len(outcomes),
        failed=tuple(outcome.name for outcome in outcomes if not outcome.ok),
        changed=tuple(changed),
        duration_ms=round((time.perf_counter() - started) * 1000, 2),
    )
    log.info("probe_round", probes=report.probes, failed=list(report.failed), changed=list(report.changed),
             duration_ms=report.duration_ms)  # fmt: skip
    return report


def round_targets() -> list[Target]:
    timeout_ms = settings.AZORA_HEALTH_RESPONSE_TIME_MS
    probes = [
        Target(
            name=probe.name, service=probe.service, check=probe.check, timeout_ms=timeout_ms, critical=probe.critical
        )
        for probe in registry.probes()
    ]
    # An HTTP check's own timeout ends its request; the round waits a little longer, so that it reports what the
    # check saw (no connection, a slow answer) rather than a bare "timed out".
    return probes + [
        Target(name=check.name, service=check.service, check=check.run, timeout_ms=check.timeout_ms + HTTP_GRACE_MS)
        for check in http_checks.round_checks()
    ]


# --- running: parallel, each with a deadline --------------------------------------------------------------------

_in_flight: set[str] = set()
_in_flight_lock = threading.Lock()


def run_parallel(targets: Sequence[Target]) -> list[Outcome]:
    """Runs every target in its own daemon thread and waits for each up to its timeout. A target still running
    from an earlier round is not started twice: it fails this round, so a hung dependency never piles threads."""
    results: dict[str, Outcome] = {}
    threads: list[tuple[Target, threading.Thread | None]] = []
    started = time.perf_counter()
    for target in targets:
        with _in_flight_lock:
            busy = target.name in _in_flight
            if not busy:
                _in_flight.add(target.name)
        if busy:
            threads.append((target, None))
            continue
        worker = threading.Thread(
            target=_run_in_thread, args=(target, results), name=f"probe:{target.name}", daemon=True
        )
        worker.start()
        threads.append((target, worker))
    outcomes = []
    for target, running in threads:
        if running is not None:
            remaining = target.timeout_ms / 1000 - (time.perf_counter() - started)
            running.join(timeout=max(remaining, 0.0))
        outcome = results.get(target.name)
        if outcome is None:
            reason = "still running from the previous round" if running is None else "timed out"
            outcome = Outcome(
                name=target.name, service=target.service, ok=False, latency_ms=float(target.timeout_ms),
                error=f"{reason} (limit {target.timeout_ms} ms)",
            )  # fmt: skip
        outcomes.append(outcome)
    return outcomes


def _run_in_thread(target: Target, results: dict[str, Outcome]) -> None:
    try:
        checked = run_probe(Probe(name=target.name, check=target.check, critical=target.critical))
        results[target.name] = Outcome(
            name=target.name, service=target.service, ok=checked.status == "ok", latency_ms=checked.latency_ms,
            error=checked.error,
        )  # fmt: skip
    except Exception as error:  # run_probe catches the probe's errors; this is a last guard for the thread
        results[target.name] = Outcome(
            name=target.name, service=target.service, ok=False, latency_ms=0.0, error=short_error(error)
        )
    finally:
        with _in_flight_lock:
            _in_flight.discard(target.name)
        connections.close_all()  # this thread's own connections; the next round opens fresh ones


# --- thresholds ---------------------------------------------------------------------------------------------------


def transition(*, status: str, failures: int, successes: int, ok: bool, limits: Thresholds) -> Transition:
    """The state after one result: down after `failures_to_down` failures in a row, up again after
    `successes_to_up` successes; a probe never seen before is up at its first success."""
    if ok:
        successes, failures = successes + 1, 0
        if status == ProbeStatus.UNKNOWN or (status == ProbeStatus.DOWN and successes >= limits.successes_to_up):
            status = ProbeStatus.UP
        return Transition(status=status, failures=failures, successes=successes)
    failures, successes = failures + 1, 0
    if failures >= limits.failures_to_down:
        status = ProbeStatus.DOWN
    return Transition(status=status, failures=failures, successes=successes)


def is_incident_change(old: str, new: str) -> bool:
    """Up <-> down, and a probe never seen up going down; unknown -> up is only the first sight of a probe."""
    if old == new:
        return False
    return new == ProbeStatus.DOWN or (new == ProbeStatus.UP and old == ProbeStatus.DOWN)


# --- recording ----------------------------------------------------------------------------------------------------


def outcomes_record(outcomes: Sequence[Outcome], *, now: dt.datetime) -> list[str]:
    """Writes states and the minute's buckets in one transaction; returns the probes whose status changed.

    The state rows are locked in name order, so two rounds at once (the job and an operator's "run now") apply
    one after the other instead of losing each other's counts.
    """
    if not outcomes:
        return []
    limits = thresholds()
    names = sorted(outcome.name for outcome in outcomes)
    changes: list[tuple[Outcome, str, str]] = []
    with transaction.atomic():
        ProbeState.objects.bulk_create(
            [ProbeState(name=outcome.name, service=outcome.service) for outcome in outcomes], ignore_conflicts=True
        )
        states = {
            row.name: row for row in ProbeState.objects.select_for_update().filter(name__in=names).order_by("name")
        }
        for outcome in outcomes:
            state = states[outcome.name]
            old = state.status
            _apply(state, outcome, limits, now)
            if state.status != old:
                changes.append((outcome, old, state.status))
        ProbeState.objects.bulk_update(list(states.values()), STATE_FIELDS)
        buckets_record(outcomes, now=now)
        for outcome, old, new in changes:
            if is_incident_change(old, new):
                _tell_incidents(outcome, new, now)
    return [outcome.name for outcome, _, _ in changes]


def _apply(state: ProbeState, outcome: Outcome, limits: Thresholds, now: dt.datetime) -> None:
    after = transition(
        status=state.status, failures=state.consecutive_failures, successes=state.consecutive_successes,
        ok=outcome.ok, limits=limits,
    )  # fmt: skip
    if after.status != state.status:
        state.status_changed_at = now
    state.service = outcome.service
    state.status = after.status
    state.consecutive_failures = after.failures
    state.consecutive_successes = after.successes
    state.last_checked_at = now
    state.last_latency_ms = outcome.latency_ms
    state.last_error = "" if outcome.ok else outcome.error[:STORED_ERROR_LIMIT]
    state.updated_at = now


def buckets_record(outcomes: Sequence[Outcome], *, now: dt.datetime) -> None:
    """Adds each outcome to its probe's bucket for this minute (created on the minute's first round)."""
    minute = history.minute_of(now)
    existing = {
        row.probe: row
        for row in ProbeBucket.objects.select_for_update().filter(
            resolution=Resolution.MINUTE, started_at=minute, probe__in=[outcome.name for outcome in outcomes]
        )
    }
    new = []
    for outcome in outcomes:
        bucket = existing.get(outcome.name)
        if bucket is None:
            bucket = ProbeBucket(
                probe=outcome.name, service=outcome.service, resolution=Resolution.MINUTE, started_at=minute,
                latency_histogram=history.empty_histogram(),
            )  # fmt: skip
            new.append(bucket)
        bucket.service = outcome.service
        bucket.checks += 1
        bucket.failures += 0 if outcome.ok else 1
        bucket.latency_total_ms += outcome.latency_ms
        bucket.latency_max_ms = max(bucket.latency_max_ms, outcome.latency_ms)
        history.histogram_add(bucket.latency_histogram, outcome.latency_ms)
    if existing:
        ProbeBucket.objects.bulk_update(
            list(existing.values()),
            ["service", "checks", "failures", "latency_total_ms", "latency_max_ms", "latency_histogram"],
        )
    ProbeBucket.objects.bulk_create(new)


def _tell_incidents(outcome: Outcome, status: str, now: dt.datetime) -> None:
    """Incidents open and close in the round's transaction; a failure there is logged in its own savepoint and
    never stops the monitor from recording what it saw."""
    from azora.health import incidents

    try:
        with transaction.atomic():
            incidents.probe_status_changed(
                probe=outcome.name, service=outcome.service, status=status,
                error=outcome.error[:ERROR_TEXT_LIMIT], at=now,
            )  # fmt: skip
    except Exception:
        log.exception("probe_incident_update_failed", probe=outcome.name, status=status)
