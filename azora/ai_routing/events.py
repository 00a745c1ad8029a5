"""The events AI Routing publishes: past-tense facts about budgets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from azora.shared.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class AiBudgetThresholdReached(DomainEvent):
    """A monthly AI budget's settled spending crossed an alert threshold (75% or 90%) for the first time this month."""

    event_type: ClassVar[str] = "ai_routing.budget_threshold_reached"

    scope: str  # user | organisation | plan
    subject: str
    month: date
    percent: int
    spent_micros: int
    limit_micros: int
    currency: str
