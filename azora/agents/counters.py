"""Registers the `elara_questions_per_month` usage counter with the revenue engine (imported by wiring at start-up)."""

from __future__ import annotations

import uuid
from datetime import datetime

from azora.revenue.public import register_usage_counter

COUNTER_NAME = "elara_questions_per_month"


def elara_questions_since(*, user_id: uuid.UUID, since: datetime) -> int:
    """Questions the learner asked since `since` that count against the allowance (see selectors.conversations)."""
    from azora.agents.selectors.conversations import questions_asked_since

    return questions_asked_since(user_id=user_id, since=since)


register_usage_counter(COUNTER_NAME, elara_questions_since)
