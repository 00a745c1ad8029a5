"""The PaymentIntent state machine, without a database."""

from __future__ import annotations

import itertools

import pytest

from azora.payments.state import STATUSES, TERMINAL, TRANSITIONS, may_transition, path_to


def test_the_happy_path_is_allowed_step_by_step() -> None:
    chain = ["requires_payment_method", "requires_confirmation", "processing", "requires_action", "succeeded"]
    for current, target in itertools.pairwise(chain):
        assert may_transition(current, target)  # type: ignore[arg-type]  # literals from a list of str


@pytest.mark.parametrize("terminal", sorted(TERMINAL))
def test_terminal_statuses_go_nowhere(terminal: str) -> None:
    assert TRANSITIONS[terminal] == frozenset()  # type: ignore[index]
    for status in STATUSES:
        assert path_to(terminal, status) == ([] if status == terminal else None)  # type: ignore[arg-type]


def test_processing_cannot_be_canceled_and_success_cannot_be_undone() -> None:
    assert not may_transition("processing", "canceled")
    assert not may_transition("succeeded", "processing")
    assert not may_transition("requires_payment_method", "succeeded")


def test_path_to_goes_through_processing() -> None:
    assert path_to("requires_payment_method", "processing") == ["requires_confirmation", "processing"]
    assert path_to("requires_confirmation", "succeeded") == ["processing", "succeeded"]
    assert path_to("processing", "requires_action") == ["requires_action"]
    assert path_to("requires_action", "processing") == ["processing"]
    assert path_to("processing", "processing") == []
    assert path_to("succeeded", "processing") is None
    assert path_to("failed", "succeeded") is None
