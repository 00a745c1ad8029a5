"""Aegis middleware: security headers on every response and rate limits at the edge."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

import redis
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext, ngettext

from azora.security import event_log, identity, limiter
from azora.security.errors import RateLimited
from azora.security.headers import default_security_headers
from azora.security.identity import identities
from azora.security.routes import API_PREFIX, auth_routes
from azora.security.rules import Limit, PolicyState, Route, limits_for, rate_limit_headers, retry_after, route_for
from azora.shared.problems import problem_response

logger = logging.getLogger(__name__)
# A refused client is recorded once a minute per address and policy, however often it retries.
RATE_LIMITED_EVENT_EVERY_SECONDS = 60


class SecurityHeadersMiddleware:
    """Fills in the headers every response must carry; a header a view set itself is left alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        defaults = default_security_headers(
            path=request.path,
            permissions_policy=settings.AZORA_PERMISSIONS_POLICY,
            frame_options=settings.X_FRAME_OPTIONS,
        )
        if getattr(response, "xframe_options_exempt", False):
            del defaults["X-Frame-Options"]
        for name, value in defaults.items():
            response.headers.setdefault(name, value)
        return response


class RateLimitMiddleware:
    """Counts sign-in attempts and API calls; refuses with 429 once a limit is exceeded.

    A refused request never reaches its view, so it changes nothing. When the shared counter store is
    unreachable the request goes through (logged): an outage of Redis must not lock every user out.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.AZORA_RATE_LIMITS_ENABLED:
            return self.get_response(request)
        route = route_for(
            path=request.path, method=request.method or "", auth_routes=auth_routes(), api_prefix=API_PREFIX
        )
        if route is None:
            return self.get_response(request)
        planned = _planned_hits(request, route)
        if not planned:
            return self.get_response(request)
        try:
            states = limiter.count(planned)
        except redis.RedisError as error:
            logger.warning("rate limits skipped: the counter store is unreachable (%s)", type(error).__name__)
            return self.get_response(request)
        headers = rate_limit_headers(states)
        wait = retry_after(states)
        if wait is not None:
            return _refusal(request, route, states, wait, headers)
        response = self.get_response(request)
        for name, value in headers.items():
            response[name] = value
        return response


def _planned_hits(request: HttpRequest, route: Route) -> list[tuple[Limit, str]]:
    found = identities(request, action=route.action, trusted_proxy_count=settings.AZORA_TRUSTED_PROXY_COUNT)
    return [
        (limit, found[limit.counts_by])
        for limit in limits_for(route.action, limiter.active_limits())
        if limit.counts_by in found
    ]


def _record_refusal(request: HttpRequest, route: Route, exceeded: list[str], wait: int) -> None:
    """One security event per address and policy a minute: a client hammering a limit is one row, not thousands."""
    ip = identity.client_ip(request, trusted_proxy_count=settings.AZORA_TRUSTED_PROXY_COUNT)
    event_log.event_record(
        kind="rate_limited",
        summary=f"Rate limit hit: {', '.join(exceeded)} on {route.action}",
        request=request,
        ip=ip,
        detail={"policies": exceeded, "action": str(route.action), "method": request.method, "retry_after": wait},
        dedupe_key=f"{ip}:{','.join(sorted(exceeded))}",
        dedupe_seconds=RATE_LIMITED_EVENT_EVERY_SECONDS,
    )


def _refusal(
    request: HttpRequest, route: Route, states: list[PolicyState], wait: int, headers: Mapping[str, str]
) -> HttpResponse:
    all_headers = {**headers, "Retry-After": str(wait)}
    exceeded = [state.limit.name for state in states if state.exceeded]
    logger.info("rate limited: %s on %s %s", ",".join(exceeded), request.method, request.path)
    _record_refusal(request, route, exceeded, wait)
    if route.answers_json:
        detail = ngettext(
            "Too many requests. Try again in %(seconds)d second.",
            "Too many requests. Try again in %(seconds)d seconds.",
            wait,
        ) % {"seconds": wait}
        return problem_response(
            status=RateLimited.status,
            code=RateLimited.code,
            title=gettext("Too many requests."),
            detail=detail,
            request=request,
            extra={"retry_after": wait, "policies": exceeded},
            headers=all_headers,
        )
    body = render_to_string("security/rate_limited.html", {"retry_after": wait}, request=request)
    response = HttpResponse(body, status=RateLimited.status, content_type="text/html; charset=utf-8")
    for name, value in all_headers.items():
        response[name] = value
    return response
