"""Routing strategies as pure functions: which providers to try for a request, in what order, and why.

Nothing here touches the database, the cache or the clock: the caller passes each candidate's facts (breaker
state, moving-average latency, whether its secret is set) and a random source.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from azora.ai_routing.config import ProviderConfig
from azora.ai_routing.public import ChatMessage, RoutingDecision

TIERS = ("simple", "moderate", "complex")
STRATEGIES = ("fallback", "weighted", "lowest_latency", "lowest_cost", "difficulty")

_REASONING_CUES = re.compile(
    r"\b(why|how come|compare|contrast|explain|analy[sz]e|evaluate|justify|prove|derive|trade-?offs?|"
    r"step[- ]by[- ]step|pourquoi|comparer|expliquer|porquê|porque|comparar|explicar|waarom|vergelyk|kwa nini)\b",
    re.IGNORECASE,
)
_CLAUSE_MARKERS = re.compile(
    r"[,;:]|\b(because|although|whereas|unless|therefore|however|which|while|if|then|but)\b", re.IGNORECASE
)
_WORD = re.compile(r"\w+")
SIMPLE_BELOW = 3.0
COMPLEX_FROM = 7.0


@dataclass(frozen=True)
class Difficulty:
    tier: str
    score: float
    reasons: tuple[str, ...]


def classify(messages: Sequence[ChatMessage]) -> Difficulty:
    """Score the last user message: length, words, reasoning cues, questions and clauses → simple/moderate/complex."""
    text = next((m.content for m in reversed(messages) if m.role == "user"), "")
    words = len(_WORD.findall(text))
    cues = len(_REASONING_CUES.findall(text))
    questions = text.count("?")
    clauses = len(_CLAUSE_MARKERS.findall(text))
    parts = {
        "length": min(len(text) / 400, 2.0),
        "words": min(words / 40, 2.0),
        "reasoning": min(cues * 1.5, 4.5),
        "questions": min(max(questions - 1, 0) * 1.0, 2.0),
        "clauses": min(clauses * 0.5, 2.5),
    }
    score = round(sum(parts.values()), 2)
    tier = "simple" if score < SIMPLE_BELOW else "complex" if score >= COMPLEX_FROM else "moderate"
    reasons = tuple(f"{name}={value:.2f}" for name, value in parts.items() if value)
    return Difficulty(tier=tier, score=score, reasons=reasons)


@dataclass(frozen=True)
class Candidate:
    """A provider and what the router knows about it right now."""

    config: ProviderConfig
    available: bool = True  # breaker closed or half-open and willing
    unavailable_reason: str = ""
    latency_ms: float | None = None  # moving average; None = no measurement yet


@dataclass(frozen=True)
class RequestFacts:
    prompt_tokens: int
    max_tokens: int
    messages: tuple[ChatMessage, ...]


def estimated_cost(config: ProviderConfig, facts: RequestFacts) -> int:
    return config.cost_micros(facts.prompt_tokens, facts.max_tokens)


def _eligible(candidates: Sequence[Candidate], facts: RequestFacts, reasons: list[str]) -> list[Candidate]:
    eligible = []
    for candidate in candidates:
        name = candidate.config.name
        if not candidate.available:
            reasons.append(f"{name}: skipped ({candidate.unavailable_reason})")
        elif facts.prompt_tokens + facts.max_tokens > candidate.config.context_window:
            reasons.append(
                f"{name}: skipped (needs {facts.prompt_tokens + facts.max_tokens} tokens, "
                f"context window {candidate.config.context_window})"
            )
        else:
            eligible.append(candidate)
    return eligible


def _by_priority(candidates: Sequence[Candidate]) -> list[Candidate]:
    return sorted(candidates, key=lambda c: (c.config.priority, c.config.name))


def route(
    strategy: str, candidates: Sequence[Candidate], facts: RequestFacts, *, rng: random.Random
) -> RoutingDecision:
    """The order in which to try the eligible candidates under `strategy`, with the reasons for it."""
    reasons: list[str] = []
    eligible = _eligible(candidates, facts, reasons)
    difficulty: Difficulty | None = None
    if strategy == "weighted":
        ordered = _weighted(eligible, rng, reasons)
    elif strategy == "lowest_latency":
        ordered = sorted(
            eligible,
            key=lambda c: (-1.0 if c.latency_ms is None else c.latency_ms, c.config.priority, c.config.name),
        )
        reasons.append(
            "by moving-average latency: "
            + ", ".join(
                f"{c.config.name}={'unmeasured' if c.latency_ms is None else f'{c.latency_ms:.0f}ms'}" for c in ordered
            )
        )
    elif strategy == "lowest_cost":
        ordered = sorted(eligible, key=lambda c: (estimated_cost(c.config, facts), c.config.priority, c.config.name))
        reasons.append(
            "by estimated cost: " + ", ".join(f"{c.config.name}={estimated_cost(c.config, facts)}µ" for c in ordered)
        )
    elif strategy == "difficulty":
        difficulty = classify(facts.messages)
        ordered = _tiered(eligible, difficulty.tier, reasons)
        reasons.insert(0, f"difficulty {difficulty.tier} (score {difficulty.score}: {', '.join(difficulty.reasons)})")
    else:
        strategy = "fallback"
        ordered = _by_priority(eligible)
        reasons.append("ordered fallback by priority")
    return RoutingDecision(
        strategy=strategy,
        order=tuple(c.config.name for c in ordered),
        reasons=tuple(reasons),
        difficulty=difficulty.tier if difficulty else None,
        difficulty_score=difficulty.score if difficulty else None,
    )


def _weighted(eligible: Sequence[Candidate], rng: random.Random, reasons: list[str]) -> list[Candidate]:
    pool = [c for c in _by_priority(eligible) if c.config.weight > 0]
    rest = [c for c in _by_priority(eligible) if c.config.weight == 0]
    ordered: list[Candidate] = []
    while pool:
        total = sum(c.config.weight for c in pool)
        pick = rng.uniform(0, total)
        running = 0.0
        chosen = pool[-1]
        for candidate in pool:
            running += candidate.config.weight
            if pick <= running:
                chosen = candidate
                break
        ordered.append(chosen)
        pool.remove(chosen)
    if ordered:
        reasons.append(
            f"weighted pick {ordered[0].config.name} (weights "
            + ", ".join(f"{c.config.name}={c.config.weight}" for c in ordered)
            + ")"
        )
    return ordered + rest


def tier_of(config: ProviderConfig) -> str:
    return config.tier if config.tier in TIERS else "moderate"


def _tiered(eligible: Sequence[Candidate], tier: str, reasons: list[str]) -> list[Candidate]:
    """The request's tier first, then each tier above it (fallback upward); lower tiers never answer harder requests."""
    start = TIERS.index(tier)
    ordered: list[Candidate] = []
    for level in TIERS[start:]:
        ordered.extend(_by_priority([c for c in eligible if tier_of(c.config) == level]))
    if not ordered:
        # Nothing at or above the tier: the strongest that is left is better than no answer.
        ordered = sorted(eligible, key=lambda c: (-TIERS.index(tier_of(c.config)), c.config.priority, c.config.name))
        reasons.append(f"no provider at tier {tier} or above; using the strongest available")
    else:
        reasons.append(f"tier {tier} first, then upward")
    return ordered
