"""Route latency history: every answered request is counted in memory per route and minute (a request observer),
and each web process writes its completed minutes to RouteBucket at most once a minute, from a background thread:
never a database write on a request's path.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass, field

import structlog
from django.conf import settings
from django.db import connections

from azora.health import history
from azora.health.models import Resolution, RouteBucket
from azora.shared.observability import observers

log = structlog.stdlib.get_logger("azora.health")
# Probes, scrapes and static files say nothing about the platform's routes.
SKIPPED_ROUTES = frozenset({"livez", "readyz", "metrics", "static", "unmatched"})
# Minutes kept in memory when they cannot be written (a database away): older ones are dropped, never piled up.
MAX_PENDING_MINUTES = 10
# The first path segment (after api/v1/ for the API) names the service a route belongs to; the rest are "platform".
API_SERVICES = {
    "ai": "ai_routing", "constitution": "constitution", "courses": "education", "lessons": "education",
    "assessments": "education", "enrollments": "education", "certificates": "education", "categories": "education",
    "modules": "education", "accounts": "finance", "wallets": "finance", "transfers": "finance",
    "payouts": "finance", "ledger": "finance", "payment-intents": "payments", "payment-methods": "payments",
    "receipts": "payments", "refunds": "payments", "webhooks": "payments", "subscriptions": "revenue",
    "plans": "revenue", "orders": "revenue", "prices": "revenue", "coupons": "revenue", "rewards": "revenue",
    "listings": "marketplace", "disputes": "marketplace", "contracts": "marketplace", "gigs": "marketplace",
    "jobs": "marketplace", "reviews": "marketplace", "agents": "agents", "conversations": "agents",
    "oversight": "agents", "onboarding": "onboarding", "me": "accounts", "organisations": "accounts",
    "api-keys": "accounts", "invitations": "accounts", "security": "security", "audit": "security",
    "moderation": "security", "health": "health", "status": "health", "attempts": "education",
    "credentials": "education", "questions": "education", "instructor": "education", "students": "education",
    "elara": "agents", "applications": "marketplace", "messages": "marketplace", "milestones": "marketplace",
    "skills": "marketplace", "offers": "revenue", "checkout": "revenue", "pricing": "revenue",
    "placement": "onboarding", "users": "accounts",
}  # fmt: skip
PAGE_SERVICES = {
    "pay": "payments", "market": "marketplace", "master": "master", "accounts": "accounts", "_allauth": "accounts",
    "admin": "admin", "learn": "education", "teach": "education", "quiz": "education", "verify": "education",
    "my": "education",
}  # fmt: skip


def service_of(route: str) -> str:
    parts = route.strip("/").split("/")
    if parts[:2] == ["api", "v1"]:
        return API_SERVICES.get(parts[2] if len(parts) > 2 else "", "platform")
    return PAGE_SERVICES.get(parts[0]) or API_SERVICES.get(parts[0], "platform")


@dataclass
class RouteCounts:
    service: str
    requests: int = 0
    errors: int = 0
    latency_total_ms: float = 0.0
    histogram: list[int] = field(default_factory=history.empty_histogram)


class RouteAccumulator:
    """Counts per (minute, route) under a lock held for a few dictionary updates."""

    def __init__(self) -> None:
        self._minutes: dict[int, dict[str, RouteCounts]] = {}
        self._lock = threading.Lock()

    def observe(self, *, route: str, status: int, duration_seconds: float, at: float | None = None) -> None:
        if route in SKIPPED_ROUTES:
            return
        minute = int((time.time() if at is None else at) // 60)
        latency_ms = duration_seconds * 1000
        with self._lock:
            routes = self._minutes.get(minute)
            if routes is None:
                routes = self._minutes[minute] = {}
                self._forget_old(minute)
            counts = routes.get(route)
            if counts is None:
                counts = routes[route] = RouteCounts(service=service_of(route))
            counts.requests += 1
            counts.errors += 1 if status >= 500 else 0
            counts.latency_total_ms += latency_ms
            history.histogram_add(counts.histogram, latency_ms)

    def _forget_old(self, newest: int) -> None:
        for minute in [minute for minute in self._minutes if minute <= newest - MAX_PENDING_MINUTES]:
            del self._minutes[minute]

    def take_completed(self, *, now: float | None = None) -> dict[int, dict[str, RouteCounts]]:
        """Removes and returns every minute before the current one."""
        current = int((time.time() if now is None else now) // 60)
        with self._lock:
            done = {minute: routes for minute, routes in self._minutes.items() if minute < current}
            for minute in done:
                del self._minutes[minute]
        return done

    def put_back(self, minutes: dict[int, dict[str, RouteCounts]]) -> None:
        """Returns minutes a failed write took, merged with anything counted since (kept for the next flush)."""
        with self._lock:
            for minute, routes in minutes.items():
                kept = self._minutes.setdefault(minute, {})
                for route, counts in routes.items():
                    if route in kept:
                        merged = kept[route]
                        merged.requests += counts.requests
                        merged.errors += counts.errors
                        merged.latency_total_ms += counts.latency_total_ms
                        merged.histogram = history.histogram_merge([merged.histogram, counts.histogram])
                    else:
                        kept[route] = counts
            if self._minutes:
                self._forget_old(max(self._minutes))

    def clear(self) -> None:
        with self._lock:
            self._minutes.clear()


accumulator = RouteAccumulator()


def observe(*, method: str, route: str, status: int, duration_seconds: float) -> None:
    """The request observer: counts the request, and starts this process's flusher on first use."""
    accumulator.observe(route=route, status=status, duration_seconds=duration_seconds)
    flusher.ensure_started()


def flush(*, now: float | None = None) -> int:
    """Writes every completed minute as RouteBucket rows (one per route and minute for this process); returns the
    rows written. On a database error the minutes stay in memory for the next flush."""
    minutes = accumulator.take_completed(now=now)
    rows = [
        RouteBucket(
            route=route, service=counts.service, resolution=Resolution.MINUTE,
            started_at=dt.datetime.fromtimestamp(minute * 60, tz=dt.UTC), requests=counts.requests,
            errors=counts.errors, latency_total_ms=counts.latency_total_ms, latency_histogram=counts.histogram,
        )
        for minute, routes in minutes.items()
        for route, counts in routes.items()
    ]  # fmt: skip
    if not rows:
        return 0
    try:
        RouteBucket.objects.bulk_create(rows)
    except Exception:
        accumulator.put_back(minutes)
        log.warning("route_history_flush_failed", minutes=len(minutes))
        return 0
    return len(rows)


class Flusher:
    """A daemon thread per process that flushes just after each minute ends. Not started under tests, whose
    database is per test: they call `flush` themselves."""

    def __init__(self) -> None:
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.stop = threading.Event()

    def ensure_started(self) -> None:
        if self._thread is not None or settings.AZORA_MODE == "test":
            return
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="health-route-flush", daemon=True)
                self._thread.start()

    def _loop(self) -> None:
        while not self.stop.wait(60 - time.time() % 60 + 1):
            try:
                flush()
            finally:
                connections.close_all()


flusher = Flusher()


def install() -> None:
    observers.register_request_observer(observe)
