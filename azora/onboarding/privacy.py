"""Elara Onboarding's part of data protection: the person's onboarding sessions and answers, placement results,
learning paths and accepted terms for their export; an approved deletion clears the answers.

Accepted terms stay: they are the evidence of what the person agreed to, and name them by id only.
"""

from __future__ import annotations

import uuid
from typing import Any

from azora.onboarding.models import LearningPath, OnboardingSession, PlacementAttempt, StepRecord, TermsAcceptance
from azora.security.public import export_rows, register_anonymiser, register_exporter


def export_onboarding_data(user_id: uuid.UUID) -> dict[str, Any]:
    return {
        "sessions": export_rows(
            OnboardingSession.objects.filter(user_id=user_id).order_by("-created_at"),
            ["id", "flow_id", "status", "suggested_type", "current_step", "completed_at", "created_at"],
        ),
        "answers": export_rows(
            StepRecord.objects.filter(session__user_id=user_id).order_by("-created_at"),
            ["session_id", "step", "status", "data", "created_at"],
        ),
        "placements": export_rows(
            PlacementAttempt.objects.filter(user_id=user_id).order_by("-created_at"),
            ["status", "subjects", "estimates", "completed_at", "created_at"],
        ),
        "learning_paths": export_rows(
            LearningPath.objects.filter(user_id=user_id).order_by("-created_at"), ["items", "estimates", "created_at"]
        ),
        "terms_accepted": export_rows(
            TermsAcceptance.objects.filter(user_id=user_id).order_by("-created_at"),
            ["document", "version", "created_at"],
        ),
    }


def anonymise_onboarding_data(user_id: uuid.UUID) -> None:
    StepRecord.objects.filter(session__user_id=user_id).update(data={})
    PlacementAttempt.objects.filter(user_id=user_id).update(items=[])


register_exporter("onboarding", export_onboarding_data)
register_anonymiser("onboarding", anonymise_onboarding_data)
