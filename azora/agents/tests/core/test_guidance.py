"""step_guidance: the scripted hint when only the offline provider answers or anything fails; a model's message
through the governed chat (purpose "onboarding") when an external provider answers."""

from __future__ import annotations

import pytest

from azora.accounts.tests.factories import UserFactory
from azora.agents import public as agents
from azora.agents.models import Agent
from azora.agents.public.views import GuidanceView
from azora.agents.tests.core.conftest import offline_provider_off
from azora.ai_routing.models import Usage
from azora.ai_routing.tests.servers import Behaviour, OpenAIServer

pytestmark = pytest.mark.django_db

HINT = "Tell us your name and country so that prices and lessons fit you."


def guidance(user_id: object) -> GuidanceView:
    return agents.step_guidance(
        user_id=user_id,  # type: ignore[arg-type]
        flow="learner",
        step="profile",
        step_title="Your profile",
        hint=HINT,
        language="fr",
    )


def test_with_only_the_offline_provider_the_scripted_text_is_the_guidance(roster: dict[str, Agent]) -> None:
    view = guidance(UserFactory().id)
    assert view == GuidanceView(agent_slug="elara", agent_name="Elara", text=HINT, extra={"source": "scripted"})


def test_an_external_model_writes_the_guidance(roster: dict[str, Agent], external: OpenAIServer) -> None:
    external.script.default = Behaviour(text="Bienvenue ! Indiquez votre nom et votre pays.")
    user = UserFactory()
    view = guidance(user.id)
    assert (view.agent_slug, view.text, view.extra["source"], view.extra["provider"]) == (
        "elara",
        "Bienvenue ! Indiquez votre nom et votre pays.",
        "model",
        "openai",
    )
    usage = Usage.objects.get(id=view.extra["usage_id"])
    assert (usage.purpose, usage.user_id) == ("onboarding", user.id)
    brief = external.script.received[-1].body["messages"][-1]["content"]
    assert "'Your profile'" in brief
    assert HINT in brief
    assert "'fr'" in brief


def test_an_outage_falls_back_to_the_scripted_text(roster: dict[str, Agent], external: OpenAIServer) -> None:
    external.script.default = Behaviour(kind="server_error")
    offline_provider_off()
    view = guidance(UserFactory().id)
    assert (view.text, view.extra) == (HINT, {"source": "scripted"})


# --- offline_only(): no chat at all when only the offline provider is configured (issue 7, gap 5) -------------------


def test_with_only_the_offline_provider_no_chat_is_made(roster: dict[str, Agent]) -> None:
    from azora.ai_routing.public import offline_only
    from azora.constitution.models import DecisionRecord

    assert offline_only() is True
    before = (Usage.objects.count(), DecisionRecord.objects.count())
    view = guidance(UserFactory().id)
    assert (view.text, view.extra) == (HINT, {"source": "scripted"})
    assert (Usage.objects.count(), DecisionRecord.objects.count()) == before == (0, 0)


def test_with_an_external_provider_the_governed_chat_is_made(roster: dict[str, Agent], external: OpenAIServer) -> None:
    from azora.ai_routing.public import offline_only
    from azora.constitution.models import DecisionRecord

    assert offline_only() is False
    external.script.default = Behaviour(text="Bienvenue !")
    view = guidance(UserFactory().id)
    assert (view.text, view.extra["source"]) == ("Bienvenue !", "model")
    assert Usage.objects.filter(purpose="onboarding").count() == 1
    assert DecisionRecord.objects.count() == 2  # the input and the output check
