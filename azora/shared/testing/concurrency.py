"""Races for concurrency tests: calls released together, each in its own thread and database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections

# Generous: a loaded CI machine may take seconds to schedule a thread; a race that is still running after this
# is a hang (a deadlock that reached a caller), reported as such rather than as a missing outcome.
START_TIMEOUT_SECONDS = 60.0
FINISH_TIMEOUT_SECONDS = 180.0


class RaceDidNotFinish(AssertionError):
    """A call of the race was still running after FINISH_TIMEOUT_SECONDS."""


def race(*calls: Callable[[], object]) -> list[object]:
    """Runs the calls at once, each in its own thread; each call's result, or the exception it raised, in order.

    Each thread closes its database connections when done, so the test database can be dropped afterwards.
    """
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=START_TIMEOUT_SECONDS)
            outcomes[index] = call()
        except BaseException as error:  # the test inspects every outcome
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=FINISH_TIMEOUT_SECONDS)
        if thread.is_alive():
            raise RaceDidNotFinish(f"a call of the race was still running after {FINISH_TIMEOUT_SECONDS:.0f} s")
    return outcomes


def race_errors(*calls: Callable[[], object]) -> list[BaseException | None]:
    """Like `race`, but each outcome is the exception a call raised, or None when it returned."""
    outcomes = race(*(_returning_none(call) for call in calls))
    return [outcome if isinstance(outcome, BaseException) else None for outcome in outcomes]


def _returning_none(call: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        call()

    return run
