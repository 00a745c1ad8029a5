"""The orchestrator's admin: the roster is edited there (no deleting, the slug fixed); conversations, their messages
and consents are read-only."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from azora.accounts.models import User
from azora.agents import public as agents
from azora.agents.models import Agent, Conversation, OversightConsent
from azora.agents.tests.core.conftest import Classroom, thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator() -> Client:
    user = User.objects.create_superuser(email="root@example.test", password="an-operator-password-1")
    client = Client()
    client.force_login(user)
    return client


def test_every_agents_admin_page_renders(operator: Client, room: Classroom) -> None:
    conversation_id = thread(room)
    agents.message_send(conversation_id=conversation_id, user_id=room.learner.id, text="What is photosynthesis?")
    consent = OversightConsent.objects.get(user=room.learner)
    pages = [
        reverse("admin:agents_agent_changelist"),
        reverse("admin:agents_agent_change", args=["elara"]),
        reverse("admin:agents_conversation_changelist"),
        reverse("admin:agents_conversation_changelist") + "?flagged_at__isnull=False",
        reverse("admin:agents_conversation_change", args=[conversation_id]),
        reverse("admin:agents_oversightconsent_changelist"),
        reverse("admin:agents_oversightconsent_change", args=[consent.id]),
    ]
    for page in pages:
        assert operator.get(page).status_code == 200, page


def test_the_roster_is_edited_but_never_deleted(operator: Client, roster: dict[str, Agent]) -> None:
    url = reverse("admin:agents_agent_change", args=["kofi"])
    response = operator.post(
        url,
        {
            "name": "Kofi",
            "role": "Money coach",
            "voice": "Practical.",
            "tools": '["wallet_balance"]',
            "intents": '["money"]',
            "is_active": "",
            "position": "10",
        },
    )
    assert response.status_code == 302
    kofi = Agent.objects.get(slug="kofi")
    assert (kofi.role, kofi.tools, kofi.is_active) == ("Money coach", ["wallet_balance"], False)
    assert operator.get(reverse("admin:agents_agent_delete", args=["kofi"])).status_code == 403
    assert Agent.objects.filter(slug="kofi").exists()


def test_conversations_are_read_only(operator: Client, room: Classroom) -> None:
    conversation_id = thread(room)
    assert operator.get(reverse("admin:agents_conversation_add")).status_code == 403
    assert operator.get(reverse("admin:agents_conversation_delete", args=[conversation_id])).status_code == 403
    operator.post(reverse("admin:agents_conversation_change", args=[conversation_id]), {"title": "changed"})
    assert Conversation.objects.get(id=conversation_id).title == ""
