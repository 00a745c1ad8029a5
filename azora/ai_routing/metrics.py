"""AI Routing's Prometheus metrics: calls, tokens, cost, latency, cache, breakers and budget alerts."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

AI_REQUESTS = Counter(
    "azora_ai_requests_total", "Chats answered or refused, by provider and outcome.", ["provider", "outcome"]
)
AI_TOKENS = Counter(
    "azora_ai_tokens_total", "Tokens used, by provider and direction (in/out).", ["provider", "direction"]
)
AI_COST = Counter(
    "azora_ai_cost_micros_total", "Cost settled, in micro-units of the currency, by provider.", ["provider", "currency"]
)
AI_LATENCY = Histogram(
    "azora_ai_request_duration_seconds", "Time for a chat from routing to the last chunk, by provider.", ["provider"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0),
)  # fmt: skip
AI_ATTEMPT_FAILURES = Counter(
    "azora_ai_attempt_failures_total", "Provider attempts that failed, by provider and kind.", ["provider", "kind"]
)
AI_CACHE = Counter("azora_ai_cache_total", "Response cache lookups, by result (hit/miss).", ["result"])
AI_BREAKER_OPENED = Counter("azora_ai_breaker_opened_total", "Circuit breakers opened, by provider.", ["provider"])
AI_BUDGET_ALERTS = Counter(
    "azora_ai_budget_alerts_total", "Budget alert thresholds crossed, by scope and percent.", ["scope", "percent"]
)
