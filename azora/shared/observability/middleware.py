"""Per-request context: request id, trace id, structured log binding, the access log line, request metrics and the
queue of work that runs after the response (azora.shared.after_response)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponseBase
from django.utils.functional import SimpleLazyObject, empty
from opentelemetry import trace

from azora.shared.after_response import RequestWork
from azora.shared.observability import context, metrics, observers
from azora.shared.observability.logging import get_logger

# Probes and scrapes arrive every few seconds; their access lines are DEBUG so they do not drown the rest.
QUIET_PATHS = frozenset({"/livez", "/readyz", "/metrics"})
access_log = get_logger("azora.access")


class RequestContextMiddleware:
    """First in MIDDLEWARE: everything after it, and every log line it causes, knows the request's ids."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.is_async:
            return self._acall(request)
        started = _begin(request)
        work = RequestWork()
        try:
            response: HttpResponseBase = self.get_response(request)
            _finish(request, response, started)
        except BaseException:
            work.run()
            raise
        finally:
            context.clear_request()
        work.hand_over(response)
        return response

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        started = _begin(request)
        work = RequestWork()
        try:
            get_response: Callable[[HttpRequest], Awaitable[HttpResponseBase]] = self.get_response
            response = await get_response(request)
            _finish(request, response, started)
        except BaseException:
            work.run()
            raise
        finally:
            context.clear_request()
        work.hand_over(response)
        return response

    def process_view(self, request: HttpRequest, *args: object) -> None:
        # Session users are known once authentication middleware has run; bind them for the view's log lines.
        user_id = _user_id_of(request)
        if user_id is not None:
            context.bind_user_id(user_id)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        metrics.observe_exception(request)


def _begin(request: HttpRequest) -> float:
    request_id = context.request_id_from(request.headers.get(context.REQUEST_ID_HEADER))
    request.request_id = request_id  # type: ignore[attr-defined]  # read by problem responses and views
    context.bind_request(request_id=request_id, trace_id=_incoming_trace_id(request))
    return time.perf_counter()


def _incoming_trace_id(request: HttpRequest) -> str | None:
    """With tracing on, the server span (already started from `traceparent`) holds it; otherwise the header does."""
    span_context = trace.get_current_span().get_span_context()
    if span_context.is_valid:
        return format(span_context.trace_id, "032x")
    parent = context.parse_traceparent(request.headers.get("traceparent"))
    return parent.trace_id if parent else None


def _finish(request: HttpRequest, response: HttpResponseBase, started: float) -> None:
    duration = time.perf_counter() - started
    response[context.REQUEST_ID_HEADER] = request.request_id  # type: ignore[attr-defined]
    route = metrics.route_of(request)
    method = metrics.method_of(request)
    metrics.observe_request(method=method, route=route, status=response.status_code, duration_seconds=duration)
    observers.notify_request(method=method, route=route, status=response.status_code, duration_seconds=duration)
    user_id = context.bound_user_id() or _user_id_of(request, evaluate=False)
    # The access line is this response's record. Django would add its own "Service Unavailable: /path" line
    # for a 5xx after this middleware returns, outside the request's context; a raised exception has already
    # been logged (with its traceback and the request's ids) by the time the response gets here.
    response._has_been_logged = True  # type: ignore[attr-defined]
    _access_level(request, response.status_code)(
        "request", method=method, route=route, status=response.status_code,
        duration_ms=round(duration * 1000, 3), user_id=user_id,
    )  # fmt: skip


def _access_level(request: HttpRequest, status: int) -> Callable[..., Any]:
    if request.path in QUIET_PATHS:
        return access_log.debug
    return access_log.error if status >= 500 else access_log.info


def _user_id_of(request: HttpRequest, *, evaluate: bool = True) -> str | None:
    """The authenticated user's id, from the session user or an API auth result that names a user.

    With `evaluate=False` a user that nothing has looked at yet stays unevaluated: loading it would query
    the session store for this log line alone, and under ASGI must not happen on the event loop at all.
    """
    user = getattr(request, "user", None)
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty and not evaluate:
        user = None
    try:
        if user is not None and user.is_authenticated:
            return str(user.pk)
    except DatabaseError:
        # The session store is unreachable; the request itself will say so, the log line goes without a user.
        return None
    user_id = getattr(getattr(request, "auth", None), "user_id", None)
    return None if user_id is None else str(user_id)
