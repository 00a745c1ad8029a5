"""The frozen views the orchestrator hands to other apps and portals (no model instance crosses the boundary)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class AgentView:
    slug: str
    name: str
    role: str
    voice: str
    tools: tuple[str, ...]
    intents: tuple[str, ...]
    is_default: bool


@dataclass(frozen=True, slots=True)
class CitationView:
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class FeedbackView:
    message_id: uuid.UUID
    is_helpful: bool
    reason: str
    comment: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RoutingView:
    """Why this agent answered: the intent, its score and the reasons, as shown in the conversation."""

    intent: str
    agent_slug: str
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MessageView:
    id: uuid.UUID
    conversation_id: uuid.UUID
    role: str  # user | assistant
    content: str
    status: str  # complete | hint | refused | interrupted | unavailable
    created_at: datetime
    agent_slug: str = ""
    agent_name: str = ""
    routing: RoutingView | None = None
    citations: tuple[CitationView, ...] = ()
    flags: tuple[str, ...] = ()  # principle ids the constitution flagged
    tools_used: tuple[str, ...] = ()
    first_token_ms: int | None = None
    latency_ms: int | None = None
    feedback: FeedbackView | None = None


@dataclass(frozen=True, slots=True)
class ConversationView:
    id: uuid.UUID
    user_id: uuid.UUID
    course_id: uuid.UUID | None
    title: str
    mode: str  # socratic | direct
    message_count: int
    created_at: datetime
    last_message_at: datetime | None
    flagged_at: datetime | None


@dataclass(frozen=True, slots=True)
class ConversationDetail:
    conversation: ConversationView
    messages: tuple[MessageView, ...]


@dataclass(frozen=True, slots=True)
class ExchangeResult:
    """One finished exchange: the learner's question and the agent's answer, both stored."""

    question: MessageView
    answer: MessageView


class ReplyStream(Iterator[str]):
    """Text chunks of the answer as they arrive. `agent` and `routing` are known before the first chunk;
    `result` is set once the stream is exhausted (the stored exchange). Close it if you stop early."""

    def __init__(self, chunks: Iterator[str], *, agent: AgentView, routing: RoutingView) -> None:
        self._chunks = chunks
        self.agent = agent
        self.routing = routing
        self.result: ExchangeResult | None = None

    def __iter__(self) -> ReplyStream:
        return self

    def __next__(self) -> str:
        return next(self._chunks)

    def close(self) -> None:
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()


@dataclass(frozen=True, slots=True)
class MemoryItemView:
    id: uuid.UUID
    kind: str  # goal | difficulty | language
    text: str
    source: str  # learner | conversation | onboarding
    created_at: datetime


@dataclass(frozen=True, slots=True)
class OversightConversationView:
    """A conversation as an overseer (instructor of its course, admin of the learner's organisation) sees it."""

    conversation: ConversationView
    learner_id: uuid.UUID
    learner_name: str
    course_title: str
    flags: tuple[str, ...]  # every principle flagged in the conversation
    flagged_messages: int


@dataclass(frozen=True, slots=True)
class GuidanceView:
    """Elara's short message for one onboarding step, produced through the agents pipeline."""

    agent_slug: str
    agent_name: str
    text: str
    citations: tuple[CitationView, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
