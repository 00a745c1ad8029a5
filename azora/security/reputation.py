"""IP reputation: a score from 0 (hostile) to 100 (clean, or never seen), lowered by an address's security events
and recovering with time."""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
from collections import Counter
from collections.abc import Mapping

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from azora.security.models import IpReputation, SecurityEvent, SecurityEventKind

logger = logging.getLogger(__name__)

CLEAN = 100
# Points an address loses per event of each kind: the heavier the evidence of intent, the more it costs.
PENALTIES: Mapping[str, int] = {
    SecurityEventKind.LOGIN_FAILED: 2,
    SecurityEventKind.MFA_FAILED: 3,
    SecurityEventKind.RATE_LIMITED: 1,
    SecurityEventKind.PERMISSION_DENIED: 1,
    SecurityEventKind.WEBHOOK_SIGNATURE_INVALID: 5,
    SecurityEventKind.API_KEY_MISUSE: 5,
    SecurityEventKind.SUSPICIOUS_MONEY_MOVEMENT: 0,  # about an account, not an address
    SecurityEventKind.CREDENTIAL_STUFFING: 40,
    SecurityEventKind.BRUTE_FORCE: 20,
    SecurityEventKind.REQUEST_BLOCKED: 0,  # the consequence of a rule, not new evidence
    SecurityEventKind.FIREWALL_PROBE: 10,
}
# Points recovered per hour without new events: a score of 0 is clean again after 20 hours of quiet.
RECOVERY_PER_HOUR = 5
# Rows back at a clean score and quiet this long are deleted: "never seen" and "recovered" read the same.
FORGET_AFTER = dt.timedelta(days=7)
_WATERMARK_KEY = "azora:security:reputation:watermark"
# When the watermark is lost (a cache restart), events this far back are counted again.
_DEFAULT_LOOKBACK = dt.timedelta(minutes=2)


def recovered_score(*, score: int, since: dt.datetime, now: dt.datetime) -> int:
    """A stored score plus what it has recovered since it was stored."""
    hours = max(0.0, (now - since).total_seconds() / 3600)
    return min(CLEAN, score + int(hours * RECOVERY_PER_HOUR))


def _normalised(ip: str) -> str | None:
    try:
        return str(ipaddress.ip_address(ip))
    except ValueError:
        return None


def reputation_score(ip: str, *, now: dt.datetime | None = None) -> int:
    address = _normalised(ip)
    if address is None:
        return CLEAN
    row = IpReputation.objects.filter(ip=address).values_list("score", "updated_at").first()
    if row is None:
        return CLEAN
    return recovered_score(score=row[0], since=row[1], now=now or timezone.now())


def reputation_penalise(*, penalties: Mapping[str, tuple[int, int]], now: dt.datetime) -> int:
    """Applies (points, events) per address; returns how many addresses changed. Rows are locked in address
    order, so two runs at once cannot deadlock."""
    changed = 0
    with transaction.atomic():
        for ip in sorted(penalties):
            points, events = penalties[ip]
            row, _ = IpReputation.objects.select_for_update().get_or_create(ip=ip)
            current = recovered_score(score=row.score, since=row.updated_at, now=now) if row.events else CLEAN
            # update() rather than save(): `updated_at` must be `now` (auto_now would stamp the wall clock).
            IpReputation.objects.filter(ip=ip).update(
                score=max(0, current - points), events=row.events + events, last_event_at=now, updated_at=now
            )
            changed += 1
    return changed


def penalties_since(*, since: dt.datetime, until: dt.datetime) -> dict[str, tuple[int, int]]:
    """(points, events) per address from the security events recorded in [since, until)."""
    rows = (
        SecurityEvent.objects.filter(created_at__gte=since, created_at__lt=until, ip__isnull=False)
        .values_list("ip", "kind")
        .annotate(n=Count("id"))
    )
    points: Counter[str] = Counter()
    events: Counter[str] = Counter()
    for ip, kind, n in rows:
        points[ip] += PENALTIES.get(kind, 0) * n
        events[ip] += n
    return {ip: (points[ip], events[ip]) for ip in events if points[ip] > 0}


def reputation_refresh(*, now: dt.datetime | None = None) -> int:
    """The periodic job: lowers the scores of addresses with new events since the last run, writes the recovery
    of the others, and forgets addresses clean and quiet for a week. Returns how many rows changed."""
    now = now or timezone.now()
    watermark = _watermark(now)
    changed = reputation_penalise(penalties=penalties_since(since=watermark, until=now), now=now)
    cache.set(_WATERMARK_KEY, now.isoformat(), timeout=None)
    changed += _write_recovery(now)
    deleted, _ = IpReputation.objects.filter(score__gte=CLEAN, updated_at__lt=now - FORGET_AFTER).delete()
    return changed + deleted


def _watermark(now: dt.datetime) -> dt.datetime:
    stored = cache.get(_WATERMARK_KEY)
    if stored:
        try:
            value = dt.datetime.fromisoformat(str(stored))
        except ValueError:
            value = None
        if value is not None and value <= now:
            return value
    return now - _DEFAULT_LOOKBACK


def _write_recovery(now: dt.datetime) -> int:
    changed = 0
    for ip, score, updated_at in IpReputation.objects.filter(score__lt=CLEAN).values_list("ip", "score", "updated_at"):
        recovered = recovered_score(score=score, since=updated_at, now=now)
        if recovered > score:
            # Only whole hours are written, so that the fraction of an hour already earned is not lost.
            whole_hours = (recovered - score) / RECOVERY_PER_HOUR
            stamp = updated_at + dt.timedelta(hours=whole_hours)
            IpReputation.objects.filter(ip=ip, updated_at=updated_at).update(score=recovered, updated_at=stamp)
            changed += 1
    return changed
