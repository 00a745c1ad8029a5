"""AI Routing's /api/v1/ai endpoints: chat (streamed or whole), providers, usage and budgets."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

import structlog
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from ninja import Query, Router

import azora.accounts.public as accounts
from azora.accounts.errors import InsufficientScope
from azora.accounts.public import Principal
from azora.ai_routing import adapters, resilience
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
from azora.ai_routing.selectors import budget_list, provider_config_of, provider_list, usage_report
from azora.ai_routing.services.budgets import budget_put, month_of
from azora.shared.errors import ValidationFailed

router = Router(tags=["ai"])

ADMIN_ROLES = frozenset({"platform_admin"})
# API keys reach the models only with this scope (sessions and access tokens carry the user's full rights).
CHAT_SCOPE = "ai:chat"
MAX_REPORT_DAYS = 366


def _principal(request: HttpRequest) -> Principal:
    principal = request.auth  # type: ignore[attr-defined]  # ninja sets it after authentication
    assert isinstance(principal, Principal)
    return principal


def _is_admin(principal: Principal) -> bool:
    return principal.user_id is not None and not accounts.platform_roles_of(user_id=principal.user_id).isdisjoint(
        ADMIN_ROLES
    )


def _require_admin(request: HttpRequest) -> Principal:
    principal = _principal(request)
    if principal.scopes is not None or not _is_admin(principal):  # admin work is never done with an API key
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
    items = []
    for row in provider_list():
        config = provider_config_of(row)
        items.append(
            ProviderOut(
                id=row.id,
                name=row.name,
                kind=row.kind,
                base_url=row.base_url,
                model=row.model,
                secret_env_var=row.secret_env_var,
                secret_is_set=adapters.secret_is_set(config),
                input_price_micros_per_million=row.input_price_micros_per_million,
                output_price_micros_per_million=row.output_price_micros_per_million,
                context_window=row.context_window,
                capabilities=list(config.capabilities),
                requests_per_minute=row.requests_per_minute,
                tokens_per_minute=row.tokens_per_minute,
                timeout_ms=row.timeout_ms,
                priority=row.priority,
                weight=row.weight,
                tier=row.tier,
                is_active=row.is_active,
                breaker_state=resilience.breaker_status(row.name).state,
                latency_ms_average=resilience.latency_average(row.name),
            )
        )
    return items


@router.get("/usage", response=UsageReportOut, summary="AI usage per day and provider: the caller's, or any (admins)")
def usage_index(request: HttpRequest, query: Query[UsageQuery]) -> UsageReportOut:
    principal = _principal(request)
    today = timezone.now().astimezone(UTC).date()
    until = query.until or today
    since = query.since or (until - timedelta(days=30))
    if since > until or (until - since).days > MAX_REPORT_DAYS:
        raise ValidationFailed(
            f"The period must run forward and cover at most {MAX_REPORT_DAYS} days.", extra={"fields": ["since"]}
        )
    user_id: uuid.UUID | None = principal.user_id
    organisation_id: uuid.UUID | None = None
    if query.user_id is not None or query.organisation_id is not None:
        if principal.scopes is not None or not _is_admin(principal):
            raise AiAdminRequired()
        user_id, organisation_id = query.user_id, query.organisation_id
    elif principal.user_id is None:
        organisation_id = principal.organisation_id  # an organisation key sees its organisation's usage
    rows = usage_report(
        since=datetime.combine(since, time.min, tzinfo=UTC),
        until=datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC),
        user_id=user_id,
        organisation_id=organisation_id,
        provider=query.provider,
    )
    return UsageReportOut(
        since=since,
        until=until,
        currency=router_settings().currency,
        rows=[
            UsageRowOut(
                day=row.day,
                provider=row.provider,
                user_id=row.user_id,
                organisation_id=row.organisation_id,
                requests=row.requests,
                tokens_in=row.tokens_in,
                tokens_out=row.tokens_out,
                cost_micros=row.cost_micros,
                cache_hits=row.cache_hits,
            )
            for row in rows
        ],
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
