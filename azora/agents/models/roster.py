"""The agent roster held as data: Elara and her family, each with a role, a voice, tools and routed intents."""

from __future__ import annotations

from django.db import models

from azora.shared.models import TimeStampedModel

__all__ = ["Agent"]


class Agent(TimeStampedModel):
    """One agent. Its system prompt is kept in version control at `azora/agents/prompts/<slug>.md`.

    `tools` names the tools it may call (azora/agents/tools.py); `intents` the intents routed to it. Exactly one
    active agent is the default (Elara), who answers whatever no other agent claims.
    """

    slug = models.SlugField(max_length=32, primary_key=True)
    name = models.CharField(max_length=80)
    role = models.CharField(max_length=200)
    voice = models.TextField(blank=True, default="")
    tools = models.JSONField(default=list, blank=True)
    intents = models.JSONField(default=list, blank=True)
    is_default = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="agents_one_default_agent"
            )
        ]

    def __str__(self) -> str:
        return self.name
