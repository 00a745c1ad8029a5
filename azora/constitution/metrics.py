"""Prometheus metrics of Constitutional AI: decisions by role, action and profile; violations; time to decide."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

# The rule checks target a P95 under 10 ms on a 1,000-character text, so the low end is finely cut.
DECISION_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0)

DECISIONS = Counter(
    "azora_constitution_decisions_total", "Decisions of the constitution, by role, action, profile and surface.",
    ["role", "action", "profile", "surface"],
)  # fmt: skip
VIOLATIONS = Counter(
    "azora_constitution_violations_total", "Violated principles in decisions, by principle and role.",
    ["principle", "role"],
)  # fmt: skip
DECISION_SECONDS = Histogram(
    "azora_constitution_decision_seconds", "Time to check a text and decide (detectors, policy), by role.",
    ["role"], buckets=DECISION_BUCKETS,
)  # fmt: skip
REVISIONS = Counter(
    "azora_constitution_revisions_total", "Critique-and-revise outcomes (revised, refused, templated).",
    ["outcome"],
)  # fmt: skip
