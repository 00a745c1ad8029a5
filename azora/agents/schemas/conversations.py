"""Request and response schemas of agents, conversations, messages (JSON and the event stream) and feedback."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from azora.agents.public.views import (
    AgentView,
    CitationView,
    ConversationDetail,
    ConversationView,
    ExchangeResult,
    FeedbackView,
    MessageView,
    RoutingView,
)
from azora.shared.schemas import StrictIn

FeedbackReasonName = Literal[
    "helpful", "wrong", "unclear", "not_grounded", "too_direct", "not_helpful", "harmful", "other"
]


class AgentOut(Schema):
    """One agent of the roster: who it is, how it speaks, the tools it may call and the intents routed to it."""

    slug: str
    name: str
    role: str
    voice: str
    tools: list[str]
    intents: list[str]
    is_default: bool = Field(description="The agent that answers whatever no other agent claims (Elara).")

    @staticmethod
    def of(view: AgentView) -> AgentOut:
        return AgentOut(
            slug=view.slug,
            name=view.name,
            role=view.role,
            voice=view.voice,
            tools=list(view.tools),
            intents=list(view.intents),
            is_default=view.is_default,
        )


class AgentRoutingOut(Schema):
    """Why this agent answered: the intent classified, its score and the reasons, as shown in the conversation."""

    intent: str
    agent: str = Field(description="The slug of the agent the message was routed to.")
    score: float
    reasons: list[str]

    @staticmethod
    def of(view: RoutingView) -> AgentRoutingOut:
        return AgentRoutingOut(intent=view.intent, agent=view.agent_slug, score=view.score, reasons=list(view.reasons))


class AgentCitationOut(Schema):
    title: str
    url: str

    @staticmethod
    def of(view: CitationView) -> AgentCitationOut:
        return AgentCitationOut(title=view.title, url=view.url)


class FeedbackOut(Schema):
    message_id: uuid.UUID
    helpful: bool
    reason: str = Field(description="One of the feedback reasons, or empty.")
    comment: str
    created_at: datetime = Field(description="When this feedback was given (giving it again replaces it).")

    @staticmethod
    def of(view: FeedbackView) -> FeedbackOut:
        return FeedbackOut(
            message_id=view.message_id,
            helpful=view.is_helpful,
            reason=view.reason,
            comment=view.comment,
            created_at=view.created_at,
        )


class MessageOut(Schema):
    """A message: the learner's question or an agent's answer with who answered, why, and what it cited."""

    id: uuid.UUID
    conversation_id: uuid.UUID
    role: Literal["user", "assistant"]
    content: str
    status: Literal["complete", "hint", "refused", "interrupted", "unavailable"] = Field(
        description="hint: a Socratic hint instead of an answer (open assessment); refused: under the constitution; "
        "interrupted: the provider failed mid-answer (the partial text is not kept); unavailable: no answer could "
        "be given (no provider, a language not served)."
    )
    created_at: datetime
    agent: str = Field(description="The answering agent's slug; empty on the learner's messages.")
    agent_name: str
    routing: AgentRoutingOut | None
    citations: list[AgentCitationOut]
    flags: list[str] = Field(description="The constitution's principles this message was flagged for.")
    tools_used: list[str]
    first_token_ms: int | None
    latency_ms: int | None
    feedback: FeedbackOut | None

    @staticmethod
    def of(view: MessageView) -> MessageOut:
        return MessageOut(
            id=view.id,
            conversation_id=view.conversation_id,
            role=view.role,  # type: ignore[arg-type]  # a MessageRole value, one of the Literal's
            content=view.content,
            status=view.status,  # type: ignore[arg-type]  # a MessageStatus value, one of the Literal's
            created_at=view.created_at,
            agent=view.agent_slug,
            agent_name=view.agent_name,
            routing=AgentRoutingOut.of(view.routing) if view.routing is not None else None,
            citations=[AgentCitationOut.of(citation) for citation in view.citations],
            flags=list(view.flags),
            tools_used=list(view.tools_used),
            first_token_ms=view.first_token_ms,
            latency_ms=view.latency_ms,
            feedback=FeedbackOut.of(view.feedback) if view.feedback is not None else None,
        )


class ConversationOut(Schema):
    id: uuid.UUID
    user_id: uuid.UUID = Field(description="The learner whose thread it is.")
    course_id: uuid.UUID | None
    title: str
    mode: Literal["socratic", "direct"]
    message_count: int
    created_at: datetime
    last_message_at: datetime | None
    flagged_at: datetime | None = Field(description="When a message first drew a flag from the constitution.")

    @staticmethod
    def fields_of(view: ConversationView) -> dict[str, object]:
        return {
            "id": view.id,
            "user_id": view.user_id,
            "course_id": view.course_id,
            "title": view.title,
            "mode": view.mode,
            "message_count": view.message_count,
            "created_at": view.created_at,
            "last_message_at": view.last_message_at,
            "flagged_at": view.flagged_at,
        }

    @staticmethod
    def of(view: ConversationView) -> ConversationOut:
        return ConversationOut.model_validate(ConversationOut.fields_of(view))


class ConversationDetailOut(ConversationOut):
    """The thread with every message, oldest first."""

    messages: list[MessageOut]

    @staticmethod
    def of_detail(detail: ConversationDetail) -> ConversationDetailOut:
        return ConversationDetailOut.model_validate(
            {
                **ConversationOut.fields_of(detail.conversation),
                "messages": [MessageOut.of(message) for message in detail.messages],
            }
        )


class ConversationCreateIn(StrictIn):
    course_id: uuid.UUID | None = Field(
        default=None, description="The course the thread is about (the learner must be enrolled in it or teach it)."
    )
    mode: Literal["socratic", "direct"] = Field(
        default="socratic",
        description="socratic: hints, guiding questions and worked examples of other problems; direct: explains "
        "outright (never for a question of an open assessment).",
    )


class MessageCreateIn(StrictIn):
    text: str = Field(description="The question (at most AZORA_AGENTS_MESSAGE_MAX_CHARS characters).")
    stream: bool = Field(default=False, description="Answer as text/event-stream: agent, delta..., done (or error).")


class ExchangeOut(Schema):
    """One finished exchange: the learner's question and the agent's answer, both stored."""

    question: MessageOut
    answer: MessageOut

    @staticmethod
    def of(result: ExchangeResult) -> ExchangeOut:
        return ExchangeOut(question=MessageOut.of(result.question), answer=MessageOut.of(result.answer))


class StreamAgentOut(Schema):
    """The first event of a streamed answer: who answers, and why."""

    agent: AgentOut
    routing: AgentRoutingOut


class FeedbackIn(StrictIn):
    helpful: bool
    reason: FeedbackReasonName | None = Field(
        default=None, description="`helpful` only when it helped; any other reason only when it did not."
    )
    comment: str = Field(default="", max_length=2000)


class ConversationQuery(Schema):
    course_id: uuid.UUID | None = Field(default=None, description="Only threads about this course.")
