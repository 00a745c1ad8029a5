"""Aegis's security event log: recording an event (one INSERT, never raising into the caller), listing and
counting events for operators."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import logging
import re
import uuid
from collections.abc import Mapping
from typing import Any

import structlog
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, empty

from azora.security import identity
from azora.security.errors import InvalidSecurityEventFilter
from azora.security.metrics import SECURITY_EVENTS
from azora.security.models import SecurityEvent, SecurityEventKind, Severity
from azora.shared.pagination import Page, paginate_queryset

logger = logging.getLogger(__name__)

# How bad each kind is when the caller does not say: a single failed sign-in is noise, a pattern is an attack.
DEFAULT_SEVERITY: dict[str, str] = {
    SecurityEventKind.LOGIN_FAILED: Severity.LOW,
    SecurityEventKind.MFA_FAILED: Severity.MEDIUM,
    SecurityEventKind.RATE_LIMITED: Severity.LOW,
    SecurityEventKind.PERMISSION_DENIED: Severity.LOW,
    SecurityEventKind.WEBHOOK_SIGNATURE_INVALID: Severity.MEDIUM,
    SecurityEventKind.API_KEY_MISUSE: Severity.MEDIUM,
    SecurityEventKind.SUSPICIOUS_MONEY_MOVEMENT: Severity.HIGH,
    SecurityEventKind.CREDENTIAL_STUFFING: Severity.HIGH,
    SecurityEventKind.BRUTE_FORCE: Severity.HIGH,
    SecurityEventKind.REQUEST_BLOCKED: Severity.LOW,
    SecurityEventKind.FIREWALL_PROBE: Severity.MEDIUM,
}
KINDS = frozenset(SecurityEventKind.values)
SEVERITIES = frozenset(Severity.values)

REDACTED = "[redacted]"
# Detail keys whose values are credentials whatever the caller meant; matched anywhere in the key's name.
_SECRET_KEY = re.compile(
    r"pass(word)?|secret|token|api_?key|authori[sz]ation|cookie|signature|otp|session|cvc|card_?number", re.I
)
# Names that only point at a credential (its row id, a one-way fingerprint) and are safe to keep.
_SAFE_KEY = re.compile(r"(key_id|_fingerprint)$", re.I)
# Values that look like credentials even under an innocent key: our API keys, bearer headers, JWTs.
_SECRET_VALUE = re.compile(r"^(azk_|bearer\s)|^ey[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+\.", re.I)
MAX_DETAIL_BYTES = 4096
_SUMMARY_LENGTH = SecurityEvent._meta.get_field("summary").max_length or 300
_PATH_LENGTH = SecurityEvent._meta.get_field("path").max_length or 300
_REQUEST_ID_LENGTH = SecurityEvent._meta.get_field("request_id").max_length or 200
_DEDUPE_PREFIX = "security:event-dedupe:"


def event_record(
    *,
    kind: str,
    summary: str,
    severity: str | None = None,
    actor_id: uuid.UUID | None = None,
    request: HttpRequest | None = None,
    ip: str | None = None,
    detail: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
    dedupe_key: str | None = None,
    dedupe_seconds: int = 60,
) -> uuid.UUID | None:
    """Saves one event and counts it in the metrics; returns its id, or None when it was not saved.

    Never raises: a security event is evidence about something else that is going on, and failing to write it
    must not turn a refused request into a 500. With `dedupe_key`, only the first event with that key in
    `dedupe_seconds` is saved (the metric still counts every one), so a flood of refusals is not a flood of rows.
    """
    try:
        if kind not in KINDS:
            logger.error("security event of unknown kind %r not recorded", kind)
            return None
        level = severity if severity in SEVERITIES else DEFAULT_SEVERITY[kind]
        SECURITY_EVENTS.labels(kind=kind, severity=level).inc()
        if dedupe_key is not None and not _first_in_window(kind, dedupe_key, dedupe_seconds):
            return None
        event = SecurityEvent(
            kind=kind,
            severity=level,
            actor_id=actor_id if actor_id is not None else _actor_of(request),
            ip=_valid_ip(ip) if ip is not None else _ip_of(request),
            request_id=_request_id_of(request)[:_REQUEST_ID_LENGTH],
            path=(request.path if request is not None else "")[:_PATH_LENGTH],
            summary=summary[:_SUMMARY_LENGTH],
            detail=scrub_detail(detail or {}),
            created_at=now or timezone.now(),
        )
        _insert(event)
    except Exception:
        # Evidence lost is logged (without the detail, which may be what broke); the caller goes on.
        logger.exception("security event %r could not be recorded", kind)
        return None
    return event.id


def _insert(event: SecurityEvent) -> None:
    if connection.in_atomic_block:
        # A savepoint, so a failed INSERT leaves the caller's transaction usable.
        with transaction.atomic():
            event.save(force_insert=True)
    else:
        event.save(force_insert=True)


def _first_in_window(kind: str, key: str, seconds: int) -> bool:
    try:
        return bool(cache.add(f"{_DEDUPE_PREFIX}{kind}:{key}", 1, timeout=max(seconds, 1)))
    except Exception:
        # Without the cache, record every event rather than none.
        logger.warning("security event dedupe skipped: the cache is unreachable")
        return True


def scrub_detail(detail: Mapping[str, Any]) -> dict[str, Any]:
    """`detail` as plain JSON with credential-looking keys and values replaced, capped at MAX_DETAIL_BYTES."""
    cleaned = _scrub(json.loads(json.dumps(dict(detail), default=str)))
    if len(json.dumps(cleaned)) > MAX_DETAIL_BYTES:
        return {"truncated": True, "keys": sorted(str(key) for key in cleaned)[:50]}
    assert isinstance(cleaned, dict)  # a dict scrubs into a dict
    return cleaned


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: REDACTED if _is_secret_key(str(key)) else _scrub(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item) for item in value]
    if isinstance(value, str) and _SECRET_VALUE.search(value):
        return REDACTED
    return value


def _is_secret_key(key: str) -> bool:
    return bool(_SECRET_KEY.search(key)) and not _SAFE_KEY.search(key)


def _valid_ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _ip_of(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return _valid_ip(identity.client_ip(request, trusted_proxy_count=settings.AZORA_TRUSTED_PROXY_COUNT))


def _request_id_of(request: HttpRequest | None) -> str:
    request_id = getattr(request, "request_id", None) if request is not None else None
    if request_id is None:
        # Outside a view (a signal receiver, a subscriber run inline) the logging context still knows it.
        request_id = structlog.contextvars.get_contextvars().get("request_id")
    return str(request_id or "")


def _actor_of(request: HttpRequest | None) -> uuid.UUID | None:
    """Who made the request, from what is already loaded: the API principal or an evaluated session user.

    A session user nothing has looked at yet stays unloaded (that would cost a query), and then the logging
    context's bound user decides.
    """
    if request is not None:
        principal_user = getattr(getattr(request, "auth", None), "user_id", None)
        if principal_user is not None:
            return _as_uuid(principal_user)
        user = getattr(request, "user", None)
        loaded = not (isinstance(user, SimpleLazyObject) and user._wrapped is empty)
        if user is not None and loaded and getattr(user, "is_authenticated", False):
            return _as_uuid(user.pk)
    return _as_uuid(structlog.contextvars.get_contextvars().get("user_id"))


def _as_uuid(value: object) -> uuid.UUID | None:
    if value is None or isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def event_queryset(
    *,
    kind: str | None = None,
    severity: str | None = None,
    ip: str | None = None,
    actor_id: uuid.UUID | None = None,
    since: dt.datetime | None = None,
) -> QuerySet[SecurityEvent]:
    """Events matching the filters; an unknown kind or severity or an address that does not parse is refused
    (InvalidSecurityEventFilter) rather than silently matching nothing."""
    errors = _filter_errors(kind=kind, severity=severity, ip=ip, since=since)
    if errors:
        raise InvalidSecurityEventFilter(
            "Check these filters: " + ", ".join(error["field"] for error in errors) + ".", extra={"errors": errors}
        )
    events = SecurityEvent.objects.all()
    if kind:
        events = events.filter(kind=kind)
    if severity:
        events = events.filter(severity=severity)
    if ip:
        events = events.filter(ip=_valid_ip(ip))
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if since is not None:
        events = events.filter(created_at__gte=since)
    return events


def _filter_errors(
    *, kind: str | None, severity: str | None, ip: str | None, since: dt.datetime | None
) -> list[dict[str, str]]:
    errors = []
    if kind and kind not in KINDS:
        errors.append({"field": "query.kind", "message": "Unknown kind; one of: " + ", ".join(sorted(KINDS))})
    if severity and severity not in SEVERITIES:
        errors.append({"field": "query.severity", "message": "Unknown severity; one of: " + ", ".join(Severity.values)})
    if ip and _valid_ip(ip) is None:
        errors.append({"field": "query.ip", "message": "Not an IPv4 or IPv6 address."})
    if since is not None and timezone.is_naive(since):
        errors.append({"field": "query.since", "message": "Give a time zone (for example 2026-01-31T10:00:00Z)."})
    return errors


def event_page(
    *,
    kind: str | None = None,
    severity: str | None = None,
    ip: str | None = None,
    actor_id: uuid.UUID | None = None,
    since: dt.datetime | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[SecurityEvent]:
    """Newest first."""
    events = event_queryset(kind=kind, severity=severity, ip=ip, actor_id=actor_id, since=since)
    return paginate_queryset(
        events, cursor=cursor, limit=limit, to_item=lambda event: event, ordering=("-created_at", "-id")
    )


def event_counts(*, since: dt.datetime) -> dict[str, int]:
    """Events since `since` per kind; kinds without events are left out."""
    rows = (
        SecurityEvent.objects.filter(created_at__gte=since).values("kind").annotate(total=Count("id")).order_by("kind")
    )
    return {row["kind"]: row["total"] for row in rows}
