"""Elara's guidance for onboarding steps, through the same agents pipeline."""

from __future__ import annotations

import uuid

from azora.agents.public.views import GuidanceView

__all__ = ["step_guidance"]


def step_guidance(
    *, user_id: uuid.UUID, flow: str, step: str, step_title: str, hint: str, language: str
) -> GuidanceView:
    """A short message from Elara for one onboarding step (`hint` is the flow's scripted guide for the step, used
    as the model's brief and as the answer when only the offline provider is available). Never raises for a model
    failure: falls back to the scripted text."""
    from azora.agents.services import guidance

    return guidance.step_guidance(
        user_id=user_id, flow=flow, step=step, step_title=step_title, hint=hint, language=language
    )
