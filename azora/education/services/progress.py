"""The write side of progress: completed lessons, the resume point, and course completion (published once)."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from azora.education.errors import LessonNotFound
from azora.education.events import CourseCompleted, LessonCompleted
from azora.education.models import CourseStatus, Enrollment, EnrollmentStatus, Lesson, LessonProgress
from azora.education.public.courses import LessonCompletion
from azora.education.selectors.courses import LESSON_ORDER, progress_of_enrollment
from azora.shared.events import publish

__all__ = ["course_completion_evaluate", "lesson_complete"]


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
    an enrolment that is already complete is left as it is.
    """
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().filter(user_id=user_id, course_id=course_id).first()
        if enrollment is None:
            return False
        if enrollment.status == EnrollmentStatus.COMPLETED:
            return True
        required = set(Lesson.objects.filter(course_id=course_id, is_required=True).values_list("id", flat=True))
        done = set(
            LessonProgress.objects.filter(enrollment=enrollment, lesson_id__in=required).values_list(
                "lesson_id", flat=True
            )
        )
        if required - done or not _required_assessments_passed(user_id=user_id, course_id=course_id):
            return False
        enrollment.status = EnrollmentStatus.COMPLETED
        enrollment.completed_at = timezone.now()
        enrollment.save(update_fields=["status", "completed_at", "updated_at"])
        publish(CourseCompleted(enrollment_id=enrollment.id, course_id=course_id, user_id=user_id))
    return True


def lesson_complete(*, lesson_id: uuid.UUID, user_id: uuid.UUID) -> LessonCompletion:
    """Record the lesson as done (once; LessonCompleted only the first time) and evaluate course completion."""
    lesson = Lesson.objects.select_related("course").filter(pk=lesson_id).only("id", "course__status").first()
    if lesson is None or lesson.course.status not in (CourseStatus.PUBLISHED, CourseStatus.ARCHIVED):
        raise LessonNotFound()
    course_id = lesson.course_id
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().filter(user_id=user_id, course_id=course_id).first()
        if enrollment is None:
            raise LessonNotFound()
        now = timezone.now()
        _, created = LessonProgress.objects.get_or_create(
            enrollment=enrollment, lesson_id=lesson_id, defaults={"completed_at": now}
        )
        enrollment.last_lesson_id = lesson_id
        enrollment.last_activity_at = now
        enrollment.save(update_fields=["last_lesson", "last_activity_at", "updated_at"])
        if created:
            publish(LessonCompleted(lesson_id=lesson_id, course_id=course_id, user_id=user_id))
        completed = course_completion_evaluate(user_id=user_id, course_id=course_id)
    outline = list(Lesson.objects.filter(course_id=course_id).order_by(*LESSON_ORDER).values_list("id", flat=True))
    index = outline.index(lesson_id)
    return LessonCompletion(
        lesson_id=lesson_id,
        course_id=course_id,
        enrollment_id=enrollment.id,
        progress=progress_of_enrollment(enrollment_id=enrollment.id, course_id=course_id),
        next_lesson_id=outline[index + 1] if index + 1 < len(outline) else None,
        course_completed=completed,
    )
