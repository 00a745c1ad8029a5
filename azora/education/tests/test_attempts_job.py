"""The periodic job that auto-submits expired attempts: registered once a minute, and it submits what is due."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import pytest
from django.utils import timezone

from azora.education import public
from azora.education.jobs import submit_expired_attempts_task
from azora.education.models import Attempt
from azora.education.tests.factories_assessments import classroom
from azora.shared.scheduling import discover_jobs

pytestmark = pytest.mark.django_db


def test_the_job_is_scheduled_every_minute() -> None:
    jobs = {job.name: job for job in discover_jobs()}
    job = jobs["education.submit_expired_attempts"]
    assert job.every == dt.timedelta(minutes=1)
    assert job.task is submit_expired_attempts_task


def test_the_job_submits_expired_attempts_with_their_saved_answers() -> None:
    room = classroom()
    question = room.question()
    assessment = room.assessment([question], time_limit_seconds=30)
    expired = public.attempt_start(assessment_id=assessment.id, user_id=room.learner.id)
    public.attempt_save_answers(attempt_id=expired.id, user_id=room.learner.id, answers={str(question.id): False})
    Attempt.objects.filter(pk=expired.id).update(deadline=timezone.now() - timedelta(seconds=5))
    other = room.assessment([room.question()], time_limit_seconds=30)
    running = public.attempt_start(assessment_id=other.id, user_id=room.learner.id)

    assert submit_expired_attempts_task.call() == 1

    closed = Attempt.objects.get(pk=expired.id)
    assert (closed.status, closed.submitted_by, closed.answers, closed.is_passed) == (
        "closed",
        "auto",
        {str(question.id): False},
        False,
    )
    assert Attempt.objects.get(pk=running.id).status == "open"
