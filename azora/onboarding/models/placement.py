"""Placement: a short adaptive diagnostic per learner, and the learning path it recommends."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from azora.shared.models import PublicModel

__all__ = ["LearningPath", "PlacementAttempt", "PlacementStatus"]


class PlacementStatus(models.TextChoices):
    ACTIVE = "active", _("In progress")
    COMPLETED = "completed", _("Completed")


class PlacementAttempt(PublicModel):
    """One diagnostic. `items` lists the questions served in order with the learner's result for each
    ({"question_id", "course_id", "subject", "level", "is_correct"}); the next item is chosen from them.
    `estimates` maps each subject to the estimated level once complete."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_id = models.UUIDField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=PlacementStatus.choices, default=PlacementStatus.ACTIVE)
    seed = models.BigIntegerField()
    subjects = models.JSONField(default=list, blank=True)
    items = models.JSONField(default=list, blank=True)
    estimates = models.JSONField(default=dict, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(status="active"), name="onboarding_one_active_placement"
            )
        ]


class LearningPath(PublicModel):
    """An ordered list of courses and first lessons, each with a sentence saying why
    ({"course_id", "lesson_id", "reason"}); the newest one per user is the current one."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    attempt = models.ForeignKey(PlacementAttempt, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    items = models.JSONField(default=list)
    estimates = models.JSONField(default=dict, blank=True)
    # Set (once) when the learner completes a course after this path was made: placement is offered again, and the
    # next completed placement makes a new path without it.
    reoffered_at = models.DateTimeField(null=True, blank=True)
    reoffered_course_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "-id"], name="onboarding_path_user_idx")]
