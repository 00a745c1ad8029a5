"""The write side of progress: completed lessons, the resume point, and course completion (published once)."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from azora.education.errors import LessonNotFound
from azora.education.events import CourseCompleted, LessonCompleted
from azora.education.models import CourseStatus, Enrollment, EnrollmentStatus, Lesson, LessonProgress
from azora.education.public.courses import LessonCompletion
from azora.education.selectors.courses import LESSON_ORDER, progress_of_enrollment
from azora.shared.events import publish

__all__ = ["course_completion_evaluate", "lesson_complete", "lesson_seconds_spent"]

# The least a lesson's time estimate is capped at: a lesson estimated at 5 minutes may still take a careful
# learner half an hour, but an afternoon away from the screen must not count as study.
MINIMUM_CAP_SECONDS = 30 * 60


def lesson_seconds_spent(*, since: datetime, now: datetime, estimated_minutes: int) -> int:
    """An honest estimate of the time a lesson took, not a measurement: the seconds since the learner's previous
    activity in the enrolment, capped at twice the lesson's estimate (at least 30 minutes); never negative."""
    cap = max(2 * estimated_minutes * 60, MINIMUM_CAP_SECONDS)
    return max(0, min(int((now - since).total_seconds()), cap))


def _passed_attempt_seconds(*, user_id: uuid.UUID, course_id: uuid.UUID) -> int:
    """The assessments area's passed attempts of the course, submitted minus started; 0 without that area."""
    try:
        from azora.education.selectors.assessments import passed_attempt_seconds
    except ImportError:  # the assessments area is not installed in this build
        return 0
    seconds: int = passed_attempt_seconds(user_id=user_id, course_id=course_id)
    return seconds


def _required_assessments_passed(*, user_id: uuid.UUID, course_id: uuid.UUID) -> bool:
    """The assessments area's rule; a course without that area (or without assessments) has nothing to pass."""
    try:
        from azora.education.selectors.assessments import required_assessments_passed
    except ImportError:  # the assessments area is not installed in this build
        return True
    passed: bool = required_assessments_passed(user_id=user_id, course_id=course_id)
    return passed


def course_completion_evaluate(*, user_id: uuid.UUID, course_id: uuid.UUID) -> bool:
    """Complete the enrolment when every required lesson is done and every required assessment passed.

    Returns whether the enrolment is complete. CourseCompleted is published once: the enrolment row is locked and
    an enrolment that is already complete is left as it is. A revoked enrolment is never completed.
    """
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().filter(user_id=user_id, course_id=course_id).first()
        if enrollment is None or enrollment.status == EnrollmentStatus.REVOKED:
            return False
        if enrollment.status == EnrollmentStatus.COMPLETED:
            return True
        required = set(Lesson.objects.filter(course_id=course_id, is_required=True).values_list("id", flat=True))
        done = dict(LessonProgress.objects.filter(enrollment=enrollment).values_list("lesson_id", "seconds_spent"))
        if required - done.keys() or not _required_assessments_passed(user_id=user_id, course_id=course_id):
            return False
        enrollment.status = EnrollmentStatus.COMPLETED
        enrollment.completed_at = timezone.now()
        enrollment.save(update_fields=["status", "completed_at", "updated_at"])
        seconds = sum(done.values()) + _passed_attempt_seconds(user_id=user_id, course_id=course_id)
        publish(
            CourseCompleted(enrollment_id=enrollment.id, course_id=course_id, user_id=user_id, seconds_spent=seconds)
        )
    return True


def lesson_complete(*, lesson_id: uuid.UUID, user_id: uuid.UUID) -> LessonCompletion:
    """Record the lesson as done (once; LessonCompleted only the first time) and evaluate course completion.

    The first completion stores the lesson's estimated time spent (`lesson_seconds_spent`, measured from the
    enrolment's previous activity) and publishes it with the enrolment's progress after this lesson.
    """
    lesson = (
        Lesson.objects.select_related("course")
        .filter(pk=lesson_id)
        .only("id", "estimated_minutes", "course__status")
        .first()
    )
    if lesson is None or lesson.course.status not in (CourseStatus.PUBLISHED, CourseStatus.ARCHIVED):
        raise LessonNotFound()
    course_id = lesson.course_id
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().filter(user_id=user_id, course_id=course_id).first()
        if enrollment is None or enrollment.status == EnrollmentStatus.REVOKED:
            raise LessonNotFound()
        now = timezone.now()
        seconds = lesson_seconds_spent(
            since=enrollment.last_activity_at or enrollment.created_at,
            now=now,
            estimated_minutes=lesson.estimated_minutes,
        )
        _, created = LessonProgress.objects.get_or_create(
            enrollment=enrollment, lesson_id=lesson_id, defaults={"completed_at": now, "seconds_spent": seconds}
        )
        enrollment.last_lesson_id = lesson_id
        enrollment.last_activity_at = now
        enrollment.save(update_fields=["last_lesson", "last_activity_at", "updated_at"])
        progress = progress_of_enrollment(enrollment_id=enrollment.id, course_id=course_id)
        if created:
            publish(
                LessonCompleted(
                    lesson_id=lesson_id,
                    course_id=course_id,
                    user_id=user_id,
                    seconds_spent=seconds,
                    progress_percent=progress.percent,
                )
            )
        completed = course_completion_evaluate(user_id=user_id, course_id=course_id)
    outline = list(Lesson.objects.filter(course_id=course_id).order_by(*LESSON_ORDER).values_list("id", flat=True))
    index = outline.index(lesson_id)
    return LessonCompletion(
        lesson_id=lesson_id,
        course_id=course_id,
        enrollment_id=enrollment.id,
        progress=progress,
        next_lesson_id=outline[index + 1] if index + 1 < len(outline) else None,
        course_completed=completed,
    )
