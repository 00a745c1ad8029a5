"""One chat from request to recorded usage: limits, route, guard, budget, call (with fallback), filter, settle, record.

`chat_complete` returns the whole answer; `chat_streamed` returns a ChatStream whose chunks have passed the guard's
output filter. Errors before any model call raise (nothing spent); once a call is made, the usage record and the
budget settlement are written whatever happens, together.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field

import structlog
from django.db import connection

from azora.ai_routing import adapters, resilience
from azora.ai_routing.adapters import ChatProvider, ProviderError, ProviderRequest, StreamDelta, StreamEnd
from azora.ai_routing.config import ProviderConfig, RouterSettings, router_settings
from azora.ai_routing.errors import (
    BudgetExceeded,
    ContextWindowExceeded,
    EmptyConversation,
    GuardMissing,
    ProviderSecretMissing,
    ProvidersUnavailable,
    RateLimited,
    UnknownProvider,
)
from azora.ai_routing.metrics import (
    AI_ATTEMPT_FAILURES,
    AI_BREAKER_OPENED,
    AI_CACHE,
    AI_COST,
    AI_LATENCY,
    AI_REQUESTS,
    AI_TOKENS,
)
from azora.ai_routing.models import Usage
from azora.ai_routing.public import (
    ChatMessage,
    ChatOptions,
    ChatResult,
    ChatStream,
    Citation,
    Guard,
    GuardContext,
    InputAction,
    OutputAction,
    OutputFilter,
    OutputVerdict,
    RoutingDecision,
    registered_guard,
)
from azora.ai_routing.response_cache import CachedAnswer, cache_get, cache_key, cache_put
from azora.ai_routing.selectors import provider_configs
from azora.ai_routing.services.budgets import (
    EMPTY_RESERVATION,
    Reservation,
    budget_reserve_fitting,
    budget_settle,
)
from azora.ai_routing.strategies import Candidate, RequestFacts, estimated_cost, route
from azora.shared.prepared import BoundInsert, PreparedInsert, insert_all

logger = structlog.get_logger(__name__)
sleep = time.sleep  # tests replace it (no real waiting between retries)
_rng = random.Random()  # noqa: S311 -- spreads load across providers; not security
_INSERT_USAGE = PreparedInsert(Usage)
# A provider the breakers' read did not answer for (the shared cache is down) may be called, and its success is
# recorded in full.
_UNKNOWN_GATE = resilience.Gate(allowed=True, reason="", clean=False)


@dataclass
class _Attempted:
    """What the call loop found out: the answering provider, its text and usage, and every attempt's outcome."""

    config: ProviderConfig | None = None
    text: str = ""
    model: str = ""
    tokens_in: int = 0
    tokens_out: int = 0
    citations: tuple[Citation, ...] = ()
    cache_hit: bool = False
    attempts: list[str] = field(default_factory=list)
    error: ProviderError | None = None


class _Chat:
    """One chat request's state; `prepare` runs everything up to the model call."""

    def __init__(self, messages: tuple[ChatMessage, ...], options: ChatOptions, *, streamed: bool) -> None:
        self.started = time.perf_counter()
        self.options = options
        self.streamed = streamed
        self.settings: RouterSettings = router_settings()
        self.request_id = options.request_id or uuid.uuid4().hex
        self.messages = messages
        self.model_messages = messages
        self.max_tokens = options.max_tokens or self.settings.default_max_tokens
        self.guard: Guard | None = None
        self.context: GuardContext | None = None
        self.input_action: InputAction | None = None
        self.input_decision_id: uuid.UUID | None = None
        self.input_record: BoundInsert | None = None  # the guard's, written with the reservation
        self.personal_data = False
        self.decision: RoutingDecision | None = None
        self.configs: dict[str, ProviderConfig] = {}
        self.gates: dict[str, resilience.Gate] = {}
        self.reservation: Reservation = EMPTY_RESERVATION

    # --- before the model --------------------------------------------------------------------------------------

    def prepare(self) -> ChatResult | None:
        """Validate, limit, route, guard and reserve. Returns a finished result when the guard refused the input."""
        if not self.messages or not any(message.content.strip() for message in self.messages):
            raise EmptyConversation()
        configs = provider_configs()
        if self.options.provider:
            configs = [c for c in configs if c.name == self.options.provider]
            if not configs:
                raise UnknownProvider(extra={"provider": self.options.provider})
            if not adapters.secret_is_set(configs[0]):
                # The variable's name is configuration, not a secret; the value is never shown.
                raise ProviderSecretMissing(extra={"provider": configs[0].name})
        self.configs = {c.name: c for c in configs}
        self._check_rate_limits()

        facts = RequestFacts(
            prompt_tokens=adapters.estimate_prompt_tokens(self.messages),
            max_tokens=self.max_tokens,
            messages=self.messages,
        )
        callable_names = [config.name for config in configs if adapters.secret_is_set(config)]
        self.gates = resilience.breakers_allow(callable_names, open_seconds=self.settings.breaker_open_seconds)
        candidates = [self._candidate(config, self.gates.get(config.name, _UNKNOWN_GATE)) for config in configs]
        strategy = "fallback" if self.options.provider else (self.options.strategy or self.settings.strategy)
        self.decision = route(strategy, candidates, facts, rng=_rng)
        if not self.decision.order:
            if any("context window" in reason for reason in self.decision.reasons):
                needed = {"prompt_tokens": facts.prompt_tokens, "max_tokens": facts.max_tokens}
                raise ContextWindowExceeded(extra=needed)
            raise ProvidersUnavailable(extra={"reasons": list(self.decision.reasons)})

        refused = self._check_input()
        if refused is not None:
            return refused
        self._reserve(facts)
        return None

    def _candidate(self, config: ProviderConfig, gate: resilience.Gate) -> Candidate:
        if not adapters.secret_is_set(config):
            reason = f"secret {config.secret_env_var} not set"
            return Candidate(config=config, available=False, unavailable_reason=reason)
        return Candidate(
            config=config,
            available=gate.allowed,
            unavailable_reason=gate.reason,
            latency_ms=resilience.latency_average(config.name),
        )

    def _check_rate_limits(self) -> None:
        tokens = adapters.estimate_prompt_tokens(self.messages) + self.max_tokens
        checks = []
        if self.options.user_id is not None:
            subject = f"user:{self.options.user_id}"
            checks += [(f"{subject}:rpm", 1, self.settings.user_rpm)]
            checks += [(f"{subject}:tpm", tokens, self.settings.user_tpm)]
        if self.options.api_key_id is not None:
            subject = f"key:{self.options.api_key_id}"
            checks += [(f"{subject}:rpm", 1, self.settings.key_rpm), (f"{subject}:tpm", tokens, self.settings.key_tpm)]
        for key, amount, limit in checks:
            if not resilience.count_within(key, amount, limit):
                self._record(outcome="rate_limited", error_code=RateLimited.code)
                raise RateLimited(extra={"limit": key.rsplit(":", 1)[1], "retry_after_seconds": 60})

    def _check_input(self) -> ChatResult | None:
        if not self.options.governed:
            return None
        self.guard = registered_guard()
        if self.guard is None:
            if self.settings.require_guard:
                raise GuardMissing()
            logger.warning("ai_chat_unguarded", reason="no guard registered")
            return None
        assert self.decision is not None
        self.context = GuardContext(
            user_id=self.options.user_id,
            organisation_id=self.options.organisation_id,
            course_id=self.options.course_id,
            purpose=self.options.purpose,
            # Redaction must hold for every provider the request might fall back to, not only the first.
            provider_is_external=any(self.configs[name].is_external for name in self.decision.order),
            request_id=self.request_id,
        )
        verdict = self.guard.check_input(messages=self.messages, context=self.context)
        self.input_action = verdict.action
        self.input_decision_id = verdict.decision_id
        self.input_record = verdict.record
        if verdict.action == "refuse":
            usage_id = self._record(outcome="refused", violations=verdict.violations)
            return self._result(
                usage_id=usage_id,
                outcome="refused",
                text=verdict.reason,
                attempted=_Attempted(),
                output=None,
                violations=verdict.violations,
            )
        # The verdict's messages are what the model may see, whether allowed or redacted: the guard may add to
        # them (the constitution's disclosure instruction for external models) as well as redact them.
        self.model_messages = tuple(verdict.messages)
        if verdict.action == "redact" or "privacy" in verdict.violations:
            self.personal_data = True
        return None

    def _reserve(self, facts: RequestFacts) -> None:
        """Reserve the costliest fitting candidate's estimate; candidates over the remaining budget are dropped."""
        assert self.decision is not None
        options = self.options
        order = list(self.decision.order)
        estimates = [(name, estimated_cost(self.configs[name], facts)) for name in order]
        try:
            # The guard's input record goes in the reservation's statement: written whatever it answers.
            self.reservation, fitting, _ = budget_reserve_fitting(
                user_id=options.user_id,
                organisation_id=options.organisation_id,
                plan=options.plan,
                estimates=estimates,
                rows=self._unsent_input(),
            )
        except BudgetExceeded:
            self._record(outcome="budget_refused", error_code=BudgetExceeded.code)
            raise
        if list(fitting) != order:
            skipped = [name for name in order if name not in fitting]
            self.decision = RoutingDecision(
                strategy=self.decision.strategy,
                order=tuple(fitting),
                reasons=(*self.decision.reasons, f"over the remaining budget: {', '.join(skipped)}"),
                difficulty=self.decision.difficulty,
                difficulty_score=self.decision.difficulty_score,
            )

    # --- the model ---------------------------------------------------------------------------------------------

    def _request(self, config: ProviderConfig) -> ProviderRequest:
        timeout_ms = config.timeout_ms
        if self.decision is not None and self.decision.strategy == "difficulty":
            from azora.ai_routing.strategies import tier_of

            timeout_ms = min(timeout_ms, self.settings.tier_latency_ms.get(tier_of(config), timeout_ms))
        return ProviderRequest(
            model=config.model,
            messages=self.model_messages,
            max_tokens=self.max_tokens,
            temperature=self.options.temperature,
            timeout_seconds=timeout_ms / 1000,
            course_id=self.options.course_id,
            user_id=self.options.user_id,
        )

    def _provider_limits_allow(self, config: ProviderConfig) -> bool:
        tokens = adapters.estimate_prompt_tokens(self.model_messages) + self.max_tokens
        return resilience.count_within(
            f"provider:{config.name}:rpm", 1, config.requests_per_minute
        ) and resilience.count_within(f"provider:{config.name}:tpm", tokens, config.tokens_per_minute)

    def _cache_key(self, config: ProviderConfig) -> str | None:
        # The offline provider's answer depends on which lessons the caller may read, and costs nothing: never cached.
        if not self.options.cacheable or self.personal_data or config.kind == "local":
            return None
        return cache_key(
            provider=config.name,
            model=config.model,
            messages=self.model_messages,
            max_tokens=self.max_tokens,
            temperature=self.options.temperature,
        )

    def _failed(self, config: ProviderConfig, error: ProviderError, attempted: _Attempted) -> None:
        attempted.attempts.append(f"{config.name}:{error.kind}")
        attempted.error = error
        AI_ATTEMPT_FAILURES.labels(provider=config.name, kind=error.kind).inc()
        state = resilience.breaker_failure(config.name, failures_to_open=self.settings.breaker_failures)
        # This chat counted a failure: a later success of the same provider (a retry) must read and reset it.
        self.gates[config.name] = self.gates.get(config.name, _UNKNOWN_GATE)._replace(clean=False)
        if state == "open":
            AI_BREAKER_OPENED.labels(provider=config.name).inc()
        logger.warning("ai_provider_attempt_failed", provider=config.name, kind=error.kind, status=error.status)

    def _succeeded(self, config: ProviderConfig, started: float) -> None:
        clean = self.gates.get(config.name, _UNKNOWN_GATE).clean
        resilience.breaker_success(config.name, successes_to_close=self.settings.breaker_successes, clean=clean)
        resilience.latency_observe(config.name, (time.perf_counter() - started) * 1000)

    def call_whole(self) -> _Attempted:
        """Try the providers in order; retry a retryable failure with backoff; the first answer wins."""
        assert self.decision is not None
        attempted = _Attempted()
        for name in self.decision.order:
            config = self.configs[name]
            key = self._cache_key(config)
            if key is not None:
                cached = cache_get(key)
                AI_CACHE.labels(result="hit" if cached else "miss").inc()
                if cached is not None:
                    attempted.attempts.append(f"{name}:cache_hit")
                    attempted.config, attempted.text, attempted.model = config, cached.text, cached.model
                    attempted.citations, attempted.cache_hit = cached.citations, True
                    return attempted
            if not self._provider_limits_allow(config):
                attempted.attempts.append(f"{name}:provider_rate_limited")
                continue
            provider = adapters.build_provider(config)
            for retry in range(self.settings.retries + 1):
                started = time.perf_counter()
                try:
                    completion = provider.complete(self._request(config))
                except ProviderError as error:
                    self._failed(config, error, attempted)
                    if error.retryable and retry < self.settings.retries:
                        sleep(self.settings.retry_backoff_ms * (2**retry) * (0.5 + _rng.random()) / 1000)
                        continue
                    break
                self._succeeded(config, started)
                attempted.attempts.append(f"{name}:ok")
                attempted.config, attempted.text, attempted.model = config, completion.text, completion.model
                attempted.tokens_in, attempted.tokens_out = completion.tokens_in, completion.tokens_out
                attempted.citations = completion.citations
                return attempted
        return attempted

    def _open_stream(self, provider: ChatProvider, config: ProviderConfig) -> Iterator[adapters.StreamEvent]:
        return iter(provider.stream(self._request(config)))

    # --- after the model ---------------------------------------------------------------------------------------

    def _cost(self, attempted: _Attempted) -> int:
        if attempted.config is None or attempted.cache_hit:
            return 0
        return attempted.config.cost_micros(attempted.tokens_in, attempted.tokens_out)

    def finish(
        self,
        *,
        attempted: _Attempted,
        outcome: str,
        text: str,
        output_action: OutputAction | None,
        output_decision_id: uuid.UUID | None,
        output_record: BoundInsert | None = None,
        violations: tuple[str, ...] = (),
        error_code: str = "",
    ) -> ChatResult:
        cost = self._cost(attempted)
        usage = self._usage_row(
            outcome=outcome,
            attempted=attempted,
            cost_micros=cost,
            error_code=error_code,
            output_action=output_action,
            output_decision_id=output_decision_id,
            violations=violations,
        )
        # The guard's output record and the usage record go in the settlement's statement (docs/ai-routing.md,
        # "Performance").
        budget_settle(
            reservation=self.reservation,
            cost_micros=cost,
            alert_percents=self.settings.alert_percents,
            rows=(output_record, usage) if output_record is not None else (usage,),
        )
        usage_id: uuid.UUID = usage.pk
        AI_REQUESTS.labels(provider=attempted.config.name if attempted.config else "none", outcome=outcome).inc()
        provider = attempted.config.name if attempted.config else ""
        if attempted.config is not None:
            AI_TOKENS.labels(provider=provider, direction="in").inc(attempted.tokens_in)
            AI_TOKENS.labels(provider=provider, direction="out").inc(attempted.tokens_out)
            AI_COST.labels(provider=provider, currency=self.settings.currency).inc(cost)
            AI_LATENCY.labels(provider=provider).observe(time.perf_counter() - self.started)
        return self._result(
            usage_id=usage_id,
            outcome=outcome,
            text=text,
            attempted=attempted,
            output=(output_action, output_decision_id),
            cost=cost,
            violations=violations,
        )

    def _record(self, *, outcome: str, error_code: str = "", violations: tuple[str, ...] = ()) -> uuid.UUID:
        """Records a chat that ended before any model call (refused, over a limit or a budget), with the guard's
        input record when it is not written yet (a refused input)."""
        usage = self._usage_row(outcome=outcome, error_code=error_code, violations=violations)
        insert_all(connection, (*self._unsent_input(), usage))
        AI_REQUESTS.labels(provider="none", outcome=outcome).inc()
        usage_id: uuid.UUID = usage.pk
        return usage_id

    def _unsent_input(self) -> tuple[BoundInsert, ...]:
        """The guard's input record, once: whoever takes it writes it."""
        record, self.input_record = self.input_record, None
        return (record,) if record is not None else ()

    def _usage_row(
        self,
        *,
        outcome: str,
        attempted: _Attempted | None = None,
        cost_micros: int = 0,
        error_code: str = "",
        output_action: str | None = None,
        output_decision_id: uuid.UUID | None = None,
        violations: tuple[str, ...] = (),
    ) -> BoundInsert:
        attempted = attempted or _Attempted()
        decision = self.decision
        config = attempted.config
        provider = config.name if config else ""
        # One prepared INSERT, not the ORM's create: every chat writes one (docs/decisions/0024).
        return _INSERT_USAGE.bind(
            connection,
            user_id=self.options.user_id,
            organisation_id=self.options.organisation_id,
            api_key_id=self.options.api_key_id,
            plan=self.options.plan,
            purpose=self.options.purpose[:32],
            request_id=self.request_id[:64],
            provider=provider,
            model=(attempted.model or config.model) if config else "",
            tokens_in=attempted.tokens_in,
            tokens_out=attempted.tokens_out,
            cost_micros=cost_micros,
            currency=self.settings.currency,
            latency_ms=int((time.perf_counter() - self.started) * 1000),
            outcome=outcome,
            error_code=error_code,
            cache_hit=attempted.cache_hit,
            streamed=self.streamed,
            strategy=decision.strategy if decision else "",
            decision=(
                {
                    "strategy": decision.strategy,
                    "order": list(decision.order),
                    "reasons": list(decision.reasons),
                    "difficulty": decision.difficulty,
                    "difficulty_score": decision.difficulty_score,
                    "violations": list(violations),
                }
                if decision
                else {}
            ),
            attempts=list(attempted.attempts),
            input_decision_id=self.input_decision_id,
            output_decision_id=output_decision_id,
            input_action=self.input_action or "",
            output_action=output_action or "",
        )

    def _result(
        self,
        *,
        usage_id: uuid.UUID | None,
        outcome: str,
        text: str,
        attempted: _Attempted,
        output: tuple[OutputAction | None, uuid.UUID | None] | None,
        cost: int = 0,
        violations: tuple[str, ...] = (),
    ) -> ChatResult:
        config = attempted.config
        output_action, output_decision_id = output or (None, None)
        return ChatResult(
            usage_id=usage_id,
            outcome=outcome,  # type: ignore[arg-type]  # one of public.Outcome, checked by the callers above
            text=text,
            provider=config.name if config else "",
            model=(attempted.model or config.model) if config else "",
            tokens_in=attempted.tokens_in,
            tokens_out=attempted.tokens_out,
            cost_micros=cost,
            currency=self.settings.currency,
            latency_ms=int((time.perf_counter() - self.started) * 1000),
            cache_hit=attempted.cache_hit,
            decision=self.decision,
            input_action=self.input_action,
            output_action=output_action,
            input_decision_id=self.input_decision_id,
            output_decision_id=output_decision_id,
            violations=violations,
            citations=attempted.citations,
            attempts=tuple(attempted.attempts),
        )

    def output_filter(self) -> OutputFilter | None:
        if self.guard is None or self.context is None:
            return None
        return self.guard.output_filter(messages=self.model_messages, context=self.context)


def chat_complete(*, messages: tuple[ChatMessage, ...], options: ChatOptions) -> ChatResult:
    chat = _Chat(messages, options, streamed=False)
    refused = chat.prepare()
    if refused is not None:
        return refused
    try:
        attempted = chat.call_whole()
    except BaseException:
        chat.finish(
            attempted=_Attempted(),
            outcome="error",
            text="",
            output_action=None,
            output_decision_id=None,
            error_code="ai_internal_error",
        )
        raise
    if attempted.config is None:
        chat.finish(
            attempted=attempted,
            outcome="error",
            text="",
            output_action=None,
            output_decision_id=None,
            error_code=ProvidersUnavailable.code,
        )
        kinds = {a.rsplit(":", 1)[1] for a in attempted.attempts}
        if kinds == {"context_window"}:
            raise ContextWindowExceeded(extra={"attempts": attempted.attempts})
        raise ProvidersUnavailable(extra={"attempts": attempted.attempts})
    output_filter = chat.output_filter()
    text = attempted.text
    output_action: OutputAction | None = None
    output_decision_id: uuid.UUID | None = None
    output_record: BoundInsert | None = None
    violations: tuple[str, ...] = ()
    if output_filter is not None:
        sent = output_filter.feed(attempted.text)
        verdict = output_filter.finish()
        text = sent + verdict.tail
        output_action, output_decision_id, violations = verdict.action, verdict.decision_id, verdict.violations
        output_record = verdict.record
    key = chat._cache_key(attempted.config)
    if key is not None and not attempted.cache_hit and output_action in (None, "allow"):
        cache_put(
            key,
            CachedAnswer(
                attempted.text, attempted.model, attempted.tokens_in, attempted.tokens_out, attempted.citations
            ),
            ttl_seconds=chat.settings.cache_ttl_seconds,
            max_entries=chat.settings.cache_max_entries,
            max_characters=chat.settings.cache_max_characters,
        )
    return chat.finish(
        attempted=attempted,
        outcome="ok",
        text=text,
        output_action=output_action,
        output_decision_id=output_decision_id,
        output_record=output_record,
        violations=violations,
    )


def chat_streamed(*, messages: tuple[ChatMessage, ...], options: ChatOptions) -> ChatStream:
    chat = _Chat(messages, options, streamed=True)
    refused = chat.prepare()
    if refused is not None:
        finished = refused

        def refusal() -> Iterator[str]:
            if finished.text:
                yield finished.text

        stream = ChatStream(refusal())
        stream.result = finished
        return stream
    holder: list[ChatStream] = []
    chunks = _stream_chunks(chat, holder)
    stream = ChatStream(chunks)
    holder.append(stream)
    # Run up to the first chunk now, so that "no provider could answer" is an error at the call, not a stream.
    first = next(chunks, None)
    if first is None:
        result = stream.result
        if result is not None and result.outcome == "error" and not result.provider:
            kinds = {attempt.rsplit(":", 1)[1] for attempt in result.attempts}
            if kinds == {"context_window"}:
                raise ContextWindowExceeded(extra={"attempts": list(result.attempts)})
            raise ProvidersUnavailable(extra={"attempts": list(result.attempts)})
        primed = ChatStream(iter(()))
    else:
        primed = ChatStream(_primed(first, chunks))
    primed.result = stream.result
    holder[0] = primed
    return primed


def _primed(first: str, chunks: Generator[str]) -> Iterator[str]:
    """`first`, then the rest; closing it closes the underlying stream (which then settles and records)."""
    try:
        yield first
        yield from chunks
    finally:
        chunks.close()


def _stream_chunks(chat: _Chat, holder: list[ChatStream]) -> Generator[str]:
    """Fallback is possible until the first chunk reaches the caller; after that a failure ends the stream."""
    assert chat.decision is not None
    attempted = _Attempted()
    sent_parts: list[str] = []
    raw_parts: list[str] = []
    output_filter: OutputFilter | None = None
    verdict: OutputVerdict | None = None
    outcome, error_code = "error", ProvidersUnavailable.code
    finished = False
    current: ProviderConfig | None = None  # the provider being read
    try:
        for name in chat.decision.order:
            config = chat.configs[name]
            key = chat._cache_key(config)
            if key is not None:
                cached = cache_get(key)
                AI_CACHE.labels(result="hit" if cached else "miss").inc()
                if cached is not None:
                    attempted.attempts.append(f"{name}:cache_hit")
                    attempted.config, attempted.model, attempted.citations = config, cached.model, cached.citations
                    attempted.cache_hit = True
                    output_filter = chat.output_filter()
                    raw_parts = [cached.text]
                    chunk = output_filter.feed(cached.text) if output_filter else cached.text
                    if chunk:
                        sent_parts.append(chunk)
                        yield chunk
                    outcome, error_code = "ok", ""
                    break
            if not chat._provider_limits_allow(config):
                attempted.attempts.append(f"{name}:provider_rate_limited")
                continue
            provider = adapters.build_provider(config)
            output_filter = chat.output_filter()
            raw_parts = []
            current = config
            started = time.perf_counter()
            end: StreamEnd | None = None
            try:
                for event in chat._open_stream(provider, config):
                    if isinstance(event, StreamDelta):
                        raw_parts.append(event.text)
                        chunk = output_filter.feed(event.text) if output_filter else event.text
                        if chunk:
                            sent_parts.append(chunk)
                            yield chunk
                        if output_filter is not None and getattr(output_filter, "stopped", False):
                            break  # the guard refused mid-stream: read no more of the model's text
                    elif isinstance(event, StreamEnd):
                        end = event
            except ProviderError as error:
                chat._failed(config, error, attempted)
                if sent_parts:
                    attempted.config, attempted.model = config, config.model
                    outcome, error_code = "error", "ai_stream_interrupted"
                    break
                continue  # nothing reached the caller yet: the next provider may answer
            chat._succeeded(config, started)
            attempted.attempts.append(f"{name}:ok")
            attempted.config = config
            attempted.model = end.model if end else config.model
            attempted.citations = end.citations if end else ()
            raw = "".join(raw_parts)
            reported_in = end.tokens_in if end else None
            reported_out = end.tokens_out if end else None
            attempted.tokens_in = (
                reported_in if reported_in is not None else adapters.estimate_prompt_tokens(chat.model_messages)
            )
            attempted.tokens_out = reported_out if reported_out is not None else adapters.estimate_tokens(raw)
            outcome, error_code = "ok", ""
            break
        if attempted.config is not None and outcome == "error":
            # Interrupted mid-stream: charge what the provider produced (it reported no usage).
            attempted.tokens_in = adapters.estimate_prompt_tokens(chat.model_messages)
            attempted.tokens_out = adapters.estimate_tokens("".join(raw_parts))
        verdict = output_filter.finish() if output_filter is not None and attempted.config is not None else None
        if verdict is not None and verdict.tail:
            sent_parts.append(verdict.tail)
            yield verdict.tail
        result = chat.finish(
            attempted=attempted,
            outcome=outcome,
            text="".join(sent_parts),
            output_action=verdict.action if verdict else None,
            output_decision_id=verdict.decision_id if verdict else None,
            output_record=verdict.record if verdict else None,
            violations=verdict.violations if verdict else (),
            error_code=error_code,
        )
        finished = True
        key = chat._cache_key(attempted.config) if attempted.config else None
        allowed = verdict is None or verdict.action == "allow"
        if key is not None and outcome == "ok" and not attempted.cache_hit and allowed:
            cache_put(
                key,
                CachedAnswer(
                    "".join(raw_parts), attempted.model, attempted.tokens_in, attempted.tokens_out, attempted.citations
                ),
                ttl_seconds=chat.settings.cache_ttl_seconds,
                max_entries=chat.settings.cache_max_entries,
                max_characters=chat.settings.cache_max_characters,
            )
        holder[0].result = result
    finally:
        if not finished:
            # The caller stopped reading (or something broke): settle what was used and record it.
            if attempted.config is None and current is not None and raw_parts:
                attempted.config, attempted.model = current, current.model
            if attempted.config is not None and not attempted.tokens_out:
                attempted.tokens_in = adapters.estimate_prompt_tokens(chat.model_messages)
                attempted.tokens_out = adapters.estimate_tokens("".join(raw_parts))
            holder[0].result = chat.finish(
                attempted=attempted,
                outcome="error",
                text="".join(sent_parts),
                # The caller may stop reading at the verdict's tail, its record not written yet.
                output_action=verdict.action if verdict else None,
                output_decision_id=verdict.decision_id if verdict else None,
                output_record=verdict.record if verdict else None,
                error_code="ai_stream_cancelled" if sent_parts else error_code,
            )
