"""The rewards page costs a fixed number of queries, however many rewards and offers it shows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import azora.education.public as education
from azora.accounts.models import User
from azora.education.tests.factories import course_with_lessons
from azora.shared.events.dispatch import dispatch_pending_events

pytestmark = pytest.mark.django_db

BUDGET = 20  # session, user, roles, the month's summary, offers, the rewards themselves


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


def test_the_rewards_page_costs_the_same_with_many_rewards_as_with_one(as_learner: Client, learner: User) -> None:
    course, lessons = course_with_lessons(modules=4, lessons_per_module=5)
    education.enrollment_create(course_id=course.id, user_id=learner.id)
    education.lesson_complete(lesson_id=lessons[0].id, user_id=learner.id)
    dispatch_pending_events()
    as_learner.get("/my/rewards/")  # the session's first request records it (usersessions); later ones do not
    with_one = _queries(as_learner, "/my/rewards/")
    for lesson in lessons[1:]:
        education.lesson_complete(lesson_id=lesson.id, user_id=learner.id)
    dispatch_pending_events()

    with_many = _queries(as_learner, "/my/rewards/")

    assert "Lesson completed" in as_learner.get("/my/rewards/").content.decode()
    assert with_many == with_one
    assert with_many <= BUDGET
