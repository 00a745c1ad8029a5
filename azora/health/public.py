"""Health Monitor's contract for other apps: register readiness probes and read the readiness report."""

from __future__ import annotations

from collections.abc import Callable

from azora.health.probes import ProbeResult, ReadinessReport, registry, run_readiness

__all__ = ["ProbeResult", "ReadinessReport", "register_probe", "run_readiness", "unregister_probe"]


def register_probe(name: str, check: Callable[[], ProbeResult | None], *, critical: bool = True) -> None:
    """Adds a readiness probe, usually from an AppConfig.ready().

    `check` returns None (or an ok ProbeResult) when healthy, a failed ProbeResult or raises when not.
    A critical probe's failure makes /readyz answer 503; a non-critical one only shows as "fail".
    """
    registry.register(name, check, critical=critical)


def unregister_probe(name: str) -> None:
    registry.unregister(name)
