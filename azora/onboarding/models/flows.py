"""Onboarding flows held as data, each user's resumable sessions through them, and accepted terms."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from azora.shared.models import PublicModel, TimeStampedModel

__all__ = [
    "Flow",
    "OnboardingSession",
    "SessionStatus",
    "StepRecord",
    "StepStatus",
    "TermsAcceptance",
    "UserType",
]


class UserType(models.TextChoices):
    LEARNER = "learner", _("Learner")
    INSTRUCTOR = "instructor", _("Instructor")
    ORGANISATION = "organisation", _("Organisation")


class Flow(TimeStampedModel):
    """The steps of one user type's onboarding, in order: `steps` is a list of
    {"slug", "title", "kind", "skippable", "guide"} objects (see azora/onboarding/flows.py for the schema)."""

    slug = models.SlugField(max_length=32, primary_key=True, choices=UserType.choices)
    title = models.CharField(max_length=120)
    steps = models.JSONField(default=list)
    version = models.PositiveSmallIntegerField(default=1)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title


class SessionStatus(models.TextChoices):
    ACTIVE = "active", _("In progress")
    COMPLETED = "completed", _("Completed")
    ABANDONED = "abandoned", _("Abandoned")


class OnboardingSession(PublicModel):
    """One user's way through a flow; resumable. `flow_version` and `steps` freeze the flow as it was at the start,
    so an admin's edit never breaks a session in progress."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    flow = models.ForeignKey(Flow, on_delete=models.PROTECT, related_name="sessions")
    flow_version = models.PositiveSmallIntegerField()
    steps = models.JSONField(default=list)
    status = models.CharField(max_length=16, choices=SessionStatus.choices, default=SessionStatus.ACTIVE)
    suggested_type = models.CharField(max_length=16, choices=UserType.choices, blank=True, default="")
    suggestion_reason = models.CharField(max_length=200, blank=True, default="")
    current_step = models.CharField(max_length=32, blank=True, default="")
    last_activity_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    abandoned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "flow"],
                condition=models.Q(status="active"),
                name="onboarding_one_active_session_per_flow",
            )
        ]
        indexes = [models.Index(fields=["status", "last_activity_at"], name="onboarding_session_idle_idx")]


class StepStatus(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    SKIPPED = "skipped", _("Skipped")


class StepRecord(PublicModel):
    """A step done (or skipped) in a session, with what the user entered."""

    session = models.ForeignKey(OnboardingSession, on_delete=models.CASCADE, related_name="records")
    step = models.CharField(max_length=32)
    status = models.CharField(max_length=16, choices=StepStatus.choices)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["session", "step"], name="onboarding_step_once")]


class TermsAcceptance(PublicModel):
    """Which version of which terms a user accepted, and when (`created_at`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    document = models.CharField(max_length=32)
    version = models.CharField(max_length=32)

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["user", "document", "version"], name="onboarding_terms_once")]
