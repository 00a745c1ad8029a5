"""Request observers: functions told about every answered request (method, route pattern, status, duration) by the
request-context middleware, e.g. the Health Monitor's per-route history. Each must be cheap and never block."""

from __future__ import annotations

import threading
from typing import Protocol

from azora.shared.observability.logging import get_logger

log = get_logger("azora.observability")


class RequestObserver(Protocol):
    def __call__(self, *, method: str, route: str, status: int, duration_seconds: float) -> None: ...


_observers: tuple[RequestObserver, ...] = ()
_lock = threading.Lock()


def register_request_observer(observer: RequestObserver) -> None:
    """Adds `observer` once (registering it again changes nothing)."""
    global _observers
    with _lock:
        if observer not in _observers:
            _observers = (*_observers, observer)


def unregister_request_observer(observer: RequestObserver) -> None:
    global _observers
    with _lock:
        _observers = tuple(registered for registered in _observers if registered is not observer)


def notify_request(*, method: str, route: str, status: int, duration_seconds: float) -> None:
    """Tells every observer; one that raises is logged and skipped, so a request never fails for it."""
    for observer in _observers:  # the tuple is replaced, never mutated: no lock on the request path
        try:
            observer(method=method, route=route, status=status, duration_seconds=duration_seconds)
        except Exception:
            log.exception("request_observer_failed", observer=getattr(observer, "__qualname__", repr(observer)))
