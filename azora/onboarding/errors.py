"""Elara Onboarding's domain errors (append-only; each area adds its own section)."""

from __future__ import annotations

from azora.shared.errors import Conflict, NotFound, ValidationFailed

__all__ = [
    "FlowNotFound",
    "LearningPathNotFound",
    "PlacementFinished",
    "PlacementItemNotCurrent",
    "PlacementNotFound",
    "SessionClosed",
    "SessionNotFound",
    "StepDataInvalid",
    "StepNotSkippable",
    "StepOutOfOrder",
    "StepUnknown",
]

# --- Flows and sessions ---


class FlowNotFound(NotFound):
    code = "onboarding_flow_not_found"
    title = "Onboarding flow not found."


class SessionNotFound(NotFound):
    code = "onboarding_session_not_found"
    title = "Onboarding session not found."


class SessionClosed(Conflict):
    code = "onboarding_session_closed"
    title = "This onboarding session is already completed or abandoned."


class StepUnknown(ValidationFailed):
    code = "onboarding_step_unknown"
    title = "This flow has no such step."


class StepOutOfOrder(Conflict):
    code = "onboarding_step_out_of_order"
    title = "Complete the earlier steps first."


class StepNotSkippable(Conflict):
    code = "onboarding_step_not_skippable"
    title = "This step cannot be skipped."


class StepDataInvalid(ValidationFailed):
    code = "onboarding_step_data_invalid"
    title = "The step's answers are not valid."


# --- Placement and learning paths ---


class PlacementNotFound(NotFound):
    code = "placement_not_found"
    title = "Placement attempt not found."


class PlacementFinished(Conflict):
    code = "placement_finished"
    title = "This placement attempt is already finished."


class PlacementItemNotCurrent(Conflict):
    """`extra["current_question_id"]` names the item the attempt is waiting for."""

    code = "placement_item_not_current"
    title = "Answer the current item of the placement; that question is not it."


class LearningPathNotFound(NotFound):
    code = "learning_path_not_found"
    title = "No learning path yet: take the placement first."
