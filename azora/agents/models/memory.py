"""The learner's short memory (goals, difficulties, preferred language) that the agents read and the learner erases."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from azora.shared.models import PublicModel

__all__ = ["MemoryItem", "MemoryKind", "MemorySource"]


class MemoryKind(models.TextChoices):
    GOAL = "goal", _("Goal")
    DIFFICULTY = "difficulty", _("Difficulty")
    LANGUAGE = "language", _("Preferred language")


class MemorySource(models.TextChoices):
    LEARNER = "learner", _("Told by you")
    CONVERSATION = "conversation", _("Noticed in a conversation")
    ONBOARDING = "onboarding", _("From onboarding")


class MemoryItem(PublicModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=MemoryKind.choices)
    text = models.CharField(max_length=300)
    source = models.CharField(max_length=16, choices=MemorySource.choices, default=MemorySource.LEARNER)
    conversation_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "kind", "text"], name="agents_memory_unique_item")]
