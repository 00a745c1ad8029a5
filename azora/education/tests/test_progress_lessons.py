"""Learning: reading lessons, completing them, progress per lesson/module/course, and completion published once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from azora.accounts.tests.conftest import published, session_client
from azora.accounts.tests.factories import UserFactory
from azora.education.models import Enrollment, EnrollmentStatus, LessonProgress
from azora.education.public import course_detail, enrollment_create, lesson_complete
from azora.education.services.progress import course_completion_evaluate
from azora.education.tests.factories import LessonFactory, course_with_lessons
from azora.education.tests.test_courses_api import assert_problem, send
from azora.shared.models import OutboxEvent

pytestmark = pytest.mark.django_db


def test_an_enrolled_learner_reads_a_lesson_with_safe_html_neighbours_and_video() -> None:
    course, lessons = course_with_lessons()
    lesson = lessons[1]
    lesson.video_url = "https://youtu.be/dQw4w9WgXcQ"
    lesson.save()
    learner = UserFactory()
    enrollment_create(course_id=course.id, user_id=learner.id)
    body = send(session_client(learner), "GET", f"/lessons/{lesson.id}").json()
    assert body["body_html"] == "<p>Read <strong>this</strong> carefully.</p>\n"
    assert (body["previous_lesson_id"], body["next_lesson_id"]) == (str(lessons[0].id), str(lessons[2].id))
    assert body["video_embed_url"] == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    assert body["is_completed"] is False
    assert body["progress"]["percent"] == 0


def test_a_learner_who_is_not_enrolled_gets_404_for_lessons_and_completion() -> None:
    _, lessons = course_with_lessons()
    stranger = session_client(UserFactory())
    assert_problem(send(stranger, "GET", f"/lessons/{lessons[0].id}"), 404, "lesson_not_found")
    assert_problem(send(stranger, "POST", f"/lessons/{lessons[0].id}/complete"), 404, "lesson_not_found")
    assert LessonProgress.objects.count() == 0
    assert OutboxEvent.objects.filter(event_type__startswith="education.").count() == 0


def test_the_instructor_reads_lessons_of_a_draft_course() -> None:
    course, lessons = course_with_lessons(published=False)
    body = send(session_client(course.created_by), "GET", f"/lessons/{lessons[0].id}").json()
    assert body["progress"] is None
    assert body["previous_lesson_id"] is None


def test_completing_lessons_moves_progress_and_the_resume_point() -> None:
    course, lessons = course_with_lessons()
    learner = UserFactory()
    enrollment_create(course_id=course.id, user_id=learner.id)
    client = session_client(learner)
    done = send(client, "POST", f"/lessons/{lessons[0].id}/complete").json()
    assert done["progress"]["completed_lessons"] == 1
    assert done["progress"]["percent"] == 25
    assert done["next_lesson_id"] == str(lessons[1].id)
    assert done["course_completed"] is False
    again = send(client, "POST", f"/lessons/{lessons[0].id}/complete").json()
    assert again["progress"]["completed_lessons"] == 1
    assert LessonProgress.objects.count() == 1
    assert len(published("education.lesson_completed")) == 1

    detail = course_detail(slug=course.slug, viewer_id=learner.id)
    assert detail.viewer_resume_lesson_id == lessons[1].id
    outline = [lesson.is_completed for module in detail.modules for lesson in module.lessons]
    assert outline == [True, False, False, False]
    assert [(m.completed_lessons, m.is_completed) for m in detail.modules] == [(1, False), (0, False)]
    send(client, "POST", f"/lessons/{lessons[1].id}/complete")
    modules = send(client, "GET", f"/courses/{course.slug}").json()["modules"]
    assert [(m["completed_lessons"], m["is_completed"]) for m in modules] == [(2, True), (0, False)]
    assert Enrollment.objects.get(user=learner).last_lesson_id == lessons[1].id


def test_completing_every_required_lesson_completes_the_course_once() -> None:
    course, lessons = course_with_lessons(modules=1, lessons_per_module=2)
    optional = LessonFactory(module=lessons[0].module, is_required=False, position=99)
    learner = UserFactory()
    enrollment = enrollment_create(course_id=course.id, user_id=learner.id)
    # Enrolled two hours ago (the first lesson's estimate is capped at 30 minutes), back 20 minutes before the next.
    Enrollment.objects.filter(pk=enrollment.id).update(created_at=timezone.now() - timedelta(hours=2))
    assert lesson_complete(lesson_id=lessons[0].id, user_id=learner.id).course_completed is False
    Enrollment.objects.filter(pk=enrollment.id).update(last_activity_at=timezone.now() - timedelta(minutes=20))
    result = lesson_complete(lesson_id=lessons[1].id, user_id=learner.id)
    assert result.course_completed is True
    assert result.progress.percent == 100
    assert result.progress.completed_lessons == 2
    assert result.progress.total_lessons == 3
    lesson_complete(lesson_id=optional.id, user_id=learner.id)
    assert course_completion_evaluate(user_id=learner.id, course_id=course.id) is True
    row = Enrollment.objects.get(pk=enrollment.id)
    assert row.status == EnrollmentStatus.COMPLETED
    assert row.completed_at is not None
    assert published("education.course_completed") == [
        {
            "enrollment_id": str(enrollment.id),
            "course_id": str(course.id),
            "user_id": str(learner.id),
            "seconds_spent": 30 * 60 + 20 * 60,
        }
    ]


@pytest.mark.django_db(transaction=True)
def test_concurrent_completions_publish_course_completed_once() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    course, lessons = course_with_lessons(modules=1, lessons_per_module=1)
    learner = UserFactory()
    enrollment_create(course_id=course.id, user_id=learner.id)
    LessonProgress.objects.create(
        enrollment=Enrollment.objects.get(user=learner), lesson=lessons[0], completed_at=timezone.now()
    )
    barrier = threading.Barrier(4)
    results: list[bool] = []

    def evaluate() -> None:
        barrier.wait()
        try:
            results.append(course_completion_evaluate(user_id=learner.id, course_id=course.id))
        finally:
            connection.close()

    threads = [threading.Thread(target=evaluate) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [True, True, True, True]
    assert len(published("education.course_completed")) == 1


def test_completion_is_not_evaluated_for_someone_not_enrolled() -> None:
    course, _ = course_with_lessons()
    assert course_completion_evaluate(user_id=UserFactory().id, course_id=course.id) is False
    assert OutboxEvent.objects.filter(event_type__startswith="education.").count() == 0
