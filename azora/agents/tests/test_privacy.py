"""Elara's data protection: conversations, memories and feedback are exported, and removed by a deletion."""

from __future__ import annotations

import pytest

from azora.accounts.tests.factories import UserFactory
from azora.agents.models import Conversation, MemoryItem, Message, MessageFeedback, OversightConsent
from azora.agents.privacy import anonymise_agents_data, export_agents_data
from azora.agents.tests.factories import (
    ConversationFactory,
    MemoryItemFactory,
    MessageFeedbackFactory,
    OversightConsentFactory,
    with_exchange,
)

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_conversations_in_the_persons_words() -> None:
    conversation = ConversationFactory(title="Fractions")
    with_exchange(conversation, question="What is a half?", answer="What do you think?")
    MemoryItemFactory(user=conversation.user, text="Wants to pass maths")
    OversightConsentFactory(user=conversation.user)

    data = export_agents_data(conversation.user.id)

    assert [row["title"] for row in data["conversations"]] == ["Fractions"]
    assert sorted(row["content"] for row in data["messages"]) == ["What do you think?", "What is a half?"]
    assert [row["text"] for row in data["memories"]] == ["Wants to pass maths"]
    assert [row["notice_version"] for row in data["oversight_consents"]] == [1]
    assert export_agents_data(UserFactory().id)["conversations"] == []


def test_a_deletion_removes_conversations_memories_and_feedback_of_that_person_only() -> None:
    feedback = MessageFeedbackFactory()
    person = feedback.user
    MemoryItemFactory(user=person)
    OversightConsentFactory(user=person)
    other = ConversationFactory()
    with_exchange(other)
    MemoryItemFactory(user=other.user)

    anonymise_agents_data(person.id)

    assert not Conversation.objects.filter(user=person).exists()
    assert not Message.objects.filter(conversation__user=person).exists()
    assert not MessageFeedback.objects.filter(user=person).exists()
    assert not MemoryItem.objects.filter(user=person).exists()
    assert Message.objects.filter(conversation=other).count() == 2
    assert MemoryItem.objects.filter(user=other.user).count() == 1
    assert OversightConsent.objects.filter(user=person).count() == 1  # evidence of what they agreed to, kept
