"""Education's public contract for academic integrity: the question texts of a learner's open assessment attempts.

The constitution (a higher layer) compares an AI request with these texts so that the assistant never answers a
question of an attempt that is still open for that learner (docs/constitution.md, ADR 0015).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from azora.shared.compiled import CompiledQuery

__all__ = ["OpenQuestion", "open_attempt_questions"]

# An open attempt holds a few dozen questions at most; the bound keeps one call cheap whatever the data.
MAX_OPEN_QUESTIONS = 500


@dataclass(frozen=True, slots=True)
class OpenQuestion:
    attempt_id: uuid.UUID
    assessment_id: uuid.UUID
    course_id: uuid.UUID
    question_id: uuid.UUID
    prompt: str
    deadline: datetime | None


def _open_attempts_query(user_id: uuid.UUID) -> QuerySet[Any, Any]:
    from azora.education.models import Attempt, AttemptStatus

    return Attempt.objects.filter(user_id=user_id, status=AttemptStatus.OPEN).values(
        "id", "assessment_id", "assessment__course_id", "question_ids", "deadline"
    )


# Every governed AI request asks this (most learners have no open attempt): compiled once per thread.
_OPEN_ATTEMPTS = CompiledQuery("open attempts", _open_attempts_query)


def open_attempt_questions(*, user_id: uuid.UUID) -> tuple[OpenQuestion, ...]:
    """The questions of the learner's attempts that are open now (status open, deadline not passed); two queries."""
    from django.utils import timezone

    from azora.education.models import Question

    now = timezone.now()
    # The deadline is compared here, not in SQL: the learner has a handful of open attempts at most.
    attempts = [row for row in _OPEN_ATTEMPTS.run(user_id=user_id) if row["deadline"] is None or row["deadline"] > now]
    wanted = {question_id for attempt in attempts for question_id in attempt["question_ids"]}
    if not wanted:
        return ()
    prompts = dict(Question.objects.filter(pk__in=list(wanted)[:MAX_OPEN_QUESTIONS]).values_list("id", "prompt"))
    return tuple(
        OpenQuestion(
            attempt_id=attempt["id"],
            assessment_id=attempt["assessment_id"],
            course_id=attempt["assessment__course_id"],
            question_id=uuid.UUID(str(question_id)),
            prompt=prompts[uuid.UUID(str(question_id))],
            deadline=attempt["deadline"],
        )
        for attempt in attempts
        for question_id in attempt["question_ids"]
        if uuid.UUID(str(question_id)) in prompts
    )
