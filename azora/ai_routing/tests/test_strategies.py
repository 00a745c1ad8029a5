"""Routing strategies and the difficulty classifier: pure functions, no database."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace

import pytest

from azora.ai_routing.config import ProviderConfig
from azora.ai_routing.public import ChatMessage
from azora.ai_routing.strategies import Candidate, RequestFacts, classify, route

BASE = ProviderConfig(
    name="x", kind="openai_compatible", base_url="", model="m", secret_env_var="", input_price_micros_per_million=0,
    output_price_micros_per_million=0, context_window=8192, capabilities=(), requests_per_minute=0,
    tokens_per_minute=0, timeout_ms=1000, priority=100, weight=1, tier="",
)  # fmt: skip


def provider(name: str, **fields: object) -> Candidate:
    available = bool(fields.pop("available", True))
    latency = fields.pop("latency", None)
    return Candidate(
        config=replace(BASE, name=name, **fields),  # type: ignore[arg-type]
        available=available,
        unavailable_reason="" if available else "circuit open",
        latency_ms=latency,  # type: ignore[arg-type]
    )


def facts(text: str = "hi", *, prompt: int = 10, max_tokens: int = 100) -> RequestFacts:
    return RequestFacts(prompt_tokens=prompt, max_tokens=max_tokens, messages=(ChatMessage("user", text),))


RNG = random.Random(7)


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        ("What is a cell?", "simple"),
        ("Explain how photosynthesis works, and why plants need light.", "moderate"),
        (
            "Compare mitosis and meiosis, explain why each matters for inheritance, and analyse how errors in "
            "either process can lead to disease; which of them is more error-prone, and why? What evidence is there?",
            "complex",
        ),
    ],
)
def test_the_classifier_scores_requests_into_tiers(text: str, tier: str) -> None:
    assert classify((ChatMessage("user", text),)).tier == tier


def test_the_classifier_scores_the_last_user_message_and_names_its_reasons() -> None:
    difficulty = classify((ChatMessage("user", "Why? Compare them."), ChatMessage("assistant", "...")))
    # 18 characters (0.045), 3 words (0.075), two reasoning cues (why, compare: 3.0), one question (none extra).
    assert (difficulty.tier, difficulty.score) == ("moderate", 3.12)
    assert difficulty.reasons == ("length=0.04", "words=0.07", "reasoning=3.00")


def test_ordered_fallback_follows_priority_and_skips_what_cannot_answer() -> None:
    decision = route(
        "fallback",
        [
            provider("b", priority=2),
            provider("a", priority=1),
            provider("down", priority=0, available=False),
            provider("small", priority=0, context_window=50),
        ],
        facts(),
        rng=RNG,
    )
    assert decision.order == ("a", "b")
    assert decision.reasons == (
        "down: skipped (circuit open)",
        "small: skipped (needs 110 tokens, context window 50)",
        "ordered fallback by priority",
    )


def test_weighted_picks_in_proportion_to_weight() -> None:
    rng = random.Random(1)
    candidates = [provider("heavy", weight=3), provider("light", weight=1)]
    firsts = Counter(route("weighted", candidates, facts(), rng=rng).order[0] for _ in range(2000))
    assert 0.71 <= firsts["heavy"] / 2000 <= 0.79
    assert set(route("weighted", candidates, facts(), rng=rng).order) == {"heavy", "light"}


def test_lowest_latency_prefers_unmeasured_then_fastest() -> None:
    decision = route(
        "lowest_latency",
        [provider("slow", latency=900.0), provider("fast", latency=120.0), provider("new")],
        facts(),
        rng=RNG,
    )
    assert decision.order == ("new", "fast", "slow")


def test_lowest_cost_orders_by_this_requests_estimated_cost() -> None:
    cheap_in = provider("cheap-in", input_price_micros_per_million=100, output_price_micros_per_million=10_000_000)
    cheap_out = provider("cheap-out", input_price_micros_per_million=1_000_000, output_price_micros_per_million=100)
    decision = route("lowest_cost", [cheap_in, cheap_out], facts(prompt=1000, max_tokens=1000), rng=RNG)
    assert decision.order == ("cheap-out", "cheap-in")
    assert decision.reasons == ("by estimated cost: cheap-out=1001µ, cheap-in=10001µ",)


def test_difficulty_sends_each_class_to_its_tier_and_falls_back_upward() -> None:
    tiers = [
        provider("local", tier="simple"),
        provider("mid", tier="moderate"),
        provider("strong", tier="complex"),
    ]
    assert route("difficulty", tiers, facts("What is a cell?"), rng=RNG).order == ("local", "mid", "strong")
    moderate = route(
        "difficulty", tiers, facts("Explain how photosynthesis works, and why plants need light."), rng=RNG
    )
    assert (moderate.order, moderate.difficulty) == (("mid", "strong"), "moderate")
    assert moderate.reasons[0].startswith("difficulty moderate (score ")
    only_simple = route("difficulty", [provider("local", tier="simple")], moderate_facts(), rng=RNG)
    assert only_simple.order == ("local",)


def moderate_facts() -> RequestFacts:
    return facts("Explain how photosynthesis works, and why plants need light.")


def test_no_eligible_provider_gives_an_empty_order_with_reasons() -> None:
    decision = route("fallback", [provider("down", available=False)], facts(), rng=RNG)
    assert (decision.order, decision.reasons[0]) == ((), "down: skipped (circuit open)")
