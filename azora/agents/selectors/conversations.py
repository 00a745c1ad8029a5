"""The read side of conversations: the roster, a learner's threads and messages, history for the model, and the
questions counted against the plan's monthly allowance."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from django.db.models import DateTimeField, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from azora.agents.errors import ConversationNotFound
from azora.agents.models import Agent, Conversation, Message, MessageFeedback, MessageRole, MessageStatus
from azora.agents.public.views import (
    AgentView,
    CitationView,
    ConversationDetail,
    ConversationView,
    FeedbackView,
    MessageView,
    RoutingView,
)
from azora.shared.pagination import Page, paginate_queryset

# An answer of these statuses did not answer the question: the question does not count against the allowance.
UNCOUNTED_STATUSES = (MessageStatus.UNAVAILABLE, MessageStatus.INTERRUPTED)


# --- Roster ---


def agent_view(agent: Agent) -> AgentView:
    return AgentView(
        slug=agent.slug,
        name=agent.name,
        role=agent.role,
        voice=agent.voice,
        tools=tuple(str(tool) for tool in agent.tools or ()),
        intents=tuple(str(intent) for intent in agent.intents or ()),
        is_default=agent.is_default,
    )


def active_agents() -> list[Agent]:
    """The active roster rows in roster order (position, slug)."""
    return list(Agent.objects.filter(is_active=True).order_by("position", "slug"))


def agents_list() -> list[AgentView]:
    return [agent_view(agent) for agent in active_agents()]


def default_agent() -> Agent | None:
    return Agent.objects.filter(is_default=True).first() or Agent.objects.filter(is_active=True).first()


# --- Conversations ---


def conversation_view(conversation: Conversation) -> ConversationView:
    return ConversationView(
        id=conversation.id,
        user_id=conversation.user_id,
        course_id=conversation.course_id,
        title=conversation.title,
        mode=conversation.mode,
        message_count=conversation.message_count,
        created_at=conversation.created_at,
        last_message_at=conversation.last_message_at,
        flagged_at=conversation.flagged_at,
    )


def conversation_of_learner(*, conversation_id: uuid.UUID, user_id: uuid.UUID) -> Conversation:
    """The learner's own conversation; ConversationNotFound for anyone else's or none."""
    conversation = Conversation.objects.filter(id=conversation_id, user_id=user_id).first()
    if conversation is None:
        raise ConversationNotFound()
    return conversation


def conversations_of(
    *, user_id: uuid.UUID, course_id: uuid.UUID | None = None, cursor: str | None = None, limit: int | None = None
) -> Page[ConversationView]:
    """The learner's threads, most recently active first (a thread with no message yet by its start)."""
    queryset: QuerySet[Conversation] = Conversation.objects.filter(user_id=user_id).annotate(
        recent=Coalesce("last_message_at", "created_at", output_field=DateTimeField())
    )
    if course_id is not None:
        queryset = queryset.filter(course_id=course_id)
    return paginate_queryset(
        queryset, cursor=cursor, limit=limit, to_item=conversation_view, ordering=("-recent", "-id")
    )


def _routing_view(data: object) -> RoutingView | None:
    if not isinstance(data, dict) or not data.get("agent_slug"):
        return None
    return RoutingView(
        intent=str(data.get("intent", "")),
        agent_slug=str(data["agent_slug"]),
        score=float(data.get("score", 0.0)),
        reasons=tuple(str(reason) for reason in data.get("reasons", ())),
    )


def _citations(data: object) -> tuple[CitationView, ...]:
    if not isinstance(data, list):
        return ()
    return tuple(
        CitationView(title=str(item.get("title", "")), url=str(item.get("url", "")))
        for item in data
        if isinstance(item, dict)
    )


def _feedback_view(feedback: MessageFeedback | None) -> FeedbackView | None:
    if feedback is None:
        return None
    return FeedbackView(
        message_id=feedback.message_id,
        is_helpful=feedback.is_helpful,
        reason=feedback.reason,
        comment=feedback.comment,
        created_at=feedback.created_at,
    )


def message_view(
    message: Message, *, agent: Agent | None = None, feedback: MessageFeedback | None = None
) -> MessageView:
    agent = agent if agent is not None else (message.agent if message.agent_id else None)
    return MessageView(
        id=message.id,
        conversation_id=message.conversation_id,
        role=message.role,
        content=message.content,
        status=message.status,
        created_at=message.created_at,
        agent_slug=agent.slug if agent is not None else "",
        agent_name=agent.name if agent is not None else "",
        routing=_routing_view(message.routing),
        citations=_citations(message.citations),
        flags=tuple(str(flag) for flag in message.flags or ()),
        tools_used=tuple(str(tool) for tool in message.tools_used or ()),
        first_token_ms=message.first_token_ms,
        latency_ms=message.latency_ms,
        feedback=_feedback_view(feedback),
    )


def conversation_detail(*, conversation: Conversation) -> ConversationDetail:
    """The thread with all its messages in order (three queries: messages with agents, feedback)."""
    messages = list(Message.objects.filter(conversation=conversation).select_related("agent").order_by("id"))
    feedback = {
        item.message_id: item
        for item in MessageFeedback.objects.filter(message__conversation=conversation, message__role="assistant")
    }
    return ConversationDetail(
        conversation=conversation_view(conversation),
        messages=tuple(message_view(message, feedback=feedback.get(message.id)) for message in messages),
    )


def history_of(*, conversation_id: uuid.UUID, limit: int) -> list[Message]:
    """The last `limit` messages of finished exchanges (status complete), oldest first, for the model's context.

    Refused, hint, interrupted and unavailable exchanges are left out: a refused question would only be refused
    again, and a graceful notice is no part of the subject."""
    if limit <= 0:
        return []
    rows = list(
        Message.objects.filter(conversation_id=conversation_id, status=MessageStatus.COMPLETE)
        .only("role", "content", "id")
        .order_by("-id")[:limit]
    )
    rows.reverse()
    # Start on a question: a lone answer whose question fell outside the window reads oddly to a model.
    while rows and rows[0].role != MessageRole.USER:
        rows.pop(0)
    return rows


# --- The allowance ---


def month_start(now: datetime | None = None) -> datetime:
    """Midnight UTC on the first day of `now`'s month (UTC)."""
    now = (now or timezone.now()).astimezone(UTC)
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def questions_asked_since(*, user_id: uuid.UUID, since: datetime) -> int:
    """The learner's questions since `since` that got an answer: complete, a hint or a refusal. A question whose
    answer was `unavailable` (no provider, an unserved language) or `interrupted` (the provider broke mid-answer)
    does not count: the learner is told to ask again. A question's status mirrors its answer's."""
    return (
        Message.objects.filter(conversation__user_id=user_id, role=MessageRole.USER, created_at__gte=since)
        .exclude(status__in=UNCOUNTED_STATUSES)
        .count()
    )


def questions_used_this_month(*, user_id: uuid.UUID, now: datetime | None = None) -> int:
    return questions_asked_since(user_id=user_id, since=month_start(now))
