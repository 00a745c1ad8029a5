"""AI Routing's contract for other apps: chat with a model (whole or streamed) and the guard hook for the constitution.

Every model call of the platform goes through `chat` / `chat_stream`. A governed call (the default) runs the
registered guard's input check before the model sees anything and feeds the model's text through the guard's
output filter before the caller sees it. The constitution (a higher layer) registers its guard with
`register_guard` in its `AppConfig.ready()`, so this lower layer never imports it (docs/decisions, AI guards ADR).
See docs/ai-routing.md.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

from azora.shared.prepared import BoundInsert

Role = Literal["system", "user", "assistant"]
InputAction = Literal["allow", "redact", "refuse"]
OutputAction = Literal["allow", "redact", "revise", "refuse"]
Outcome = Literal["ok", "refused", "error", "budget_refused", "rate_limited"]
StrategyName = Literal["fallback", "weighted", "lowest_latency", "lowest_cost", "difficulty"]


@dataclass(frozen=True)
class ChatMessage:
    role: Role
    content: str
    # Platform-authored or already-checked context (an agent's prompt, lesson passages, a transcript whose turns were
    # checked when written): the guard's input rails check it for personal data only, and only when the chat may
    # leave for an external provider. Set by server-side callers only, never from a request body.
    trusted: bool = False


@dataclass(frozen=True)
class GuardContext:
    user_id: uuid.UUID | None
    organisation_id: uuid.UUID | None
    course_id: uuid.UUID | None  # the course the conversation is about, if any
    purpose: str  # "chat", "tutor", "critique", ...
    provider_is_external: bool  # True when the chosen provider is not the built-in `local` one
    request_id: str


@dataclass(frozen=True)
class InputVerdict:
    action: InputAction
    messages: tuple[ChatMessage, ...]  # what the model may see (redacted when action == "redact")
    decision_id: uuid.UUID | None  # the constitution's audit record
    reason: str  # user-facing, translated; empty when allowed
    violations: tuple[str, ...]  # principle ids
    # The audit record, when the guard leaves writing it to AI Routing: written in the chat's next statement (the
    # budget reservation, or the refused chat's usage record), so that it costs no round trip of its own.
    record: BoundInsert | None = None


@dataclass(frozen=True)
class OutputVerdict:
    action: OutputAction
    tail: str  # text still to send at the end (the last sentence, or a refusal/withheld notice)
    decision_id: uuid.UUID | None
    violations: tuple[str, ...]
    score: float
    record: BoundInsert | None = None  # as InputVerdict's: written with the settlement and the usage record


class OutputFilter(Protocol):
    """Fed the model's text as it streams; returns the text that may be sent now (sentence-buffered)."""

    def feed(self, text: str) -> str: ...

    def finish(self) -> OutputVerdict: ...  # flushes; tells the final action


class Guard(Protocol):
    """A verdict's `record`, when the guard sets it, is its audit record not yet written: AI Routing writes it
    (calling its `written()`) before the chat ends, unless the database fails the statement that carries it."""

    def check_input(self, *, messages: Sequence[ChatMessage], context: GuardContext) -> InputVerdict: ...

    def output_filter(self, *, messages: Sequence[ChatMessage], context: GuardContext) -> OutputFilter: ...


_guard_lock = threading.Lock()
_guard: Guard | None = None


def register_guard(guard: Guard) -> None:
    """Install the guard every governed chat runs through (the constitution calls it in its AppConfig.ready())."""
    global _guard
    with _guard_lock:
        _guard = guard


def registered_guard() -> Guard | None:
    """The guard installed by `register_guard`, or None when no app registered one."""
    return _guard


def unregister_guard() -> None:
    """Remove the installed guard (tests that need the no-guard path; never called by application code)."""
    global _guard
    with _guard_lock:
        _guard = None


# --------------------------------------------------------------------------------------------------------------
# Chat


@dataclass(frozen=True)
class Citation:
    title: str
    url: str


@dataclass(frozen=True)
class RoutingDecision:
    """Which provider the strategy chose, the order it would fall back in, and why (recorded with the usage)."""

    strategy: str
    order: tuple[str, ...]  # provider names, first choice first
    reasons: tuple[str, ...]
    difficulty: str | None = None  # simple | moderate | complex (difficulty strategy)
    difficulty_score: float | None = None


@dataclass(frozen=True)
class ChatResult:
    """The outcome of one chat. `text` is what the caller may show (after the guard's output filter)."""

    usage_id: uuid.UUID | None
    outcome: Outcome
    text: str
    provider: str  # provider name that answered ("" when none did)
    model: str
    tokens_in: int
    tokens_out: int
    cost_micros: int  # integer micro-units of `currency`
    currency: str
    latency_ms: int
    cache_hit: bool
    decision: RoutingDecision | None
    input_action: InputAction | None  # None when ungoverned
    output_action: OutputAction | None
    input_decision_id: uuid.UUID | None
    output_decision_id: uuid.UUID | None
    violations: tuple[str, ...] = ()
    citations: tuple[Citation, ...] = ()
    attempts: tuple[str, ...] = ()  # "<provider>:<outcome>" per attempt, in order


class ChatStream(Iterator[str]):
    """An iterator of text chunks (already filtered by the guard); `result` is set once the stream is exhausted."""

    def __init__(self, chunks: Iterator[str]) -> None:
        self._chunks = chunks
        self.result: ChatResult | None = None

    def __iter__(self) -> ChatStream:
        return self

    def __next__(self) -> str:
        return next(self._chunks)

    def close(self) -> None:
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()


@dataclass(frozen=True)
class ChatOptions:
    """Everything about one chat request beyond its messages; all optional."""

    user_id: uuid.UUID | None = None
    organisation_id: uuid.UUID | None = None
    api_key_id: uuid.UUID | None = None
    plan: str = ""
    course_id: uuid.UUID | None = None
    purpose: str = "chat"
    strategy: StrategyName | None = None  # None: the configured default strategy
    provider: str | None = None  # pin one provider by name (no routing)
    max_tokens: int | None = None
    temperature: float | None = None
    cacheable: bool = False
    governed: bool = True  # False only for the constitution's own critique/revise calls
    request_id: str = ""
    extra: dict[str, str] = field(default_factory=dict)


# The heading under which a caller lists facts about the person it acts for in a system message, one
# "- <source>: <fact>" line each (e.g. the agents' tool results). A model reads them with the rest of the prompt;
# the offline provider, which has no model, quotes them before its lesson excerpts (adapters/local.py).
FACTS_HEADING = "Facts about the learner (from the platform; use them, do not reveal ids):"


def offline_only() -> bool:
    """True when no provider but the built-in offline one (kind `local`) is active, so every chat would be answered
    with lesson excerpts: callers that want a model's own words (onboarding guidance) can skip the call."""
    from azora.ai_routing.selectors import offline_only as offline_only_selector

    return offline_only_selector()


def chat(*, messages: Sequence[ChatMessage], options: ChatOptions | None = None) -> ChatResult:
    """Route, budget, guard and record one chat; returns the whole answer.

    Raises errors.* (a DomainError each) for bad input (empty messages, unknown provider, over the context window
    of every candidate), an exhausted budget, a rate limit or when every provider failed. An input the guard refuses
    is not an error: the result's outcome is "refused" and its text the guard's reason.
    """
    from azora.ai_routing.services.chat import chat_complete

    return chat_complete(messages=tuple(messages), options=options or ChatOptions())


def chat_stream(*, messages: Sequence[ChatMessage], options: ChatOptions | None = None) -> ChatStream:
    """As `chat`, but the answer arrives as text chunks; errors before the first chunk raise at the call."""
    from azora.ai_routing.services.chat import chat_streamed

    return chat_streamed(messages=tuple(messages), options=options or ChatOptions())


# --------------------------------------------------------------------------------------------------------------
# Passage search (the offline provider's index, for callers that ground answers themselves)


@dataclass(frozen=True)
class PassageHit:
    """A lesson passage that matches a query, with its BM25 score (higher is better)."""

    title: str
    url: str
    text: str
    course_id: uuid.UUID | None
    score: float


def passages_search(
    *, query: str, course_ids: Collection[uuid.UUID] | None, limit: int = 5, prefer_course_id: uuid.UUID | None = None
) -> list[PassageHit]:
    """The best passages of the registered knowledge sources for `query` (BM25, the offline provider's index).

    `course_ids` keeps only passages of those courses (an empty collection finds nothing; None searches every
    passage: callers acting for a user must pass the courses that user may read). `prefer_course_id` ranks that
    course's passages higher, as the offline provider does for the conversation's course.
    """
    from azora.ai_routing.adapters.local import INDEX

    if limit <= 0 or (course_ids is not None and not course_ids):
        return []
    hits = INDEX.index().search(query, limit=limit, course_id=prefer_course_id, course_ids=course_ids)
    return [
        PassageHit(
            title=hit.passage.title,
            url=hit.passage.url,
            text=hit.passage.text,
            course_id=hit.passage.course_id,
            score=hit.score,
        )
        for hit in hits
    ]


@dataclass(frozen=True)
class ProviderUsage:
    """One provider's usage over a period (cost in millionths of `currency`, the router's accounting currency)."""

    provider: str
    requests: int
    errors: int
    tokens_in: int
    tokens_out: int
    cost_micros: int
    currency: str
    mean_latency_ms: float | None


def usage_by_provider(*, since: datetime, until: datetime) -> list[ProviderUsage]:
    """Usage and cost per provider in [since, until), costliest first, for the operators' AI usage page."""
    from azora.ai_routing.config import router_settings
    from azora.ai_routing.selectors import usage_by_provider as rows_by_provider

    currency = router_settings().currency
    return [
        ProviderUsage(
            provider=row.provider, requests=row.requests, errors=row.errors, tokens_in=row.tokens_in,
            tokens_out=row.tokens_out, cost_micros=row.cost_micros, currency=currency,
            mean_latency_ms=row.mean_latency_ms,
        )
        for row in rows_by_provider(since=since, until=until)
    ]  # fmt: skip
