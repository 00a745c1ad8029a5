"""The monthly question allowance: reserve a slot atomically before a question is answered, release it after.

The answered questions are counted from the stored messages (`questions_asked_since`: complete, hint or refused
answers). A question being answered is not stored yet, so two concurrent questions used to both read 9 of 10 and
both pass. Now the check and the count happen under a row lock on the learner's `QuestionAllowance` row for the
month: answered + in flight < limit, then in flight + 1, in one transaction (PostgreSQL: `SELECT ... FOR UPDATE`
makes the second question wait for the first to commit; SQLite: the write lock does the same). The slot is released
when the run ends, whatever its outcome: a stored answer is counted from its message from then on, an unavailable
or interrupted one never counts, and a run closed early stores nothing. A run that never ends (a process killed
mid-answer, a stream never read) holds its slot until `STALE_AFTER` has passed without a new reservation.
"""

from __future__ import annotations

import uuid
from collections.abc import Generator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from azora.agents.counters import COUNTER_NAME
from azora.agents.errors import QuestionLimitReached
from azora.agents.models import QuestionAllowance
from azora.agents.public.views import ExchangeResult
from azora.agents.selectors.conversations import month_start, questions_asked_since
from azora.revenue.public import entitlement_check

# Longer than any answer takes (the provider's timeouts and retries are well under a minute).
STALE_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class QuestionReservation:
    """A slot of the learner's allowance held while one question is answered."""

    allowance_id: uuid.UUID
    plan_code: str
    limit: int | None
    used: int  # questions answered this month when the slot was taken (not counting this one)


def question_reserve(*, user_id: uuid.UUID, now: datetime | None = None) -> QuestionReservation:
    """Take one slot of this month's allowance, or raise QuestionLimitReached (extra: limit, used, plan) with
    nothing written. `used` there counts the answered questions and those being answered."""
    now = now or timezone.now()
    since = month_start(now)
    with transaction.atomic():
        allowance, _ = QuestionAllowance.objects.get_or_create(user_id=user_id, month=since.date())
        allowance = QuestionAllowance.objects.select_for_update().get(pk=allowance.pk)
        fresh = allowance.reserved_at is not None and now - allowance.reserved_at < STALE_AFTER
        in_flight = allowance.in_flight if fresh else 0
        answered = questions_asked_since(user_id=user_id, since=since)
        entitlement = entitlement_check(user_id=user_id, name=COUNTER_NAME, used=answered + in_flight)
        if not entitlement.allowed:
            # Raised inside the transaction: a row created just now is rolled back with it.
            raise QuestionLimitReached(
                extra={"limit": entitlement.limit, "used": answered + in_flight, "plan": entitlement.plan_code}
            )
        allowance.in_flight = in_flight + 1
        allowance.reserved_at = now
        allowance.save(update_fields=["in_flight", "reserved_at", "updated_at"])
    return QuestionReservation(
        allowance_id=allowance.id, plan_code=entitlement.plan_code, limit=entitlement.limit, used=answered
    )


def question_release(*, reservation: QuestionReservation) -> None:
    """Give the slot back (idempotent at zero): the answer is stored and counted, or it will never count."""
    QuestionAllowance.objects.filter(pk=reservation.allowance_id, in_flight__gt=0).update(
        in_flight=F("in_flight") - 1, updated_at=timezone.now()
    )


def answer_counted(
    chunks: Generator[str, None, ExchangeResult], *, reservation: QuestionReservation | None
) -> Generator[str, None, ExchangeResult]:
    """The run's chunks and stored exchange, releasing the reserved slot when the run ends in any way (finished,
    raised, or closed by a reader who stopped early)."""
    try:
        return (yield from chunks)
    finally:
        if reservation is not None:
            question_release(reservation=reservation)
