"""Time spent, an honest estimate: a lesson counts from the learner's previous activity in the enrolment (capped),
an attempt from its start to its submission; the learning events carry it, and old events still decode."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from azora.accounts.tests.conftest import published
from azora.accounts.tests.factories import UserFactory
from azora.education import public
from azora.education.events import AssessmentPassed, CourseCompleted, LessonCompleted
from azora.education.models import Attempt, Enrollment, LessonProgress
from azora.education.services.progress import lesson_seconds_spent
from azora.education.tests.factories import course_with_lessons
from azora.education.tests.factories_assessments import RIGHT_ANSWERS, AssessmentFactory, QuestionFactory, classroom
from azora.shared.events.codec import decode_dataclass

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)


def _payloads(event_type: str) -> list[dict[str, Any]]:
    return [row if isinstance(row, dict) else json.loads(str(row)) for row in published(event_type)]


@pytest.mark.parametrize(
    ("away", "estimated_minutes", "seconds"),
    [
        (timedelta(minutes=12), 10, 720),  # under the cap: the time itself
        (timedelta(hours=3), 10, 1800),  # a short lesson is capped at 30 minutes, not 20
        (timedelta(hours=3), 45, 5400),  # a long one at twice its estimate
        (timedelta(days=2), 0, 1800),  # no estimate: 30 minutes at most
        (timedelta(seconds=-5), 10, 0),  # a clock that went back counts nothing
    ],
)
def test_lesson_seconds_are_the_time_away_capped(away: timedelta, estimated_minutes: int, seconds: int) -> None:
    assert lesson_seconds_spent(since=NOON - away, now=NOON, estimated_minutes=estimated_minutes) == seconds


def test_a_course_walk_carries_lesson_attempt_and_course_seconds() -> None:
    course, lessons = course_with_lessons(modules=1, lessons_per_module=2)
    question = QuestionFactory(course=course, created_by=course.created_by)
    assessment = AssessmentFactory(course=course, questions=[question])
    learner = UserFactory()
    enrolled = public.enrollment_create(course_id=course.id, user_id=learner.id)
    Enrollment.objects.filter(pk=enrolled.id).update(created_at=timezone.now() - timedelta(minutes=12))

    public.lesson_complete(lesson_id=lessons[0].id, user_id=learner.id)
    assert _payloads("education.lesson_completed") == [
        {
            "lesson_id": str(lessons[0].id),
            "course_id": str(course.id),
            "user_id": str(learner.id),
            "seconds_spent": 720,
            "progress_percent": 50,
        }
    ]

    attempt = public.attempt_start(assessment_id=assessment.id, user_id=learner.id)
    Attempt.objects.filter(pk=attempt.id).update(started_at=timezone.now() - timedelta(minutes=5))
    public.attempt_submit(attempt_id=attempt.id, user_id=learner.id, answers={str(question.id): True})
    submitted = Attempt.objects.get(pk=attempt.id)
    assert Enrollment.objects.get(pk=enrolled.id).last_activity_at == submitted.submitted_at
    assert _payloads("education.assessment_passed") == [
        {
            "attempt_id": str(attempt.id),
            "assessment_id": str(assessment.id),
            "course_id": str(course.id),
            "user_id": str(learner.id),
            "score_percent": "100.00",
            "seconds_spent": 300,
        }
    ]

    Enrollment.objects.filter(pk=enrolled.id).update(last_activity_at=timezone.now() - timedelta(minutes=8))
    assert public.lesson_complete(lesson_id=lessons[1].id, user_id=learner.id).course_completed is True
    assert [payload["seconds_spent"] for payload in _payloads("education.lesson_completed")] == [720, 480]
    assert [payload["progress_percent"] for payload in _payloads("education.lesson_completed")] == [50, 100]
    assert _payloads("education.course_completed") == [
        {
            "enrollment_id": str(enrolled.id),
            "course_id": str(course.id),
            "user_id": str(learner.id),
            "seconds_spent": 720 + 480 + 300,
        }
    ]
    stored = LessonProgress.objects.filter(enrollment_id=enrolled.id).order_by("completed_at")
    assert list(stored.values_list("seconds_spent", flat=True)) == [720, 480]


def test_completing_a_lesson_again_keeps_its_first_estimate() -> None:
    course, lessons = course_with_lessons()
    learner = UserFactory()
    enrolled = public.enrollment_create(course_id=course.id, user_id=learner.id)
    Enrollment.objects.filter(pk=enrolled.id).update(created_at=timezone.now() - timedelta(minutes=3))
    public.lesson_complete(lesson_id=lessons[0].id, user_id=learner.id)
    Enrollment.objects.filter(pk=enrolled.id).update(last_activity_at=timezone.now() - timedelta(minutes=9))
    public.lesson_complete(lesson_id=lessons[0].id, user_id=learner.id)
    assert LessonProgress.objects.get(lesson=lessons[0]).seconds_spent == 180
    assert len(_payloads("education.lesson_completed")) == 1


def test_a_failed_attempt_announces_no_time_and_a_reactivation_restarts_the_clock() -> None:
    course, lessons = course_with_lessons(is_paid=True)
    question = QuestionFactory(course=course, created_by=course.created_by)
    assessment = AssessmentFactory(course=course, questions=[question])
    learner = UserFactory()
    public.enrollment_create(course_id=course.id, user_id=learner.id, source="purchase")
    attempt = public.attempt_start(assessment_id=assessment.id, user_id=learner.id)
    public.attempt_submit(attempt_id=attempt.id, user_id=learner.id, answers={str(question.id): False})
    assert set(_payloads("education.assessment_failed")[0]) == {  # jsonb keeps no key order on PostgreSQL
        "attempt_id",
        "assessment_id",
        "course_id",
        "user_id",
        "score_percent",
    }
    public.enrollment_revoke(course_id=course.id, user_id=learner.id, reason="refund")
    Enrollment.objects.filter(user=learner).update(last_activity_at=timezone.now() - timedelta(days=30))
    before = timezone.now()
    public.enrollment_create(course_id=course.id, user_id=learner.id, source="purchase")
    reactivated_at = Enrollment.objects.get(user=learner).last_activity_at
    assert reactivated_at is not None
    assert reactivated_at >= before
    Enrollment.objects.filter(user=learner).update(last_activity_at=reactivated_at - timedelta(minutes=4))
    public.lesson_complete(lesson_id=lessons[0].id, user_id=learner.id)
    assert LessonProgress.objects.get(lesson=lessons[0]).seconds_spent == 240


def test_an_instructor_grading_later_does_not_move_the_learners_last_activity_back() -> None:
    room = classroom()
    essay = room.question("free_text")
    assessment = room.assessment([essay])
    attempt = public.attempt_start(assessment_id=assessment.id, user_id=room.learner.id)
    Attempt.objects.filter(pk=attempt.id).update(started_at=timezone.now() - timedelta(minutes=25))
    public.attempt_submit(
        attempt_id=attempt.id, user_id=room.learner.id, answers={str(essay.id): RIGHT_ANSWERS["free_text"]}
    )
    later = timezone.now() + timedelta(hours=1)  # a lesson completed after the submission
    Enrollment.objects.filter(user=room.learner, course=room.course).update(last_activity_at=later)
    public.free_text_grade(
        attempt_id=attempt.id, question_id=essay.id, user_id=room.instructor.id, points={"clarity": "3", "facts": "2"}
    )
    assert Enrollment.objects.get(user=room.learner, course=room.course).last_activity_at == later
    assert [payload["seconds_spent"] for payload in _payloads("education.assessment_passed")] == [25 * 60]


def test_events_written_before_the_time_fields_still_decode_with_zeros() -> None:
    ids = {name: str(uuid.uuid4()) for name in ("lesson", "course", "user", "enrollment", "attempt", "assessment")}
    lesson = decode_dataclass(
        LessonCompleted, {"lesson_id": ids["lesson"], "course_id": ids["course"], "user_id": ids["user"]}
    )
    assert (lesson.seconds_spent, lesson.progress_percent) == (0, 0)
    passed = decode_dataclass(
        AssessmentPassed,
        {
            "attempt_id": ids["attempt"],
            "assessment_id": ids["assessment"],
            "course_id": ids["course"],
            "user_id": ids["user"],
            "score_percent": "80.00",
        },
    )
    assert passed.seconds_spent == 0
    completed = decode_dataclass(
        CourseCompleted, {"enrollment_id": ids["enrollment"], "course_id": ids["course"], "user_id": ids["user"]}
    )
    assert completed.seconds_spent == 0
