"""Work that belongs to a request but not to its latency: it runs once the response has been sent.

A service calls `after_response(work)`; inside a request the work waits until the server closes the response
(after the last byte of a whole or streamed body has gone out, before Django's `request_finished` receivers close
the database connection); outside a request (tasks, commands, services called directly) it runs at once. Either
way it runs on the caller's thread, and a failure is logged, never raised: such work must be safe to lose, because
something else finishes it later (docs/decisions/0023-work-after-the-response.md).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.http import HttpResponseBase

from azora.shared.observability.logging import get_logger

Work = Callable[[], object]

logger = get_logger(__name__)
_queue: ContextVar[list[Work] | None] = ContextVar("azora_after_response", default=None)
# When each throttled work was last queued in this process (`at_most_every`).
_last_queued: dict[Work, float] = {}
_last_queued_lock = threading.Lock()


def after_response(work: Work, *, at_most_every: float = 0.0) -> None:
    """Run `work` after this request's response has been sent, or now when there is no request. The same callable
    is queued once per request, so that a hundred writers ask for one batch job.

    `at_most_every` (seconds) queues batch work at most that often per process: requests that come sooner leave it
    to a later request or to the job that finishes it anyway, so that its cost is shared by all the requests of
    the interval (the audit chain's seal, docs/decisions/0023). Outside a request the work always runs at once.
    """
    queue = _queue.get()
    if queue is None:
        _run(work)
    elif work not in queue and _due(work, at_most_every):
        queue.append(work)


def _due(work: Work, interval: float) -> bool:
    if interval <= 0:
        return True
    now = time.monotonic()
    with _last_queued_lock:
        if now - _last_queued.get(work, -interval) < interval:
            return False
        _last_queued[work] = now
        return True


@contextmanager
def deferred() -> Iterator[None]:
    """Hold `after_response` work until the block ends, as a request holds it until its response is sent (for code
    that is not a request, and for tests of what a request sees before its response has gone)."""
    enclosing = _queue.get()  # a request's own queue, when a request uses it
    work = RequestWork()
    try:
        yield
    finally:
        work.run()
        _queue.set(enclosing)


def _run(work: Work) -> None:
    try:
        work()
    except Exception:  # the work is safe to lose (see the module docstring); the response is already gone
        logger.exception("after_response_failed", work=getattr(work, "__qualname__", repr(work)))


def _drain(queue: list[Work]) -> None:
    _queue.set(None)
    while queue:
        _run(queue.pop(0))


class RequestWork:
    """One request's queue: opened as the request starts (RequestContextMiddleware), then handed to the response's
    closers, or run at once when no response comes."""

    def __init__(self) -> None:
        # Not reset when the view returns: a streamed body's generator runs after the middleware, on the same thread
        # under WSGI, and queues its work too. The closer empties it; the next request on the thread opens a new one.
        self.queue: list[Work] = []
        _queue.set(self.queue)

    def hand_over(self, response: HttpResponseBase) -> None:
        # Django's own handlers register closers the same way (a request's uploaded files): the server calls
        # response.close() after the body, and the closers run before request_finished closes the connection.
        response._resource_closers.append(self.run)  # type: ignore[attr-defined]  # see above

    def run(self) -> None:
        _drain(self.queue)
