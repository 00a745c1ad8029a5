"""Agents, conversations and messages: the orchestrator's main contract (owner: AGENTS-CORE)."""

from __future__ import annotations

import uuid

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
    raise NotImplementedError


def conversation_start(
    *, user_id: uuid.UUID, course_id: uuid.UUID | None = None, mode: str = "socratic", title: str = ""
) -> ConversationView:
    """A new thread for the learner (about `course_id` when given: they must be enrolled or teach it)."""
    raise NotImplementedError


def conversations_of(
    *, user_id: uuid.UUID, course_id: uuid.UUID | None = None, cursor: str | None = None, limit: int | None = None
) -> Page[ConversationView]:
    """The learner's own threads, most recent first."""
    raise NotImplementedError


def conversation_get(*, conversation_id: uuid.UUID, viewer_id: uuid.UUID) -> ConversationDetail:
    """The thread with its messages, for the learner or an overseer; ConversationNotFound for anyone else."""
    raise NotImplementedError


def message_send(*, conversation_id: uuid.UUID, user_id: uuid.UUID, text: str, request_id: str = "") -> ExchangeResult:
    """Ask; returns the stored exchange. Raises MessageEmpty, MessageTooLong, ConsentRequired,
    QuestionLimitReached, ConversationNotFound before anything is written."""
    raise NotImplementedError


def message_stream(*, conversation_id: uuid.UUID, user_id: uuid.UUID, text: str, request_id: str = "") -> ReplyStream:
    """As `message_send`, streamed; the same errors raise at the call, before the first chunk."""
    raise NotImplementedError


def oversight_consent_given(*, user_id: uuid.UUID) -> bool:
    """Whether the learner accepted the current oversight notice."""
    raise NotImplementedError


def oversight_consent_give(*, user_id: uuid.UUID) -> None:
    """Record the learner's consent to the current notice (idempotent)."""
    raise NotImplementedError


def questions_used_this_month(*, user_id: uuid.UUID) -> int:
    """Questions the learner asked the agents this calendar month (UTC)."""
    raise NotImplementedError
