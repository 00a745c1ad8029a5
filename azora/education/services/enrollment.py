"""The write side of enrolment: free self-enrolment (idempotent) and enrolment by other sources (a purchase)."""

from __future__ import annotations

import re
import uuid

from django.db import IntegrityError, transaction
from django.db.models import F

from azora.education.errors import CourseNotFound, EnrollmentClosed, PaidCourseRequiresPurchase
from azora.education.events import EnrollmentCreated
from azora.education.models import Course, CourseStatus, Enrollment
from azora.education.public.courses import EnrollmentView
from azora.education.selectors.courses import enrollment_queryset, enrollment_views, may_edit_course
from azora.shared.errors import ValidationFailed
from azora.shared.events import publish

__all__ = ["enrollment_create"]

_SOURCE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


def _view(*, user_id: uuid.UUID, enrollment_id: uuid.UUID, created: bool) -> EnrollmentView:
    return enrollment_views([enrollment_queryset(user_id=user_id).get(pk=enrollment_id)], created=created)[0]


def enrollment_create(*, course_id: uuid.UUID, user_id: uuid.UUID, source: str = "self") -> EnrollmentView:
    """Enrol the user; an existing enrolment is returned unchanged (`created=False`), whatever the course's status.

    Only published courses accept new enrolments. Self-enrolment is for free courses; a paid course is enrolled
    by whoever sold it (the revenue engine passes its own `source`, e.g. "purchase").
    """
    if not _SOURCE.match(source):
        raise ValidationFailed("source must be a short lower-case word such as self or purchase.")
    existing = Enrollment.objects.filter(user_id=user_id, course_id=course_id).values_list("pk", flat=True).first()
    if existing is not None:
        return _view(user_id=user_id, enrollment_id=existing, created=False)
    course = Course.objects.filter(pk=course_id).only("id", "status", "is_paid", "organisation_id").first()
    if course is None:
        raise CourseNotFound()
    if course.status != CourseStatus.PUBLISHED:
        # An archived course was public once; a draft stays invisible to anyone who may not edit it.
        if course.status == CourseStatus.ARCHIVED or may_edit_course(user_id=user_id, course_id=course_id):
            raise EnrollmentClosed(extra={"status": course.status})
        raise CourseNotFound()
    if source == "self" and course.is_paid:
        raise PaidCourseRequiresPurchase()
    try:
        with transaction.atomic():
            enrollment = Enrollment.objects.create(course_id=course_id, user_id=user_id, source=source)
            Course.objects.filter(pk=course_id).update(enrollment_count=F("enrollment_count") + 1)
            publish(EnrollmentCreated(enrollment_id=enrollment.id, course_id=course_id, user_id=user_id, source=source))
    except IntegrityError:
        # A concurrent request enrolled the same user first; theirs is the enrolment.
        winner = Enrollment.objects.filter(user_id=user_id, course_id=course_id).values_list("pk", flat=True).first()
        if winner is None:
            raise
        return _view(user_id=user_id, enrollment_id=winner, created=False)
    return _view(user_id=user_id, enrollment_id=enrollment.id, created=True)
