"""Attempt rules that must hold when two requests race, on PostgreSQL's row locks and unique keys."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connections

from azora.education import public
from azora.education.errors import AttemptClosed
from azora.education.models import Attempt
from azora.education.tests.factories_assessments import classroom
from azora.shared.models import OutboxEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(*calls: Callable[[], object]) -> list[object | BaseException]:
    """Runs each call in its own thread (and connection), released together; their results or errors in order."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[object | BaseException] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except BaseException as error:  # the test inspects every outcome
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_starts_at_once_make_one_attempt() -> None:
    room = classroom()
    assessment = room.assessment([room.question(), room.question()], max_attempts=1)
    outcomes = _race(
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
    outcomes = _race(
        lambda: public.attempt_submit(attempt_id=attempt.id, user_id=room.learner.id, answers=answers),
        lambda: public.attempt_submit(attempt_id=attempt.id, user_id=room.learner.id, answers=answers),
    )
    assert sorted(type(outcome).__name__ for outcome in outcomes) == sorted(["AttemptView", AttemptClosed.__name__])
    assert OutboxEvent.objects.filter(event_type="education.assessment_passed").count() == 1
