"""Education test fixtures: every test runs without the enrolment gates other apps register (the revenue engine's
plan limits), so Education's own rules are tested alone whatever apps are installed and in whatever order."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from azora.education.public import enrollment_gates_swapped


@pytest.fixture(autouse=True)
def _no_enrollment_gates() -> Iterator[None]:
    with enrollment_gates_swapped():
        yield
