"""Pricing test fixtures: the plan catalogue, and only the revenue engine's own enrolment gate installed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from azora.education.public import EnrollmentGate, enrollment_gates, enrollment_gates_swapped
from azora.revenue.gates import enrolment_limit_gate
from azora.revenue.models import Plan
from azora.revenue.tests.pricing.factories import plan_catalogue


@pytest.fixture
def catalogue(db: None) -> dict[str, Plan]:
    return plan_catalogue()


@pytest.fixture(autouse=True)
def registered_gates() -> Iterator[tuple[EnrollmentGate, ...]]:
    """Runs the test with only the revenue engine's gate; yields the gates the apps had registered at start-up."""
    registered = enrollment_gates()
    with enrollment_gates_swapped([enrolment_limit_gate]):
        yield registered
