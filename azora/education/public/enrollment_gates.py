"""Enrolment gates: checks a higher layer registers (the revenue engine's plan limits) that may refuse an enrolment.

Education never imports the apps above it (ADR 0014's pattern): an app registers a callable in its
`AppConfig.ready()`, and `enrollment_create` calls every registered gate, in registration order, for each NEW
enrolment (and for a reactivation of a revoked one) after its own published/paid checks and before it writes.
A gate refuses by raising a `azora.shared.errors.DomainError` subclass with its own stable `code`; nothing is
written then. Gates run inside the enrolment's transaction, so a gate may lock rows to serialise its count.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

__all__ = [
    "EnrollmentGate",
    "EnrollmentRequest",
    "enrollment_gates",
    "enrollment_gates_swapped",
    "register_enrollment_gate",
]


@dataclass(frozen=True, slots=True)
class EnrollmentRequest:
    """What a gate is asked about: who enrols in which course, by what (`"self"`, `"purchase"`, ...)."""

    course_id: uuid.UUID
    user_id: uuid.UUID
    source: str
    is_paid: bool


type EnrollmentGate = Callable[[EnrollmentRequest], None]

_lock = threading.Lock()
# A tuple replaced as a whole, so a caller iterating it never sees a registration half made.
_gates: tuple[EnrollmentGate, ...] = ()


def register_enrollment_gate(gate: EnrollmentGate) -> None:
    """Add `gate` (once: registering the same callable again changes nothing, so a repeated `ready()` is safe)."""
    global _gates
    with _lock:
        if gate not in _gates:
            _gates = (*_gates, gate)


def enrollment_gates() -> tuple[EnrollmentGate, ...]:
    """The registered gates, in the order they run."""
    return _gates


@contextmanager
def enrollment_gates_swapped(gates: Iterable[EnrollmentGate] = ()) -> Iterator[None]:
    """Run the block with exactly `gates` registered (none by default), then restore what was registered before.

    For tests: Education's own tests run without the revenue engine's gates, and a test of a gate installs only
    the gate it exercises, whatever order the apps' tests run in.
    """
    global _gates
    with _lock:
        previous = _gates
        _gates = tuple(dict.fromkeys(gates))
    try:
        yield
    finally:
        with _lock:
            _gates = previous
