"""The chat service end to end against local provider servers: routing, fallback, guards, budgets, usage, cache."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import override_settings

from azora.ai_routing import public, resilience
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
from azora.ai_routing.models import Budget, BudgetPeriod, BudgetReservation, Provider, Usage
from azora.ai_routing.public import ChatMessage, ChatOptions, chat, chat_stream
from azora.ai_routing.services.budgets import budget_put, month_of
from azora.ai_routing.tests.conftest import OPENAI_KEY, ScriptedGuard
from azora.ai_routing.tests.servers import (
    ANSWER,
    COMPLETION_TOKENS,
    PROMPT_TOKENS,
    AnthropicServer,
    Behaviour,
    OpenAIServer,
)
from azora.shared.models import OutboxEvent

pytestmark = pytest.mark.django_db
USER = uuid.UUID("0190a000-0000-7000-8000-000000000001")
QUESTION = (ChatMessage("user", "What is photosynthesis?"),)
# Cost at the test prices (1 micro-unit per token in, 2 per token out) of the servers' fixed usage.
ANSWER_COST = PROMPT_TOKENS * 1 + COMPLETION_TOKENS * 2


def ask(messages: tuple[ChatMessage, ...] = QUESTION, **options: Any) -> public.ChatResult:
    options.setdefault("user_id", USER)
    return chat(messages=messages, options=ChatOptions(**options))


def only_usage() -> Usage:
    rows = list(Usage.objects.all())
    assert len(rows) == 1, rows
    return rows[0]


def test_the_local_provider_answers_out_of_the_box_and_says_it_is_offline() -> None:
    result = ask()
    assert (result.outcome, result.provider, result.cost_micros) == ("ok", "local", 0)
    assert "offline assistant" in result.text
    usage = only_usage()
    assert (usage.provider, usage.outcome, usage.cost_micros, usage.user_id) == ("local", "ok", 0, USER)
    assert usage.attempts == ["local:ok"]
    assert usage.decision["order"] == ["local"]


def test_a_configured_provider_answers_with_exact_usage_and_cost(openai_provider: Provider) -> None:
    result = ask()
    assert (result.text, result.provider, result.model) == (ANSWER, "openai", "gpt-test")
    assert (result.tokens_in, result.tokens_out, result.cost_micros) == (PROMPT_TOKENS, COMPLETION_TOKENS, ANSWER_COST)
    usage = only_usage()
    assert (usage.tokens_in, usage.tokens_out, usage.cost_micros, usage.currency) == (
        PROMPT_TOKENS,
        COMPLETION_TOKENS,
        ANSWER_COST,
        "USD",
    )
    assert (usage.strategy, usage.decision["order"], usage.attempts) == ("fallback", ["openai", "local"], ["openai:ok"])
    assert OPENAI_KEY not in str(usage.decision) + str(usage.attempts)


def test_a_server_error_is_retried_once_then_falls_back_and_counts_on_the_breaker(
    openai_provider: Provider, openai_server: OpenAIServer
) -> None:
    openai_server.script.default = Behaviour(kind="server_error")
    result = ask()
    assert result.provider == "local"
    assert result.attempts == ("openai:server", "openai:server", "local:ok")
    assert len(openai_server.script.received) == 2
    assert resilience.breaker_status("openai").failures == 2
    assert only_usage().attempts == ["openai:server", "openai:server", "local:ok"]


def test_a_retry_that_succeeds_resets_the_failure_its_chat_counted(
    openai_provider: Provider, openai_server: OpenAIServer
) -> None:
    openai_server.script.queue.append(Behaviour(kind="server_error"))
    result = ask()
    assert result.provider == "openai"
    assert result.attempts == ("openai:server", "openai:ok")
    assert resilience.breaker_status("openai") == resilience.BreakerStatus("closed", 0, 0, None)


def test_malformed_json_is_not_retried_and_falls_back(openai_provider: Provider, openai_server: OpenAIServer) -> None:
    openai_server.script.queue.append(Behaviour(kind="malformed"))
    result = ask()
    assert (result.provider, result.attempts) == ("local", ("openai:malformed", "local:ok"))
    assert len(openai_server.script.received) == 1


def test_the_breaker_opens_after_five_failures_and_the_provider_is_skipped(
    openai_provider: Provider, openai_server: OpenAIServer
) -> None:
    openai_server.script.default = Behaviour(kind="unauthorised")  # not retried: one failure per chat
    for _ in range(5):
        ask()
    assert resilience.breaker_status("openai").state == "open"
    received = len(openai_server.script.received)
    result = ask()
    assert result.provider == "local"
    assert len(openai_server.script.received) == received
    assert "openai: skipped (circuit open)" in result.decision.reasons  # type: ignore[union-attr]


def test_a_provider_over_its_context_window_is_skipped_and_an_overflow_error_falls_back(
    openai_provider: Provider, openai_server: OpenAIServer
) -> None:
    Provider.objects.filter(name="openai").update(context_window=100)
    result = ask(max_tokens=200)
    assert result.provider == "local"
    assert "openai: skipped (needs 210 tokens, context window 100)" in result.decision.reasons  # type: ignore[union-attr]
    Provider.objects.filter(name="openai").update(context_window=8192)
    openai_server.script.queue.append(Behaviour(kind="context_window"))
    assert ask().attempts == ("openai:context_window", "local:ok")


def test_a_request_over_every_context_window_is_a_clear_error_and_records_nothing() -> None:
    with pytest.raises(ContextWindowExceeded):
        ask((ChatMessage("user", "word " * 40_000),))
    assert Usage.objects.count() == 0


@pytest.mark.parametrize("messages", [(), (ChatMessage("user", "   "),)])
def test_an_empty_conversation_is_refused_and_records_nothing(messages: tuple[ChatMessage, ...]) -> None:
    with pytest.raises(EmptyConversation):
        ask(messages)
    assert Usage.objects.count() == 0


def test_an_unknown_provider_is_refused_and_records_nothing() -> None:
    with pytest.raises(UnknownProvider):
        ask(provider="nope")
    assert Usage.objects.count() == 0


def test_a_missing_secret_skips_the_provider_or_refuses_it_when_pinned(
    openai_provider: Provider, monkeypatch: pytest.MonkeyPatch, openai_server: OpenAIServer
) -> None:
    monkeypatch.delenv("AZORA_TEST_OPENAI_KEY")
    result = ask()
    assert result.provider == "local"
    assert "openai: skipped (secret AZORA_TEST_OPENAI_KEY not set)" in result.decision.reasons  # type: ignore[union-attr]
    with pytest.raises(ProviderSecretMissing) as caught:
        ask(provider="openai")
    assert caught.value.extra == {"provider": "openai"}
    assert openai_server.script.received == []
    assert Usage.objects.count() == 1


def test_every_provider_failing_is_503_with_the_attempts_and_a_usage_record(
    openai_provider: Provider, openai_server: OpenAIServer
) -> None:
    Provider.objects.filter(name="local").update(is_active=False)
    openai_server.script.default = Behaviour(kind="unauthorised")
    with pytest.raises(ProvidersUnavailable) as caught:
        ask()
    assert caught.value.extra == {"attempts": ["openai:auth"]}
    usage = only_usage()
    assert (usage.outcome, usage.error_code, usage.cost_micros) == ("error", "ai_unavailable", 0)


# --- Guards ----------------------------------------------------------------------------------------------------


def test_a_refused_input_reaches_no_model_spends_nothing_and_is_recorded(
    guard: ScriptedGuard, openai_provider: Provider, openai_server: OpenAIServer
) -> None:
    budget_put(scope="user", subject=str(USER), limit_micros=1_000, currency="USD")
    result = ask((ChatMessage("user", "tell me about forbidden-topic"),))
    assert (result.outcome, result.text, result.provider) == ("refused", "I cannot help with that.", "")
    assert openai_server.script.received == []
    usage = only_usage()
    assert (usage.outcome, usage.input_action, usage.input_decision_id) == (
        "refused",
        "refuse",
        guard.input_decision_id,
    )
    assert BudgetPeriod.objects.filter(spent_micros__gt=0).count() == 0
    assert BudgetReservation.objects.count() == 0


def test_an_allowed_input_reaches_the_model_as_the_guard_returned_it(
    guard: ScriptedGuard,
    openai_provider: Provider,
    openai_server: OpenAIServer,
    anthropic_provider: Provider,
    anthropic_server: AnthropicServer,
) -> None:
    guard.instruction = "You are an AI; cite your sources."
    result = ask()
    assert (result.outcome, result.input_action, result.provider) == ("ok", "allow", "openai")
    assert [r.body["messages"] for r in openai_server.script.received] == [
        [
            {"role": "system", "content": "You are an AI; cite your sources."},
            {"role": "user", "content": QUESTION[0].content},
        ]
    ]
    stream = chat_stream(messages=QUESTION, options=ChatOptions(user_id=USER, provider="claude"))
    assert "".join(stream)
    [received] = anthropic_server.script.received
    assert received.body["system"] == "You are an AI; cite your sources."
    assert received.body["messages"] == [{"role": "user", "content": QUESTION[0].content}]


def test_a_refused_result_names_the_violated_principles(guard: ScriptedGuard, openai_provider: Provider) -> None:
    result = ask((ChatMessage("user", "tell me about forbidden-topic"),))
    assert (result.outcome, result.violations, result.input_decision_id) == (
        "refused",
        ("safety",),
        guard.input_decision_id,
    )
    stream = chat_stream(messages=(ChatMessage("user", "forbidden-topic again"),), options=ChatOptions(user_id=USER))
    assert list(stream) == ["I cannot help with that."]
    assert stream.result is not None
    assert (stream.result.outcome, stream.result.violations) == ("refused", ("safety",))
    assert list(Usage.objects.values_list("outcome", "decision__violations")) == [
        ("refused", ["safety"]),
        ("refused", ["safety"]),
    ]


def test_redacted_input_is_what_the_model_sees_and_is_never_cached(
    guard: ScriptedGuard, openai_provider: Provider, openai_server: OpenAIServer
) -> None:
    messages = (ChatMessage("user", "Email secret@example.com the notes"),)
    ask(messages, cacheable=True)
    ask(messages, cacheable=True)
    assert [r.body["messages"][0]["content"] for r in openai_server.script.received] == [
        "Email [email] the notes",
        "Email [email] the notes",
    ]
    assert guard.contexts[0].provider_is_external is True
    assert list(Usage.objects.values_list("cache_hit", "input_action").order_by("created_at")) == [
        (False, "redact"),
        (False, "redact"),
    ]


def test_the_output_filter_holds_back_a_violating_sentence(guard: ScriptedGuard, openai_provider: Provider) -> None:
    guard.blocked_output = "chemical energy"
    result = ask()
    assert result.text == "Plants store it as sugar."
    assert (result.output_action, result.output_decision_id) == ("redact", guard.output_decision_id)
    usage = only_usage()
    assert (usage.output_action, usage.output_decision_id) == ("redact", guard.output_decision_id)


def test_the_output_filter_runs_on_the_stream_and_a_refusal_stops_it(
    guard: ScriptedGuard, openai_provider: Provider, anthropic_provider: Provider
) -> None:
    guard.blocked_output = "chemical energy"
    guard.refuse_output = True
    stream = chat_stream(messages=QUESTION, options=ChatOptions(user_id=USER, provider="claude"))
    chunks = list(stream)
    assert "".join(chunks) == "[withheld]"
    assert stream.result is not None
    assert (stream.result.outcome, stream.result.output_action) == ("ok", "refuse")


@override_settings(AZORA_AI_REQUIRE_GUARD=True)
def test_a_governed_chat_without_a_guard_refuses_to_run_where_one_is_required() -> None:
    with pytest.raises(GuardMissing):
        ask()
    assert Usage.objects.count() == 0
    result = chat(messages=QUESTION, options=ChatOptions(governed=False, purpose="critique"))
    assert result.outcome == "ok"


# --- Streaming -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("provider", ["openai", "claude", "local"])
def test_streaming_delivers_the_whole_answer_with_real_usage(
    provider: str, openai_provider: Provider, anthropic_provider: Provider
) -> None:
    stream = chat_stream(messages=QUESTION, options=ChatOptions(user_id=USER, provider=provider))
    text = "".join(stream)
    assert stream.result is not None
    assert stream.result.text == text
    usage = only_usage()
    assert (usage.outcome, usage.streamed, usage.provider) == ("ok", True, provider)
    if provider != "local":
        assert text == ANSWER
        assert (usage.tokens_in, usage.tokens_out, usage.cost_micros) == (
            PROMPT_TOKENS,
            COMPLETION_TOKENS,
            ANSWER_COST,
        )


@pytest.mark.parametrize("provider", ["openai", "claude"])
def test_an_error_mid_stream_ends_the_stream_and_settles_what_was_used(
    provider: str,
    openai_provider: Provider,
    anthropic_provider: Provider,
    openai_server: OpenAIServer,
    anthropic_server: AnthropicServer,
) -> None:
    budget_put(scope="user", subject=str(USER), limit_micros=1_000_000, currency="USD")
    server = openai_server if provider == "openai" else anthropic_server
    server.script.queue.append(Behaviour(kind="error_mid_stream"))
    if provider == "claude":
        Provider.objects.filter(name="openai").update(is_active=False)
    stream = chat_stream(messages=QUESTION, options=ChatOptions(user_id=USER))
    text = "".join(stream)
    words = ANSWER.split(" ")
    assert text == " ".join(words[: len(words) // 2]) + " "
    assert stream.result is not None
    assert stream.result.outcome == "error"
    usage = only_usage()
    # No usage is reported by an interrupted stream: tokens are estimated (4 characters a token).
    expected_in, expected_out = 10, (len(text) + 3) // 4
    assert (usage.outcome, usage.error_code, usage.tokens_in, usage.tokens_out) == (
        "error",
        "ai_stream_interrupted",
        expected_in,
        expected_out,
    )
    assert usage.cost_micros == expected_in * 1 + expected_out * 2
    period = BudgetPeriod.objects.get()
    assert (period.spent_micros, period.reserved_micros) == (usage.cost_micros, 0)
    assert resilience.breaker_status(provider).failures == 1


def test_a_stream_falls_back_while_nothing_was_sent(openai_provider: Provider, openai_server: OpenAIServer) -> None:
    openai_server.script.queue.append(Behaviour(kind="server_error"))
    stream = chat_stream(messages=QUESTION, options=ChatOptions(user_id=USER))
    assert "offline assistant" in "".join(stream)
    assert stream.result is not None
    assert stream.result.attempts == ("openai:server", "local:ok")


# --- Budgets ---------------------------------------------------------------------------------------------------


def test_cost_is_reserved_then_settled_from_real_usage(openai_provider: Provider) -> None:
    budget = budget_put(scope="user", subject=str(USER), limit_micros=10_000, currency="USD")
    ask(max_tokens=100)
    period = BudgetPeriod.objects.get(budget=budget)
    assert (period.spent_micros, period.reserved_micros, period.month) == (ANSWER_COST, 0, month_of(period.created_at))
    assert BudgetReservation.objects.count() == 0


def test_an_exhausted_budget_mid_month_refuses_paid_providers_but_the_free_offline_one_answers(
    openai_provider: Provider, openai_server: OpenAIServer
) -> None:
    budget = budget_put(scope="user", subject=str(USER), limit_micros=1_000, currency="USD")
    BudgetPeriod.objects.create(budget=budget, month=month_of(budget.created_at), spent_micros=990)
    result = ask(max_tokens=100)
    assert result.provider == "local"
    assert "over the remaining budget: openai" in result.decision.reasons  # type: ignore[union-attr]
    assert openai_server.script.received == []
    assert BudgetPeriod.objects.get().spent_micros == 990


def test_an_exhausted_budget_with_no_free_fallback_is_refused_and_recorded(
    openai_provider: Provider, openai_server: OpenAIServer
) -> None:
    Provider.objects.filter(name="local").update(is_active=False)
    budget = budget_put(scope="organisation", subject=str(USER), limit_micros=1_000, currency="USD")
    BudgetPeriod.objects.create(budget=budget, month=month_of(budget.created_at), spent_micros=990)
    with pytest.raises(BudgetExceeded):
        ask(max_tokens=100, organisation_id=USER)
    assert openai_server.script.received == []
    usage = only_usage()
    assert (usage.outcome, usage.cost_micros, usage.error_code) == ("budget_refused", 0, "ai_budget_exceeded")
    period = BudgetPeriod.objects.get()
    assert (period.spent_micros, period.reserved_micros) == (990, 0)


def test_alerts_are_published_once_at_75_and_90_percent(openai_provider: Provider) -> None:
    budget = budget_put(scope="plan", subject="pro", limit_micros=100, currency="USD")
    BudgetPeriod.objects.create(budget=budget, month=month_of(budget.created_at), spent_micros=20)
    ask(plan="pro", max_tokens=16)  # 20 + 49 = 69%: no alert
    assert OutboxEvent.objects.filter(event_type="ai_routing.budget_threshold_reached").count() == 0
    Provider.objects.filter(name="openai").update(input_price_micros_per_million=0, output_price_micros_per_million=0)
    BudgetPeriod.objects.filter(budget=budget).update(spent_micros=91)
    ask(plan="pro", max_tokens=16)
    events = OutboxEvent.objects.filter(event_type="ai_routing.budget_threshold_reached").order_by("occurred_at")
    assert [e.payload["percent"] for e in events] == [75, 90]
    ask(plan="pro", max_tokens=16)
    assert OutboxEvent.objects.filter(event_type="ai_routing.budget_threshold_reached").count() == 2
    assert BudgetPeriod.objects.get().alerted_percent == 90


# --- Limits and cache ------------------------------------------------------------------------------------------


@override_settings(AZORA_AI_USER_RPM=2)
def test_requests_per_minute_per_user() -> None:
    ask()
    ask()
    with pytest.raises(RateLimited):
        ask()
    assert list(Usage.objects.values_list("outcome", flat=True).order_by("created_at")) == ["ok", "ok", "rate_limited"]


@override_settings(AZORA_AI_KEY_TPM=1500)
def test_tokens_per_minute_per_api_key() -> None:
    key = uuid.uuid4()
    ask(api_key_id=key, max_tokens=1000)
    with pytest.raises(RateLimited) as caught:
        ask(api_key_id=key, max_tokens=1000)
    assert caught.value.extra["limit"] == "tpm"


def test_a_cacheable_request_is_answered_from_the_cache_the_second_time(
    openai_provider: Provider, openai_server: OpenAIServer
) -> None:
    first = ask(cacheable=True)
    second = ask(cacheable=True)
    assert first.text == second.text == ANSWER
    assert len(openai_server.script.received) == 1
    assert (second.cache_hit, second.cost_micros, second.tokens_in) == (True, 0, 0)
    ask()  # not marked cacheable: always asks the model
    assert len(openai_server.script.received) == 2
    assert list(Usage.objects.values_list("cache_hit", flat=True).order_by("created_at")) == [False, True, False]


def test_budget_row_count_is_unchanged_by_a_chat_without_budgets(openai_provider: Provider) -> None:
    ask()
    assert (Budget.objects.count(), BudgetPeriod.objects.count()) == (0, 0)


def test_a_reservation_left_by_a_dead_call_is_released_by_the_job() -> None:
    from datetime import timedelta

    from django.utils import timezone

    from azora.ai_routing.services.budgets import budget_reserve_fitting, reservations_release_stale

    budget_put(scope="user", subject=str(USER), limit_micros=1_000, currency="USD")
    reservation, fitting, headroom = budget_reserve_fitting(
        user_id=USER, organisation_id=None, plan="", estimates=[("a", 300), ("b", 2_000), ("c", 100)]
    )
    assert (reservation.amount_micros, fitting, headroom) == (300, ("a", "c"), 1_000)
    assert BudgetPeriod.objects.get().reserved_micros == 300
    assert reservations_release_stale(older_than=timezone.now() - timedelta(minutes=15)) == 0
    assert reservations_release_stale(older_than=timezone.now() + timedelta(seconds=1)) == 1
    assert (BudgetPeriod.objects.get().reserved_micros, BudgetReservation.objects.count()) == (0, 0)


def test_a_stream_the_caller_stops_reading_is_settled_and_recorded(openai_provider: Provider) -> None:
    budget_put(scope="user", subject=str(USER), limit_micros=1_000_000, currency="USD")
    stream = chat_stream(messages=QUESTION, options=ChatOptions(user_id=USER))
    first = next(stream)
    stream.close()
    usage = only_usage()
    assert (usage.outcome, usage.error_code, usage.provider) == ("error", "ai_stream_cancelled", "openai")
    assert usage.tokens_out == (len(first) + 3) // 4
    period = BudgetPeriod.objects.get()
    assert (period.spent_micros, period.reserved_micros) == (usage.cost_micros, 0)
    assert usage.cost_micros == 10 * 1 + usage.tokens_out * 2


@override_settings(AZORA_AI_TIER_LATENCY_MS={"simple": 100, "moderate": 1000, "complex": 3000})
def test_difficulty_tiers_fall_back_upward_when_a_tier_exceeds_its_latency_budget(
    openai_provider: Provider, anthropic_provider: Provider, openai_server: OpenAIServer
) -> None:
    Provider.objects.filter(name="openai").update(tier="simple")
    Provider.objects.filter(name="claude").update(tier="moderate")
    Provider.objects.filter(name="local").update(is_active=False)
    openai_server.script.queue.extend([Behaviour(delay_seconds=0.3), Behaviour(delay_seconds=0.3)])
    result = ask(strategy="difficulty")
    assert result.decision is not None
    assert (result.decision.difficulty, result.decision.order) == ("simple", ("openai", "claude"))
    assert (result.provider, result.attempts) == ("claude", ("openai:timeout", "openai:timeout", "claude:ok"))
    assert only_usage().decision["difficulty"] == "simple"
