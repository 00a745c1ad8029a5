"""Request and response shapes of the AI API; requests refuse unknown fields."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from ninja import Field, Schema

from azora.shared.schemas import StrictIn

MAX_MESSAGES = 100
MAX_MESSAGE_CHARACTERS = 100_000


class MessageIn(StrictIn):
    role: Literal["system", "user", "assistant"]
    content: str = Field(max_length=MAX_MESSAGE_CHARACTERS)


class ChatIn(StrictIn):
    messages: list[MessageIn] = Field(min_length=1, max_length=MAX_MESSAGES)
    strategy: Literal["fallback", "weighted", "lowest_latency", "lowest_cost", "difficulty"] | None = Field(
        default=None, description="A routing strategy hint; the configured default when absent."
    )
    provider: str | None = Field(default=None, max_length=64, description="Pin one provider by name (no routing).")
    stream: bool = Field(default=False, description="Answer as server-sent events (text/event-stream).")
    max_tokens: int | None = Field(default=None, ge=1, le=32_000)
    temperature: float | None = Field(default=None, ge=0, le=2)
    cacheable: bool = Field(default=False, description="May be answered from the exact-match cache (1 hour).")
    course_id: uuid.UUID | None = Field(default=None, description="The course the conversation is about.")


class CitationOut(Schema):
    title: str
    url: str


class RoutingDecisionOut(Schema):
    strategy: str
    order: list[str]
    reasons: list[str]
    difficulty: str | None
    difficulty_score: float | None


class ChatOut(Schema):
    usage_id: uuid.UUID | None
    outcome: str = Field(description='"ok", or "refused" when the constitution refused the request.')
    text: str
    provider: str
    model: str
    tokens_in: int
    tokens_out: int
    cost_micros: int = Field(description="Cost in micro-units (1e-6) of `currency`.")
    currency: str
    latency_ms: int
    cache_hit: bool
    decision: RoutingDecisionOut | None
    input_action: str | None
    output_action: str | None
    violations: list[str] = Field(
        description="The constitution's violated principle ids: why a refused request was refused, or what the "
        "output rails redacted, revised or withheld."
    )
    citations: list[CitationOut]
    input_decision_id: uuid.UUID | None = Field(
        default=None, description="The constitution's audit record of the request (None when ungoverned)."
    )
    output_decision_id: uuid.UUID | None = Field(
        default=None, description="The constitution's audit record of the answer (None when there was none)."
    )


class ProviderOut(Schema):
    id: uuid.UUID
    name: str
    kind: str
    base_url: str
    model: str
    secret_env_var: str = Field(description="The NAME of the environment variable holding the key (never the key).")
    secret_is_set: bool
    input_price_micros_per_million: int
    output_price_micros_per_million: int
    context_window: int
    capabilities: list[str]
    requests_per_minute: int
    tokens_per_minute: int
    timeout_ms: int
    priority: int
    weight: int
    tier: str
    is_active: bool
    breaker_state: str
    latency_ms_average: float | None


class UsageQuery(StrictIn):
    since: date | None = Field(default=None, description="First day (UTC), default: 30 days ago.")
    until: date | None = Field(default=None, description="Last day (UTC, inclusive), default: today.")
    user_id: uuid.UUID | None = Field(default=None, description="Admins only: one user's usage.")
    organisation_id: uuid.UUID | None = Field(default=None, description="Admins only: one organisation's usage.")
    provider: str | None = Field(default=None, max_length=64)


class UsageRowOut(Schema):
    day: date
    provider: str
    user_id: uuid.UUID | None
    organisation_id: uuid.UUID | None
    requests: int
    tokens_in: int
    tokens_out: int
    cost_micros: int
    cache_hits: int


class UsageReportOut(Schema):
    since: date
    until: date
    currency: str
    rows: list[UsageRowOut]


class BudgetIn(StrictIn):
    scope: Literal["user", "organisation", "plan"]
    subject: str = Field(min_length=1, max_length=64, description="The user's or organisation's id, or the plan code.")
    limit_micros: int = Field(ge=0, le=10**15, description="Monthly limit in micro-units of the AI currency.")


class BudgetOut(Schema):
    id: uuid.UUID
    scope: str
    subject: str
    limit_micros: int
    currency: str
    month: date
    spent_micros: int
    reserved_micros: int
    alerted_percent: int


class BudgetListOut(Schema):
    month: date
    items: list[BudgetOut]
