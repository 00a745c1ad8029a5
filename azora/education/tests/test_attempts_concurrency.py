"""Attempt rules that must hold when two requests race, on PostgreSQL's row locks and unique keys."""

from __future__ import annotations

from decimal import Decimal

import pytest

from azora.education import public
from azora.education.errors import AttemptClosed
from azora.education.models import Attempt, CourseGrade
from azora.education.tests.factories_assessments import classroom
from azora.shared.models import OutboxEvent
from azora.shared.testing.concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_starts_at_once_make_one_attempt() -> None:
    room = classroom()
    assessment = room.assessment([room.question(), room.question()], max_attempts=1)
    outcomes = race(
        lambda: public.attempt_start(assessment_id=assessment.id, user_id=room.learner.id),
        lambda: public.attempt_start(assessment_id=assessment.id, user_id=room.learner.id),
    )
    ids = {getattr(outcome, "id", None) for outcome in outcomes}
    assert Attempt.objects.filter(assessment=assessment).count() == 1
    assert ids == {Attempt.objects.get(assessment=assessment).id}


def test_two_submits_at_once_score_once() -> None:
    room = classroom()
    question = room.question()
    assessment = room.assessment([question])
    attempt = public.attempt_start(assessment_id=assessment.id, user_id=room.learner.id)
    answers = {str(question.id): True}
    outcomes = race(
        lambda: public.attempt_submit(attempt_id=attempt.id, user_id=room.learner.id, answers=answers),
        lambda: public.attempt_submit(attempt_id=attempt.id, user_id=room.learner.id, answers=answers),
    )
    assert sorted(type(outcome).__name__ for outcome in outcomes) == sorted(["AttemptView", AttemptClosed.__name__])
    assert OutboxEvent.objects.filter(event_type="education.assessment_passed").count() == 1


def test_two_attempts_closing_at_once_store_a_grade_that_counts_both() -> None:
    room = classroom()
    first, second = room.question(), room.question()
    quiz_a, quiz_b = room.assessment([first], is_required=False), room.assessment([second], is_required=False)
    attempt_a = public.attempt_start(assessment_id=quiz_a.id, user_id=room.learner.id)
    attempt_b = public.attempt_start(assessment_id=quiz_b.id, user_id=room.learner.id)
    outcomes = race(
        lambda: public.attempt_submit(attempt_id=attempt_a.id, user_id=room.learner.id, answers={str(first.id): True}),
        lambda: public.attempt_submit(
            attempt_id=attempt_b.id, user_id=room.learner.id, answers={str(second.id): False}
        ),
    )
    assert [type(outcome).__name__ for outcome in outcomes] == ["AttemptView", "AttemptView"]
    stored = CourseGrade.objects.get(course=room.course, user=room.learner)
    assert stored.percent == Decimal("50.00")  # (100 + 0) / 2
    assert stored.snapshot == public.grade_for(user_id=room.learner.id, course_id=room.course.id).snapshot_json
