"""The write side of enrolment: self-enrolment and enrolment by other sources (a purchase), revocation and
reactivation, the registered enrolment gates, and whether a course is sold."""

from __future__ import annotations

import re
import uuid

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from azora.education.errors import (
    CourseNotFound,
    EnrollmentClosed,
    EnrollmentNotFound,
    EnrollmentRevokeReasonInvalid,
    PaidCourseRequiresPurchase,
)
from azora.education.events import EnrollmentCreated, EnrollmentRevoked
from azora.education.models import Course, CourseStatus, Enrollment, EnrollmentStatus
from azora.education.public.courses import EnrollmentView
from azora.education.public.enrollment_gates import EnrollmentRequest, enrollment_gates
from azora.education.selectors.courses import enrollment_queryset, enrollment_views, may_edit_course
from azora.shared.errors import ValidationFailed
from azora.shared.events import publish

__all__ = ["course_set_paid", "enrollment_create", "enrollment_revoke"]

_SOURCE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
REASON_MAX_LENGTH = 200


def _view(*, user_id: uuid.UUID, enrollment_id: uuid.UUID, created: bool) -> EnrollmentView:
    return enrollment_views([enrollment_queryset(user_id=user_id).get(pk=enrollment_id)], created=created)[0]


def _check_gates(*, course: Course, user_id: uuid.UUID, source: str) -> None:
    """Every gate a higher layer registered (the revenue engine's plan limits); the first refusal propagates."""
    request = EnrollmentRequest(course_id=course.id, user_id=user_id, source=source, is_paid=course.is_paid)
    for gate in enrollment_gates():
        gate(request)


def enrollment_create(*, course_id: uuid.UUID, user_id: uuid.UUID, source: str = "self") -> EnrollmentView:
    """Enrol the user; an existing enrolment is returned unchanged (`created=False`), whatever the course's status.

    Only published courses accept new enrolments. Self-enrolment is for free courses; a paid course is enrolled
    by whoever sold it (the revenue engine passes its own `source`, e.g. "purchase"). The registered enrolment
    gates are asked last, inside the transaction that writes.

    A revoked enrolment is treated as no enrolment: the same checks and gates apply, and when they pass the row
    is reactivated (status active, or completed again if it was completed before; its progress kept, `source`
    the new one) and EnrollmentCreated is published again with the same enrolment id (`created=True`).
    """
    if not _SOURCE.match(source):
        raise ValidationFailed("source must be a short lower-case word such as self or purchase.")
    existing = Enrollment.objects.filter(user_id=user_id, course_id=course_id).values_list("pk", "status").first()
    if existing is not None and existing[1] != EnrollmentStatus.REVOKED:
        return _view(user_id=user_id, enrollment_id=existing[0], created=False)
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
    if existing is not None:
        return _reactivate(course=course, user_id=user_id, source=source)
    try:
        with transaction.atomic():
            _check_gates(course=course, user_id=user_id, source=source)
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


def _reactivate(*, course: Course, user_id: uuid.UUID, source: str) -> EnrollmentView:
    """A new enrolment over a revoked one (a re-purchase): under the row's lock, so only one request reactivates."""
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().get(user_id=user_id, course_id=course.id)
        if enrollment.status != EnrollmentStatus.REVOKED:  # a concurrent request reactivated it first
            return _view(user_id=user_id, enrollment_id=enrollment.id, created=False)
        _check_gates(course=course, user_id=user_id, source=source)
        enrollment.status = EnrollmentStatus.COMPLETED if enrollment.completed_at else EnrollmentStatus.ACTIVE
        enrollment.source = source
        enrollment.revoked_at = None
        enrollment.revoked_reason = ""
        # Time away while revoked is not study: the next lesson's estimate starts from now.
        enrollment.last_activity_at = timezone.now()
        enrollment.save(
            update_fields=["status", "source", "revoked_at", "revoked_reason", "last_activity_at", "updated_at"]
        )
        Course.objects.filter(pk=course.id).update(enrollment_count=F("enrollment_count") + 1)
        publish(EnrollmentCreated(enrollment_id=enrollment.id, course_id=course.id, user_id=user_id, source=source))
    return _view(user_id=user_id, enrollment_id=enrollment.id, created=True)


def enrollment_revoke(*, course_id: uuid.UUID, user_id: uuid.UUID, reason: str) -> None:
    """Withdraw the learner's access to the course, keeping the enrolment's row, progress, attempts and grades.

    Idempotent: revoking a revoked enrolment changes nothing and publishes nothing. A certificate already issued
    stays valid (certificates have their own revocation); one not yet issued can no longer be earned.
    """
    if not isinstance(reason, str) or not reason.strip() or len(reason.strip()) > REASON_MAX_LENGTH:
        raise EnrollmentRevokeReasonInvalid()
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().filter(user_id=user_id, course_id=course_id).first()
        if enrollment is None:
            raise EnrollmentNotFound()
        if enrollment.status == EnrollmentStatus.REVOKED:
            return
        enrollment.status = EnrollmentStatus.REVOKED
        enrollment.revoked_at = timezone.now()
        enrollment.revoked_reason = reason.strip()
        enrollment.save(update_fields=["status", "revoked_at", "revoked_reason", "updated_at"])
        # The catalogue's "popular" count is of learners with access.
        Course.objects.filter(pk=course_id, enrollment_count__gt=0).update(enrollment_count=F("enrollment_count") - 1)
        publish(
            EnrollmentRevoked(
                enrollment_id=enrollment.id, course_id=course_id, user_id=user_id, reason=enrollment.revoked_reason
            )
        )


def course_set_paid(*, course_id: uuid.UUID, is_paid: bool) -> None:
    """Mark the course as sold (self-enrolment then refused) or free; the revenue engine keeps it in step with the
    course's prices. Existing enrolments are untouched."""
    if not isinstance(is_paid, bool):
        raise ValidationFailed("is_paid must be true or false.")
    if not Course.objects.filter(pk=course_id).update(is_paid=is_paid, updated_at=timezone.now()):
        raise CourseNotFound()
