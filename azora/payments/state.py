"""The PaymentIntent state machine: which status may follow which; pure, so it is tested without a database."""

from __future__ import annotations

from typing import Final, Literal, get_args

IntentStatus = Literal[
    "requires_payment_method",
    "requires_confirmation",
    "processing",
    "requires_action",
    "succeeded",
    "failed",
    "canceled",
]
STATUSES: Final[tuple[IntentStatus, ...]] = get_args(IntentStatus)
TERMINAL: Final[frozenset[IntentStatus]] = frozenset({"succeeded", "failed", "canceled"})

# requires_payment_method -> requires_confirmation -> processing -> requires_action -> succeeded | failed | canceled.
# A challenge (requires_action) goes back to processing once answered; processing cannot be canceled because the
# provider may already be moving the money.
TRANSITIONS: Final[dict[IntentStatus, frozenset[IntentStatus]]] = {
    "requires_payment_method": frozenset({"requires_confirmation", "canceled"}),
    "requires_confirmation": frozenset({"processing", "canceled"}),
    "processing": frozenset({"requires_action", "succeeded", "failed"}),
    "requires_action": frozenset({"processing", "succeeded", "failed", "canceled"}),
    "succeeded": frozenset(),
    "failed": frozenset(),
    "canceled": frozenset(),
}


def may_transition(current: IntentStatus, target: IntentStatus) -> bool:
    return target in TRANSITIONS[current]


def path_to(current: IntentStatus, target: IntentStatus) -> list[IntentStatus] | None:
    """The shortest chain of allowed steps from `current` to `target` (excluding `current`); None if unreachable.

    `[]` when already there. Used when a provider reports an outcome that skips intermediate states
    (a confirm that succeeds at once passes through processing).
    """
    if current == target:
        return []
    frontier: list[list[IntentStatus]] = [[current]]
    seen: set[IntentStatus] = {current}
    while frontier:
        next_frontier: list[list[IntentStatus]] = []
        for chain in frontier:
            for step in sorted(TRANSITIONS[chain[-1]]):
                if step in seen:
                    continue
                if step == target:
                    return [*chain[1:], step]
                seen.add(step)
                next_frontier.append([*chain, step])
        frontier = next_frontier
    return None
