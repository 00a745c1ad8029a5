"""The probe registry and the readiness run: each probe timed and isolated, so one failure never breaks the rest.

Every registered probe runs in the monitor's rounds (azora.health.round); those registered with `readiness` also
run in /readyz."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import structlog

Status = Literal["ok", "fail"]
ERROR_TEXT_LIMIT = 120
# Probe names are ProbeState keys and metric labels: short and plain ("database", "http:status-page").
PROBE_NAME = re.compile(r"^[a-z0-9][a-z0-9_.:-]{0,99}$")
SERVICE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
log = structlog.stdlib.get_logger("azora.health")


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """What a probe found: `ok`, and when not, a short `error` safe to show to operators."""

    ok: bool
    error: str = ""

    @classmethod
    def failed(cls, error: str) -> ProbeResult:
        return cls(ok=False, error=error)


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    name: str
    status: Status
    latency_ms: float
    critical: bool
    error: str = ""

    def as_dict(self) -> dict[str, object]:
        body: dict[str, object] = {"status": self.status, "latency_ms": self.latency_ms}
        if not self.critical:
            body["critical"] = False
        if self.error:
            body["error"] = self.error
        return body


@dataclass(frozen=True, slots=True)
class ReadinessReport:
    status: Status
    checks: tuple[CheckOutcome, ...]

    @property
    def is_ready(self) -> bool:
        return self.status == "ok"

    def as_dict(self) -> dict[str, object]:
        return {"status": self.status, "checks": {check.name: check.as_dict() for check in self.checks}}


@dataclass(frozen=True, slots=True)
class Probe:
    name: str
    check: Callable[[], ProbeResult | None]
    critical: bool
    service: str = "platform"
    readiness: bool = False


class ProbeRegistry:
    def __init__(self) -> None:
        self._probes: dict[str, Probe] = {}
        self._lock = threading.Lock()

    def register(
        self, name: str, check: Callable[[], ProbeResult | None], *, critical: bool = True, service: str = "platform",
        readiness: bool = False,
    ) -> None:  # fmt: skip
        if not PROBE_NAME.match(name) or not SERVICE_NAME.match(service):
            raise ValueError(f"Probe {name!r} of service {service!r}: names are lower-case letters, digits, _ . : -")
        with self._lock:
            if name in self._probes:
                raise ValueError(f"A readiness probe named {name!r} is already registered.")
            self._probes[name] = Probe(name=name, check=check, critical=critical, service=service, readiness=readiness)

    def unregister(self, name: str) -> None:
        with self._lock:
            self._probes.pop(name, None)

    def probes(self) -> tuple[Probe, ...]:
        with self._lock:
            return tuple(self._probes.values())


registry = ProbeRegistry()


def run_readiness() -> ReadinessReport:
    """Runs every readiness probe in turn; not ready when any critical one fails."""
    outcomes = tuple(run_probe(probe) for probe in registry.probes() if probe.readiness)
    is_ready = all(outcome.status == "ok" for outcome in outcomes if outcome.critical)
    return ReadinessReport(status="ok" if is_ready else "fail", checks=outcomes)


def run_probe(probe: Probe) -> CheckOutcome:
    started = time.perf_counter()
    try:
        result = probe.check() or ProbeResult(ok=True)
    except Exception as error:  # any failure of a probe is that probe's "fail", never a 500
        result = ProbeResult.failed(short_error(error))
    latency_ms = round((time.perf_counter() - started) * 1000, 2)
    if not result.ok:
        log.warning("probe_failed", probe=probe.name, critical=probe.critical, error=result.error)
    return CheckOutcome(
        name=probe.name, status="ok" if result.ok else "fail", latency_ms=latency_ms, critical=probe.critical,
        error="" if result.ok else result.error[:ERROR_TEXT_LIMIT],
    )  # fmt: skip


def short_error(error: Exception) -> str:
    """The exception's type and the first line of its message: enough to act on, no traceback."""
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    text = f"{type(error).__name__}: {message}" if message else type(error).__name__
    return text[:ERROR_TEXT_LIMIT]
