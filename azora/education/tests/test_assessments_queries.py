"""Query budgets: the assessment and grade list endpoints cost the same number of queries whatever their length."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from azora.accounts.tests.conftest import session_client
from azora.education import public
from azora.education.tests.factories_assessments import Classroom, classroom

pytestmark = pytest.mark.django_db


def queries(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as context:
        call()
    return len(context.captured_queries)


def grow(room: Classroom, count: int) -> None:
    """Adds `count` assessments of three questions each, each attempted and submitted once by the learner."""
    for _ in range(count):
        assessment = room.assessment([room.question(), room.question("single_choice"), room.question("ordering")])
        view = public.attempt_start(assessment_id=assessment.id, user_id=room.learner.id)
        public.attempt_submit(attempt_id=view.id, user_id=room.learner.id, answers={})


def get(client: Client, path: str) -> Callable[[], object]:
    def call() -> object:
        response = client.get(f"/api/v1{path}")
        assert response.status_code == 200, response.content
        return response

    return call


def test_course_lists_cost_the_same_for_1_and_6_assessments(db: None) -> None:
    counts = []
    for size in (1, 6):
        room = classroom()
        grow(room, size)
        learner, teacher = session_client(room.learner), session_client(room.instructor)
        course = room.course.id
        counts.append(
            [
                queries(get(learner, f"/courses/{course}/assessments")),
                queries(get(learner, f"/me/grades/{course}")),
                queries(get(teacher, f"/courses/{course}/questions")),
                queries(get(teacher, f"/courses/{course}/assessment-settings")),
                queries(get(teacher, f"/courses/{course}/grades/{room.learner.id}")),
                queries(get(teacher, f"/courses/{course}/grades")),
            ]
        )
    assert counts[0] == counts[1]


def test_attempt_list_costs_the_same_for_1_and_5_attempts(db: None) -> None:
    counts = []
    for size in (1, 5):
        room = classroom()
        assessment = room.assessment([room.question(), room.question("free_text"), room.question("numeric")])
        for _ in range(size):
            view = public.attempt_start(assessment_id=assessment.id, user_id=room.learner.id)
            public.attempt_submit(attempt_id=view.id, user_id=room.learner.id, answers={})
        learner = session_client(room.learner)
        counts.append(queries(get(learner, f"/assessments/{assessment.id}/attempts")))
    assert counts[0] == counts[1]
