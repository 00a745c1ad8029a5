"""Aegis's edge middleware: IP deny rules, automatic blocks, sign-in delays and the request firewall, answered
before any app code runs."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from azora.security import abuse, firewall, ip_rules
from azora.security.errors import RateLimited
from azora.security.identity import client_ip, submitted_email
from azora.security.metrics import EDGE_BLOCKED, FIREWALL_PROBES
from azora.security.routes import API_PREFIX, auth_routes
from azora.shared.problems import problem_response

logger = logging.getLogger(__name__)

# Form bodies up to this size are scanned by the firewall; bigger ones (uploads, long lessons) are not read here.
MAX_SCANNED_BODY_BYTES = 16 * 1024
_FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
# One event per address and kind of finding in this many seconds: an attacker's scan must not become a
# database write per request (the metrics still count every one).
EVENT_DEDUPE_SECONDS = 60


# --- the compiled rules of this process ----------------------------------------------------------------------


# How often a process asks the cache whether the rules changed elsewhere. The process that saves a rule applies it
# at once; every other process within this interval. Reading the cache on every request would cost a network
# round trip per request (a tenth of a millisecond idle, milliseconds on a loaded host) for a change that
# happens a few times a day.
VERSION_CHECK_INTERVAL = dt.timedelta(seconds=1)


class _RulesHolder:
    """This process's compiled rules, the version they were compiled at and when the version was last read."""

    def __init__(self) -> None:
        self.compiled: ip_rules.CompiledRules | None = None
        self.version: str | None = None
        self.checked_at: dt.datetime | None = None
        self.lock = threading.Lock()


_holder = _RulesHolder()


def rules_forget() -> None:
    """Drop this process's compiled rules; the next request compiles them again (after a change, and in tests)."""
    with _holder.lock:
        _holder.compiled = None
        _holder.checked_at = None


def current_rules(*, now: dt.datetime) -> ip_rules.CompiledRules:
    """The compiled rules, recompiled when a rule expired or another process published a new version.

    The steady state costs no database query and, between version checks, no cache read either. When the cache
    cannot be read the rules compiled last stay in force.
    """
    compiled = _holder.compiled
    if compiled is not None and not _expired(compiled, now) and not _version_check_due(now):
        return compiled
    try:
        version: str | None = ip_rules.rules_version()
    except Exception:  # robust: a cache outage must not take the site down; the last compiled rules still apply
        logger.warning("ip rules version unreadable: the cache is unreachable")
        version = _holder.version
    _holder.checked_at = now
    if compiled is not None and version == _holder.version and not _expired(compiled, now):
        return compiled
    with _holder.lock:
        # Another thread may have compiled while this one waited: one query per change, not one per thread.
        compiled = _holder.compiled
        if compiled is not None and version == _holder.version and not _expired(compiled, now):
            return compiled
        try:
            compiled = ip_rules.compiled_from_database(now=now)
        except Exception as error:  # robust: as with the cache, the rules compiled last (or none) stay in force
            logger.warning("ip rules unreadable (%s): the rules compiled last stay in force", type(error).__name__)
            return _holder.compiled or ip_rules.compile_rules([], valid_until=None)
        _holder.compiled = compiled
        _holder.version = version
        _holder.checked_at = now
    return compiled


def _version_check_due(now: dt.datetime) -> bool:
    checked_at = _holder.checked_at
    return checked_at is None or now < checked_at or now - checked_at >= VERSION_CHECK_INTERVAL


def _expired(compiled: ip_rules.CompiledRules, now: dt.datetime) -> bool:
    return compiled.valid_until is not None and now >= compiled.valid_until


# --- the middleware ------------------------------------------------------------------------------------------


class EdgeMiddleware:
    """Refuses, before any app code: denied addresses (403), oversized header blocks (431), high-confidence
    attack probes (403, when AZORA_FIREWALL_BLOCK) and sign-in attempts that must wait (429)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.AZORA_SECURITY_EDGE_ENABLED:
            return self.get_response(request)
        refusal = edge_refusal(request, now=timezone.now())
        if refusal is not None:
            return refusal
        return self.get_response(request)


def edge_refusal(request: HttpRequest, *, now: dt.datetime) -> HttpResponse | None:
    """The answer the edge gives instead of the app, or None to let the request through."""
    ip = client_ip(request, trusted_proxy_count=settings.AZORA_TRUSTED_PROXY_COUNT)
    rules = current_rules(now=now)
    reason = rules.block_reason(ip)
    if reason is not None:
        return _blocked(request, ip=ip, reason=reason)
    headers = firewall.header_verdict(
        request.META,
        max_headers=settings.AZORA_FIREWALL_MAX_HEADERS,
        max_bytes=settings.AZORA_FIREWALL_MAX_HEADER_BYTES,
    )
    if headers.exceeded:
        return _headers_too_large(request, headers)
    findings = firewall.inspect(path=request.path, query=request.META.get("QUERY_STRING", ""), body=_form_body(request))
    if findings:
        refused = _firewall(request, ip=ip, findings=findings)
        if refused is not None:
            return refused
    # Sign-in delays and locks are rate limits too: AZORA_RATE_LIMITS_ENABLED=0 turns them off with the others.
    if settings.AZORA_RATE_LIMITS_ENABLED and not rules.is_allowed(ip):
        return _sign_in_wait(request, ip=ip, now=now)
    return None


def _form_body(request: HttpRequest) -> str:
    if request.method not in ("POST", "PUT", "PATCH") or request.content_type != _FORM_CONTENT_TYPE:
        return ""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return ""
    if length <= 0 or length > MAX_SCANNED_BODY_BYTES:
        return ""
    try:
        return request.body.decode("utf-8", errors="replace")
    except Exception:  # robust: a body cut off mid-way is the app's problem to report, not the firewall's
        return ""


def _answers_json(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX) or "text/html" not in request.headers.get("Accept", "")


def _blocked(request: HttpRequest, *, ip: str, reason: ip_rules.BlockReason) -> HttpResponse:
    from azora.security.public import events

    EDGE_BLOCKED.labels(reason=reason).inc()
    events.security_event_record(
        kind="request_blocked",
        severity="low",
        summary=gettext("A request from a blocked address was refused."),
        request=request,
        ip=ip,
        detail={"reason": reason},
        dedupe_key=f"request_blocked:{ip}",
        dedupe_seconds=EVENT_DEDUPE_SECONDS,
    )
    detail = gettext("Requests from your address are blocked. If you think this is a mistake, contact support.")
    return _refusal(
        request,
        status=403,
        code="request_blocked",
        title=gettext("Requests from your address are blocked."),
        detail=detail,
    )


def _headers_too_large(request: HttpRequest, verdict: firewall.HeaderVerdict) -> HttpResponse:
    EDGE_BLOCKED.labels(reason="header_limit").inc()
    return _refusal(
        request,
        status=431,
        code="request_headers_too_large",
        title=gettext("The request's headers are too large."),
        detail=gettext("Send fewer or shorter headers (cookies count too)."),
        extra={"headers": verdict.count, "header_bytes": verdict.size},
    )


def _firewall(request: HttpRequest, *, ip: str, findings: list[firewall.Finding]) -> HttpResponse | None:
    from azora.security.public import events

    blocking = settings.AZORA_FIREWALL_BLOCK and firewall.is_blocking(findings)
    attacks = sorted({finding.attack for finding in findings})
    for attack in attacks:
        FIREWALL_PROBES.labels(attack=attack, blocked="true" if blocking else "false").inc()
    events.security_event_record(
        kind="firewall_probe",
        severity="high" if blocking else "medium",
        summary=gettext("Attack probe (%(attacks)s) in a request, %(outcome)s.")
        % {"attacks": ", ".join(attacks), "outcome": gettext("blocked") if blocking else gettext("logged only")},
        request=request,
        ip=ip,
        # The pattern names and places only: the probe text itself may carry anything, secrets included.
        detail={
            "findings": [
                {"attack": f.attack, "pattern": f.pattern, "confidence": f.confidence, "place": f.place}
                for f in findings
            ],
            "blocked": blocking,
        },
        dedupe_key=f"firewall_probe:{ip}:{','.join(attacks)}:{blocking}",
        dedupe_seconds=EVENT_DEDUPE_SECONDS,
    )
    if not blocking:
        return None
    EDGE_BLOCKED.labels(reason="firewall").inc()
    return _refusal(
        request,
        status=403,
        code="request_rejected",
        title=gettext("This request was refused."),
        detail=gettext("The request looks like an attack on the platform and was refused."),
    )


def _sign_in_wait(request: HttpRequest, *, ip: str, now: dt.datetime) -> HttpResponse | None:
    route = auth_routes().get(request.path)
    if route is None or route.action != "login" or request.method != "POST":
        return None
    try:
        wait = abuse.sign_in_wait(ip=ip, account=submitted_email(request), now=now)
    except Exception:  # robust: with the cache down, sign-in goes on (the rate limits still apply)
        logger.warning("sign-in delay skipped: the cache is unreachable")
        return None
    if wait is None:
        return None
    EDGE_BLOCKED.labels(reason="sign_in_delay").inc()
    headers = {"Retry-After": str(wait)}
    if not route.answers_json:
        body = render_to_string("security/rate_limited.html", {"retry_after": wait}, request=request)
        response = HttpResponse(body, status=429, content_type="text/html; charset=utf-8")
        response["Retry-After"] = str(wait)
        return response
    detail = ngettext(
        "Too many failed sign-ins. Try again in %(seconds)d second.",
        "Too many failed sign-ins. Try again in %(seconds)d seconds.",
        wait,
    ) % {"seconds": wait}
    return problem_response(
        status=RateLimited.status,
        code=RateLimited.code,
        title=gettext("Too many requests."),
        detail=detail,
        request=request,
        extra={"retry_after": wait, "policies": ["sign-in-delay"]},
        headers=headers,
    )


def _refusal(
    request: HttpRequest, *, status: int, code: str, title: str, detail: str, extra: dict[str, int] | None = None
) -> HttpResponse:
    if _answers_json(request):
        return problem_response(status=status, code=code, title=title, detail=detail, request=request, extra=extra)
    body = render_to_string(
        "security/blocked.html", {"title": title, "detail": detail, "status": status}, request=request
    )
    return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")
