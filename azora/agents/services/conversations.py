"""The write side of conversations: starting a thread and storing a finished exchange in one transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from azora.accounts.public import organisation_list_for_user
from azora.agents.events import ConversationFlagged
from azora.agents.models import Agent, Conversation, ConversationMode, Message, MessageRole
from azora.agents.public.views import ConversationView, ExchangeResult
from azora.agents.selectors.conversations import conversation_view, message_view
from azora.education.errors import CourseNotFound
from azora.education.public import is_enrolled, may_edit_course
from azora.shared.errors import ValidationFailed
from azora.shared.events import publish

TITLE_CHARACTERS = 80


def title_from(text: str, *, limit: int = TITLE_CHARACTERS) -> str:
    """The first question, on one line, cut at a word before `limit` characters (with an ellipsis)."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"


def conversation_start(
    *, user_id: uuid.UUID, course_id: uuid.UUID | None = None, mode: str = "socratic", title: str = ""
) -> ConversationView:
    """A new thread. About a course only if the learner is enrolled in it or may edit it (CourseNotFound otherwise,
    so a course the learner may not see looks like no course). The learner's organisation (the oldest one they
    belong to, when several) is recorded so that its owners and admins can oversee the thread."""
    if mode not in ConversationMode.values:
        message = f"mode must be one of {', '.join(ConversationMode.values)}."
        raise ValidationFailed(message, extra={"errors": [{"field": "mode", "message": message}]})
    if course_id is not None and not (
        is_enrolled(user_id=user_id, course_id=course_id) or may_edit_course(user_id=user_id, course_id=course_id)
    ):
        raise CourseNotFound()
    organisations = organisation_list_for_user(user_id=user_id)
    organisation_id = min(organisations, key=lambda o: (o.created_at, o.id)).id if organisations else None
    conversation = Conversation.objects.create(
        user_id=user_id,
        course_id=course_id,
        organisation_id=organisation_id,
        mode=mode,
        title=title_from(title, limit=200) if title.strip() else "",
    )
    return conversation_view(conversation)


@dataclass(frozen=True)
class Answer:
    """Everything stored on the assistant message of an exchange."""

    agent: Agent
    content: str
    status: str
    intent: str
    routing: dict[str, Any]
    language: str = ""
    citations: list[dict[str, str]] = field(default_factory=list)
    tools_used: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    input_decision_id: uuid.UUID | None = None
    output_decision_id: uuid.UUID | None = None
    usage_id: uuid.UUID | None = None
    provider: str = ""
    first_token_ms: int | None = None
    latency_ms: int | None = None


def exchange_store(
    *, conversation_id: uuid.UUID, question: str, answer: Answer, now: datetime | None = None
) -> ExchangeResult:
    """Store the learner's question and the answer together, and update the thread, in one transaction.

    The question's status mirrors the answer's (so the allowance can count answered questions with one filter);
    the constitution's flags are on the answer. The first flag of a thread sets `flagged_at` and publishes
    ConversationFlagged."""
    now = now or timezone.now()
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(id=conversation_id)
        asked = Message.objects.create(
            conversation=conversation,
            role=MessageRole.USER,
            content=question,
            status=answer.status,
            language=answer.language[:8],
            intent=answer.intent[:32],
            routing=answer.routing,
        )
        answered = Message.objects.create(
            conversation=conversation,
            role=MessageRole.ASSISTANT,
            agent=answer.agent,
            content=answer.content,
            status=answer.status,
            language=answer.language[:8],
            intent=answer.intent[:32],
            routing=answer.routing,
            citations=answer.citations,
            tools_used=answer.tools_used,
            flags=answer.flags,
            input_decision_id=answer.input_decision_id,
            output_decision_id=answer.output_decision_id,
            usage_id=answer.usage_id,
            provider=answer.provider[:80],
            first_token_ms=answer.first_token_ms,
            latency_ms=answer.latency_ms,
        )
        conversation.message_count += 2
        conversation.last_message_at = now
        if not conversation.title:
            conversation.title = title_from(question)
        first_flag = bool(answer.flags) and conversation.flagged_at is None
        if first_flag:
            conversation.flagged_at = now
        conversation.save(update_fields=["message_count", "last_message_at", "title", "flagged_at", "updated_at"])
        if first_flag:
            publish(
                ConversationFlagged(
                    conversation_id=conversation.id,
                    message_id=answered.id,
                    user_id=conversation.user_id,
                    course_id=conversation.course_id,
                    organisation_id=conversation.organisation_id,
                    flags=tuple(answer.flags),
                    status=answer.status,
                    flagged_at=now,
                )
            )
    return ExchangeResult(question=message_view(asked), answer=message_view(answered, agent=answer.agent))
