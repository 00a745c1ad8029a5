"""factory_boy factories for the orchestrator's tables (conversations, messages, feedback, memory, consent);
other areas' tests may import them."""

from __future__ import annotations

from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from azora.accounts.tests.factories import UserFactory
from azora.agents.models import (
    Agent,
    Conversation,
    MemoryItem,
    Message,
    MessageFeedback,
    OversightConsent,
)


class AgentFactory(DjangoModelFactory[Agent]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    """An agent of the roster; `AgentFactory(slug="elara")` reuses the row the roster migration made."""

    class Meta:
        model = Agent
        django_get_or_create = ("slug",)

    slug = "elara"
    name = factory.LazyAttribute(lambda agent: agent.slug.capitalize())
    role = "Tutor"
    voice = "Warm and patient."
    tools = factory.LazyFunction(list)
    intents = factory.LazyFunction(list)


class ConversationFactory(DjangoModelFactory[Conversation]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    """A learner's thread with no messages yet (`with_exchange` below adds a stored question and answer)."""

    class Meta:
        model = Conversation

    user = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Question {n}")


class MessageFactory(DjangoModelFactory[Message]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    class Meta:
        model = Message

    conversation = factory.SubFactory(ConversationFactory)
    role = "user"
    content = factory.Sequence(lambda n: f"Message {n}")


class MessageFeedbackFactory(DjangoModelFactory[MessageFeedback]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    class Meta:
        model = MessageFeedback

    message = factory.SubFactory(MessageFactory, role="assistant")
    user = factory.LazyAttribute(lambda feedback: feedback.message.conversation.user)
    is_helpful = True


class MemoryItemFactory(DjangoModelFactory[MemoryItem]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    class Meta:
        model = MemoryItem

    user = factory.SubFactory(UserFactory)
    kind = "goal"
    text = factory.Sequence(lambda n: f"Goal {n}")


class OversightConsentFactory(DjangoModelFactory[OversightConsent]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    class Meta:
        model = OversightConsent

    user = factory.SubFactory(UserFactory)
    notice_version = 1


def with_exchange(
    conversation: Conversation,
    *,
    question: str = "What is a fraction?",
    answer: str = "What do you think the bottom number counts?",
    agent_slug: str = "elara",
    flags: list[str] | None = None,
    status: str = "complete",
    **answer_fields: Any,
) -> tuple[Message, Message]:
    """A finished exchange as the pipeline stores it: the question, the answer, and the conversation's counters."""
    agent = AgentFactory(slug=agent_slug)
    asked = MessageFactory(conversation=conversation, role="user", content=question)
    answered = MessageFactory(
        conversation=conversation,
        role="assistant",
        agent=agent,
        content=answer,
        status=status,
        flags=list(flags or []),
        **answer_fields,
    )
    now = timezone.now()
    conversation.message_count += 2
    conversation.last_message_at = now
    if flags and conversation.flagged_at is None:
        conversation.flagged_at = now
    conversation.save(update_fields=["message_count", "last_message_at", "flagged_at", "updated_at"])
    return asked, answered
