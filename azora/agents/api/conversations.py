"""The agents API: the roster, the learner's conversations, asking (JSON or an event stream) and feedback.

Every route needs a signed-in user (session or access token); API keys carry no agents scope and are refused. A
conversation or message of another learner answers 404 exactly like one that does not exist (overseers read
transcripts through `GET /conversations/{id}`).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import structlog
from django.http import HttpRequest, StreamingHttpResponse
from ninja import Query, Router, Status

from azora.accounts.public import request_user_id
from azora.agents.public import (
    ReplyStream,
    agents_list,
    conversation_get,
    conversation_start,
    conversations_of,
    feedback_give,
    message_send,
    message_stream,
)
from azora.agents.schemas.conversations import (
    AgentOut,
    AgentRoutingOut,
    ConversationCreateIn,
    ConversationDetailOut,
    ConversationOut,
    ConversationQuery,
    ExchangeOut,
    FeedbackIn,
    FeedbackOut,
    MessageCreateIn,
    StreamAgentOut,
)
from azora.shared.errors import DomainError
from azora.shared.pagination import Paged, PageParams

router = Router(tags=["agents"])
logger = structlog.get_logger(__name__)

# No API key scope grants it: the agents talk with signed-in people only.
AGENTS_SCOPE = "agents"


def _user_id(request: HttpRequest) -> uuid.UUID:
    return request_user_id(request, scope=AGENTS_SCOPE)


def _request_id() -> str:
    return str(structlog.contextvars.get_contextvars().get("request_id") or "")


def _sse(event: str, data: object) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n".encode()


def _sse_body(stream: ReplyStream) -> Iterator[bytes]:
    """`agent` (who answers and why), then `delta` events with text, then `done` with the stored exchange.

    An answer interrupted by the provider is stored as a graceful `interrupted` message: an `error` event says so,
    then `done` carries that exchange. Anything that stops the stream before it ends sends one `error` event and
    stores nothing.
    """
    head = StreamAgentOut(agent=AgentOut.of(stream.agent), routing=AgentRoutingOut.of(stream.routing))
    yield _sse("agent", head.model_dump(mode="json"))
    try:
        for chunk in stream:
            yield _sse("delta", {"text": chunk})
    except DomainError as error:
        yield _sse("error", {"code": error.code, "detail": str(error.detail)})
        return
    except Exception:
        logger.exception("agents.stream_failed", request_id=_request_id())
        yield _sse("error", {"code": "internal_error", "detail": "The answer could not be completed."})
        return
    finally:
        stream.close()
    result = stream.result
    if result is None:
        yield _sse("error", {"code": "internal_error", "detail": "The answer could not be completed."})
        return
    if result.answer.status == "interrupted":
        yield _sse("error", {"code": "agents_answer_interrupted", "detail": result.answer.content})
    yield _sse("done", ExchangeOut.of(result).model_dump(mode="json"))


@router.get("/agents", response=list[AgentOut], summary="The agents: Elara and her family, in roster order")
def agent_list(request: HttpRequest) -> list[AgentOut]:
    _user_id(request)
    return [AgentOut.of(view) for view in agents_list()]


@router.post("/conversations", response={201: ConversationOut}, summary="Start a conversation (about a course)")
def conversation_create(request: HttpRequest, payload: ConversationCreateIn) -> Status[ConversationOut]:
    view = conversation_start(user_id=_user_id(request), course_id=payload.course_id, mode=payload.mode)
    return Status(201, ConversationOut.of(view))


@router.get("/conversations", response=Paged[ConversationOut], summary="The caller's conversations, most recent first")
def conversation_list(
    request: HttpRequest, page: Query[PageParams], query: Query[ConversationQuery]
) -> Paged[ConversationOut]:
    result = conversations_of(
        user_id=_user_id(request), course_id=query.course_id, cursor=page.cursor, limit=page.limit
    )
    return Paged[ConversationOut](
        items=[ConversationOut.of(view) for view in result.items], next_cursor=result.next_cursor
    )


@router.get(
    "/conversations/{uuid:conversation_id}",
    response=ConversationDetailOut,
    summary="A conversation with its messages (the learner, or an overseer: its course's instructors, its "
    "organisation's admins, platform admins)",
)
def conversation_detail(request: HttpRequest, conversation_id: uuid.UUID) -> ConversationDetailOut:
    return ConversationDetailOut.of_detail(
        conversation_get(conversation_id=conversation_id, viewer_id=_user_id(request))
    )


@router.post(
    "/conversations/{uuid:conversation_id}/messages",
    response={201: ExchangeOut},
    summary="Ask the agents; `stream: true` answers text/event-stream (agent, delta..., done or error)",
    openapi_extra={
        "responses": {
            "200": {
                "description": "With `stream: true`: `event: agent` (agent and routing), `event: delta` ({text}) "
                "chunks, then `event: done` (the stored exchange) or `event: error` ({code, detail}).",
                "content": {"text/event-stream": {"schema": {"type": "string"}}},
            }
        }
    },
)
def message_create(
    request: HttpRequest, conversation_id: uuid.UUID, payload: MessageCreateIn
) -> Status[ExchangeOut] | StreamingHttpResponse:
    user_id = _user_id(request)
    if not payload.stream:
        result = message_send(
            conversation_id=conversation_id, user_id=user_id, text=payload.text, request_id=_request_id()
        )
        return Status(201, ExchangeOut.of(result))
    # Validation errors (empty, too long, no consent, limit reached, not found) raise here, before any event.
    stream = message_stream(
        conversation_id=conversation_id, user_id=user_id, text=payload.text, request_id=_request_id()
    )
    response = StreamingHttpResponse(_sse_body(stream), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


@router.post(
    "/messages/{uuid:message_id}/feedback",
    response=FeedbackOut,
    summary="Say whether an answer helped, with a reason; giving it again replaces it",
)
def message_feedback(request: HttpRequest, message_id: uuid.UUID, payload: FeedbackIn) -> FeedbackOut:
    view = feedback_give(
        message_id=message_id,
        user_id=_user_id(request),
        is_helpful=payload.helpful,
        reason=payload.reason or "",
        comment=payload.comment,
    )
    return FeedbackOut.of(view)
