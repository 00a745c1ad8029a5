"""Enrolment through /api/v1 and education.public: idempotent self-enrolment, closed courses, paid courses."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from azora.accounts.tests.conftest import published, session_client
from azora.accounts.tests.factories import UserFactory
from azora.education.errors import PaidCourseRequiresPurchase
from azora.education.models import Course, Enrollment, EnrollmentStatus
from azora.education.public import enrollment_create, enrollments_of
from azora.education.tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    LessonProgressFactory,
    course_with_lessons,
)
from azora.education.tests.test_courses_api import assert_problem, send
from azora.shared.models import OutboxEvent

pytestmark = pytest.mark.django_db


def state() -> dict[str, Any]:
    return {
        "enrollments": list(Enrollment.objects.order_by("id").values()),
        "counts": list(Course.objects.order_by("id").values_list("id", "enrollment_count")),
        "events": OutboxEvent.objects.filter(event_type__startswith="education.").count(),
    }


def test_self_enrolment_is_idempotent_and_publishes_one_event() -> None:
    course, _ = course_with_lessons()
    learner = UserFactory()
    client = session_client(learner)
    first = send(client, "POST", f"/courses/{course.id}/enrollments")
    again = send(client, "POST", f"/courses/{course.id}/enrollments")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["source"] == "self"
    assert first.json()["progress"] == {
        "completed_lessons": 0,
        "total_lessons": 4,
        "completed_required_lessons": 0,
        "required_lessons": 4,
        "percent": 0,
    }
    assert Enrollment.objects.filter(course=course, user=learner).count() == 1
    assert Course.objects.get(pk=course.id).enrollment_count == 1
    assert published("education.enrollment_created") == [
        {
            "enrollment_id": first.json()["id"],
            "course_id": str(course.id),
            "user_id": str(learner.id),
            "source": "self",
        }
    ]


@pytest.mark.parametrize(
    ("status", "viewer", "http_status", "code"),
    [
        ("draft", "learner", 404, "course_not_found"),
        ("draft", "instructor", 409, "enrollment_closed"),
        ("archived", "learner", 409, "enrollment_closed"),
    ],
)
def test_enrolment_in_a_draft_or_archived_course_is_refused(
    status: str, viewer: str, http_status: int, code: str
) -> None:
    course = CourseFactory(status=status)
    user = course.created_by if viewer == "instructor" else UserFactory()
    before = state()
    assert_problem(send(session_client(user), "POST", f"/courses/{course.id}/enrollments"), http_status, code)
    assert state() == before


def test_self_enrolment_in_a_paid_course_is_refused_but_a_purchase_enrols() -> None:
    course = CourseFactory(published=True, is_paid=True)
    learner = UserFactory()
    before = state()
    assert_problem(
        send(session_client(learner), "POST", f"/courses/{course.id}/enrollments"), 409, "paid_course_requires_purchase"
    )
    assert state() == before
    with pytest.raises(PaidCourseRequiresPurchase):
        enrollment_create(course_id=course.id, user_id=learner.id)
    view = enrollment_create(course_id=course.id, user_id=learner.id, source="purchase")
    assert (view.source, view.created, view.status) == ("purchase", True, "active")


def test_an_enrolled_learner_keeps_an_archived_course() -> None:
    course, lessons = course_with_lessons()
    learner = UserFactory()
    enrollment_create(course_id=course.id, user_id=learner.id)
    Course.objects.filter(pk=course.id).update(status="archived")
    client = session_client(learner)
    assert send(client, "POST", f"/courses/{course.id}/enrollments").status_code == 200
    assert send(client, "GET", f"/courses/{course.slug}").status_code == 200
    assert send(client, "GET", f"/lessons/{lessons[0].id}").status_code == 200
    assert_problem(send(session_client(UserFactory()), "GET", f"/courses/{course.slug}"), 404, "course_not_found")


def test_my_enrollments_lists_only_mine_with_progress_and_resume_lesson() -> None:
    learner = UserFactory()
    course, lessons = course_with_lessons()
    other_course, _ = course_with_lessons()
    mine = EnrollmentFactory(course=course, user=learner)
    EnrollmentFactory(course=other_course)  # someone else's
    LessonProgressFactory(enrollment=mine, lesson=lessons[0])
    LessonProgressFactory(enrollment=mine, lesson=lessons[2])
    body = send(session_client(learner), "GET", "/me/enrollments").json()
    assert [item["id"] for item in body["items"]] == [str(mine.id)]
    item = body["items"][0]
    assert item["progress"] == {
        "completed_lessons": 2,
        "total_lessons": 4,
        "completed_required_lessons": 2,
        "required_lessons": 4,
        "percent": 50,
    }
    assert (item["resume_lesson_id"], item["resume_lesson_title"]) == (str(lessons[1].id), lessons[1].title)
    assert item["course"]["slug"] == course.slug
    assert body["next_cursor"] is None


def test_my_enrollments_pages_with_a_cursor() -> None:
    learner = UserFactory()
    enrollments = [EnrollmentFactory(user=learner) for _ in range(3)]
    first = enrollments_of(user_id=learner.id, limit=2)
    second = enrollments_of(user_id=learner.id, cursor=first.next_cursor, limit=2)
    assert [e.id for e in first.items + second.items] == [e.id for e in reversed(enrollments)]
    assert second.next_cursor is None
    assert_problem(send(session_client(learner), "GET", "/me/enrollments?cursor=nonsense"), 422, "invalid_cursor")


def test_an_unknown_course_is_404() -> None:
    client = session_client(UserFactory())
    before = state()
    response = send(client, "POST", "/courses/018f0000-0000-7000-8000-000000000000/enrollments")
    assert_problem(response, 404, "course_not_found")
    assert state() == before


@pytest.mark.django_db(transaction=True)
def test_concurrent_self_enrolments_make_one_enrolment() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    course, _ = course_with_lessons()
    learner = UserFactory()
    results: list[bool] = []
    barrier = threading.Barrier(4)

    def enrol() -> None:
        barrier.wait()
        try:
            results.append(enrollment_create(course_id=course.id, user_id=learner.id).created)
        finally:
            connection.close()

    threads = [threading.Thread(target=enrol) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, False, True]
    assert Enrollment.objects.filter(course=course, user=learner).count() == 1
    assert Course.objects.get(pk=course.id).enrollment_count == 1
    assert Enrollment.objects.get(course=course, user=learner).status == EnrollmentStatus.ACTIVE
