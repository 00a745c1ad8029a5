"""Elara's short guidance message for one onboarding step: one governed chat, or the step's scripted text."""

from __future__ import annotations

import uuid

import structlog

from azora.agents.public.views import GuidanceView
from azora.agents.selectors.conversations import default_agent
from azora.agents.services.orchestrator import system_prompt
from azora.ai_routing.public import ChatMessage, ChatOptions, chat, offline_only

logger = structlog.get_logger(__name__)

OFFLINE_PROVIDER = "local"  # the built-in offline assistant answers from lessons, not about onboarding


def guidance_messages(*, flow: str, step: str, step_title: str, hint: str, language: str) -> list[ChatMessage]:
    brief = (
        f"The person is setting up their Azora account: the {flow} onboarding, step '{step_title}' ({step}). "
        f"What the step is for: {hint}\n"
        f"Write one short, friendly message (two sentences at most) that helps them complete this step. "
        f"Write it in the language with the code '{language or 'en'}'. No lists, no links."
    )
    return [ChatMessage("system", system_prompt("elara")), ChatMessage("user", brief)]


def step_guidance(
    *, user_id: uuid.UUID, flow: str, step: str, step_title: str, hint: str, language: str
) -> GuidanceView:
    """A model-written message when a real model answers; the scripted `hint` when only the offline provider is
    configured (`ai_routing.public.offline_only()`: then no chat is made at all), when the offline provider answered
    after the others failed, when the guard refuses, or when anything fails. Never raises for a model failure."""
    agent = default_agent()
    slug, name = (agent.slug, agent.name) if agent is not None else ("elara", "Elara")
    scripted = GuidanceView(agent_slug=slug, agent_name=name, text=hint, extra={"source": "scripted"})
    if offline_only():  # the offline provider would answer with lesson excerpts: no call, no usage, no audit rows
        return scripted
    try:
        result = chat(
            messages=guidance_messages(flow=flow, step=step, step_title=step_title, hint=hint, language=language),
            options=ChatOptions(user_id=user_id, purpose="onboarding", max_tokens=200),
        )
    except Exception:  # an outage, a budget, a rate limit, or a bug below: the step still has its text
        logger.warning("agents_guidance_failed", flow=flow, step=step, exc_info=True)
        return scripted
    text = result.text.strip()
    if result.outcome != "ok" or result.provider == OFFLINE_PROVIDER or not text or result.output_action == "refuse":
        return scripted
    return GuidanceView(
        agent_slug=slug,
        agent_name=name,
        text=text,
        extra={"source": "model", "provider": result.provider, "usage_id": str(result.usage_id or "")},
    )
