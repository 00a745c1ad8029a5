"""Agents, conversations and messages: the orchestrator's main contract."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from azora.agents.errors import ConversationNotFound
from azora.agents.public.oversight import may_oversee
from azora.agents.public.views import AgentView, ConversationDetail, ConversationView, ExchangeResult, ReplyStream
from azora.shared.pagination import Page

__all__ = [
    "OVERSIGHT_NOTICE_VERSION",
    "agents_list",
    "conversation_get",
    "conversation_start",
    "conversations_of",
    "message_send",
    "message_stream",
    "oversight_consent_give",
    "oversight_consent_given",
    "questions_used_this_month",
]

OVERSIGHT_NOTICE_VERSION = 1


def agents_list() -> list[AgentView]:
    """The active agents, in roster order."""
    from azora.agents.selectors import conversations

    return conversations.agents_list()


def conversation_start(
    *, user_id: uuid.UUID, course_id: uuid.UUID | None = None, mode: str = "socratic", title: str = ""
) -> ConversationView:
    """A new thread for the learner (about `course_id` when given: they must be enrolled or teach it, else
    education's CourseNotFound). `mode`: "socratic" (default) or "direct"; ValidationFailed otherwise."""
    from azora.agents.services import conversations

    return conversations.conversation_start(user_id=user_id, course_id=course_id, mode=mode, title=title)


def conversations_of(
    *, user_id: uuid.UUID, course_id: uuid.UUID | None = None, cursor: str | None = None, limit: int | None = None
) -> Page[ConversationView]:
    """The learner's own threads, most recently active first."""
    from azora.agents.selectors import conversations

    return conversations.conversations_of(user_id=user_id, course_id=course_id, cursor=cursor, limit=limit)


def conversation_get(*, conversation_id: uuid.UUID, viewer_id: uuid.UUID) -> ConversationDetail:
    """The thread with its messages, for the learner or an overseer; ConversationNotFound for anyone else."""
    from azora.agents.models import Conversation
    from azora.agents.selectors import conversations

    conversation = Conversation.objects.filter(id=conversation_id).first()
    if conversation is None:
        raise ConversationNotFound()
    if conversation.user_id != viewer_id and not may_oversee(viewer_id=viewer_id, conversation_id=conversation_id):
        raise ConversationNotFound()
    return conversations.conversation_detail(conversation=conversation)


def message_send(*, conversation_id: uuid.UUID, user_id: uuid.UUID, text: str, request_id: str = "") -> ExchangeResult:
    """Ask; returns the stored exchange. Raises MessageEmpty, MessageTooLong, ConsentRequired,
    QuestionLimitReached, ConversationNotFound before anything is written."""
    from azora.agents.services import allowance, orchestrator

    prepared = orchestrator.prepare(
        conversation_id=conversation_id,
        user_id=user_id,
        text=text,
        request_id=request_id,
        notice_version=OVERSIGHT_NOTICE_VERSION,
    )
    run = orchestrator.run(prepared, streamed=False)
    return orchestrator.drain(allowance.answer_counted(run, reservation=prepared.reservation))


def message_stream(*, conversation_id: uuid.UUID, user_id: uuid.UUID, text: str, request_id: str = "") -> ReplyStream:
    """As `message_send`, streamed; the same errors raise at the call, before the first chunk.

    `agent` and `routing` are set before the first chunk; `result` (the stored exchange) once the stream is
    exhausted. When the provider breaks mid-answer the streamed text ends with a notice and `result.answer` is the
    stored `interrupted` message (not the partial text): show `result.answer.content`. Closing the stream before
    its end stores nothing."""
    from azora.agents.services import allowance, orchestrator

    prepared = orchestrator.prepare(
        conversation_id=conversation_id,
        user_id=user_id,
        text=text,
        request_id=request_id,
        notice_version=OVERSIGHT_NOTICE_VERSION,
    )
    holder: list[ReplyStream] = []

    def chunks() -> Iterator[str]:
        run = orchestrator.run(prepared, streamed=True)
        result = yield from allowance.answer_counted(run, reservation=prepared.reservation)
        holder[0].result = result

    stream = ReplyStream(chunks(), agent=prepared.agent_view, routing=prepared.routing)
    holder.append(stream)
    return stream


def oversight_consent_given(*, user_id: uuid.UUID) -> bool:
    """Whether the learner accepted the current oversight notice."""
    from azora.agents.services import consent

    return consent.consent_given(user_id=user_id, notice_version=OVERSIGHT_NOTICE_VERSION)


def oversight_consent_give(*, user_id: uuid.UUID) -> None:
    """Record the learner's consent to the current notice (idempotent)."""
    from azora.agents.services import consent

    consent.consent_give(user_id=user_id, notice_version=OVERSIGHT_NOTICE_VERSION)


def questions_used_this_month(*, user_id: uuid.UUID) -> int:
    """Questions the learner asked the agents this calendar month (UTC) that count against the plan's allowance:
    those answered (complete, hint or refused), not those whose answer was unavailable or interrupted."""
    from azora.agents.selectors import conversations

    return conversations.questions_used_this_month(user_id=user_id)
