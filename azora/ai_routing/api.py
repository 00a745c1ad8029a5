"""AI Routing's /api/v1/ai endpoints: chat (streamed or whole), providers, usage and budgets."""

from __future__ import annotations

import json
from collections.abc import Iterator

import structlog
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from ninja import Query, Router

from azora.accounts.errors import InsufficientScope
from azora.accounts.public import Principal, request_principal
from azora.ai_routing.config import router_settings
from azora.ai_routing.errors import AiAdminRequired
from azora.ai_routing.public import ChatMessage, ChatOptions, ChatResult, ChatStream, chat, chat_stream
from azora.ai_routing.schemas import (
    BudgetIn,
    BudgetListOut,
    BudgetOut,
    ChatIn,
    ChatOut,
    CitationOut,
    ProviderOut,
    RoutingDecisionOut,
    UsageQuery,
    UsageReportOut,
    UsageRowOut,
)
from azora.ai_routing.selectors import budget_list, may_administer_ai, provider_statuses, usage_report_for_viewer
from azora.ai_routing.services.budgets import budget_put, month_of

router = Router(tags=["ai"])

# API keys reach the models only with this scope (sessions and access tokens carry the user's full rights).
CHAT_SCOPE = "ai:chat"


def _principal(request: HttpRequest) -> Principal:
    return request_principal(request)


def _require_admin(request: HttpRequest) -> Principal:
    principal = _principal(request)
    if not may_administer_ai(user_id=principal.user_id, via_api_key=principal.scopes is not None):
        raise AiAdminRequired()
    return principal


def _chat_out(result: ChatResult) -> ChatOut:
    decision = result.decision
    return ChatOut(
        usage_id=result.usage_id,
        outcome=result.outcome,
        text=result.text,
        provider=result.provider,
        model=result.model,
        tokens_in=result.tokens_in,
        tokens_out=result.tokens_out,
        cost_micros=result.cost_micros,
        currency=result.currency,
        latency_ms=result.latency_ms,
        cache_hit=result.cache_hit,
        decision=RoutingDecisionOut(
            strategy=decision.strategy,
            order=list(decision.order),
            reasons=list(decision.reasons),
            difficulty=decision.difficulty,
            difficulty_score=decision.difficulty_score,
        )
        if decision
        else None,
        input_action=result.input_action,
        output_action=result.output_action,
        violations=list(result.violations),
        citations=[CitationOut(title=c.title, url=c.url) for c in result.citations],
        input_decision_id=result.input_decision_id,
        output_decision_id=result.output_decision_id,
    )


def _sse(event: str, data: object) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n".encode()


def _sse_body(stream: ChatStream) -> Iterator[bytes]:
    """`delta` events with text, then one `done` event with the usage (or an `error` event if the stream broke)."""
    try:
        for chunk in stream:
            yield _sse("delta", {"text": chunk})
    finally:
        stream.close()
    result = stream.result
    if result is None:
        return
    if result.outcome == "error":
        yield _sse("error", {"code": "ai_stream_interrupted", "detail": "The AI provider failed during the answer."})
    yield _sse("done", _chat_out(result).model_dump(mode="json"))


@router.post(
    "/chat",
    response={200: ChatOut},
    summary="Chat with the platform's AI (routed, budgeted, governed); `stream: true` answers text/event-stream",
)
def chat_create(request: HttpRequest, payload: ChatIn) -> ChatOut | StreamingHttpResponse:
    principal = _principal(request)
    if not principal.has_scope(CHAT_SCOPE):
        raise InsufficientScope(extra={"required_scope": CHAT_SCOPE})
    messages = [ChatMessage(role=message.role, content=message.content) for message in payload.messages]
    options = ChatOptions(
        user_id=principal.user_id,
        organisation_id=principal.organisation_id,
        api_key_id=principal.api_key_id,
        course_id=payload.course_id,
        purpose="chat",
        strategy=payload.strategy,
        provider=payload.provider,
        max_tokens=payload.max_tokens,
        temperature=payload.temperature,
        cacheable=payload.cacheable,
        request_id=str(structlog.contextvars.get_contextvars().get("request_id") or ""),
    )
    if not payload.stream:
        return _chat_out(chat(messages=messages, options=options))
    stream = chat_stream(messages=messages, options=options)
    response = StreamingHttpResponse(_sse_body(stream), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


@router.get("/providers", response=list[ProviderOut], summary="The configured AI providers (platform admins)")
def provider_index(request: HttpRequest) -> list[ProviderOut]:
    _require_admin(request)
    return [ProviderOut(**status.__dict__) for status in provider_statuses()]


@router.get("/usage", response=UsageReportOut, summary="AI usage per day and provider: the caller's, or any (admins)")
def usage_index(request: HttpRequest, query: Query[UsageQuery]) -> UsageReportOut:
    principal = _principal(request)
    report = usage_report_for_viewer(
        viewer_user_id=principal.user_id,
        viewer_organisation_id=principal.organisation_id,
        via_api_key=principal.scopes is not None,
        since=query.since,
        until=query.until,
        user_id=query.user_id,
        organisation_id=query.organisation_id,
        provider=query.provider,
    )
    return UsageReportOut(
        since=report.since,
        until=report.until,
        currency=report.currency,
        rows=[UsageRowOut(**row.__dict__) for row in report.rows],
    )


def _budget_list_out() -> BudgetListOut:
    month = month_of(timezone.now())
    return BudgetListOut(
        month=month,
        items=[BudgetOut(**view.__dict__) for view in budget_list(month=month)],
    )


@router.get("/budgets", response=BudgetListOut, summary="Monthly AI budgets with this month's spending (admins)")
def budget_index(request: HttpRequest) -> BudgetListOut:
    _require_admin(request)
    return _budget_list_out()


@router.put("/budgets", response=BudgetOut, summary="Create or change one monthly AI budget (admins)")
def budget_update(request: HttpRequest, payload: BudgetIn) -> BudgetOut:
    _require_admin(request)
    budget = budget_put(
        scope=payload.scope,
        subject=payload.subject,
        limit_micros=payload.limit_micros,
        currency=router_settings().currency,
    )
    month = month_of(timezone.now())
    view = next(view for view in budget_list(month=month) if view.id == budget.id)
    return BudgetOut(**view.__dict__)
