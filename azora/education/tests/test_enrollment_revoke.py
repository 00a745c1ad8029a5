"""Revoked enrolments: no access anywhere (lessons, progress, attempts, completion, certificates, my courses), one
EnrollmentRevoked, idempotent; a new purchase (or a free self-enrolment) reactivates the same row."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from azora.accounts.tests.conftest import published, session_client
from azora.accounts.tests.factories import UserFactory
from azora.education.errors import (
    AssessmentNotFound,
    CertificateNotEarned,
    CourseNotFound,
    EnrollmentNotFound,
    EnrollmentRevokeReasonInvalid,
    PaidCourseRequiresPurchase,
)
from azora.education.events import CourseCompleted
from azora.education.models import Attempt, AttemptStatus, Certificate, Course, Enrollment, EnrollmentStatus
from azora.education.public import (
    attempt_start,
    course_detail,
    course_progress_percent,
    enrollment_create,
    enrollment_revoke,
    enrollments_of,
    is_enrolled,
    lesson_complete,
)
from azora.education.services.assessments import expired_attempts_submit
from azora.education.services.certificates import certificate_issue
from azora.education.subscribers import issue_certificate_on_course_completed
from azora.education.tests.factories import course_with_lessons
from azora.education.tests.factories_assessments import AssessmentFactory, QuestionFactory
from azora.education.tests.test_courses_api import assert_problem, send
from azora.education.tests.test_enrollment_api import state
from azora.shared.events.codec import decode_dataclass

pytestmark = pytest.mark.django_db


def _bought(**course_fields: Any) -> tuple[Course, list[Any], Any]:
    course, lessons = course_with_lessons(is_paid=True, **course_fields)
    learner = UserFactory()
    enrollment_create(course_id=course.id, user_id=learner.id, source="purchase")
    return course, lessons, learner


def test_revoking_withdraws_access_and_publishes_one_event() -> None:
    course, lessons, learner = _bought()
    lesson_complete(lesson_id=lessons[0].id, user_id=learner.id)
    enrollment = Enrollment.objects.get(user=learner)
    enrollment_revoke(course_id=course.id, user_id=learner.id, reason="  Refunded in full  ")
    row = Enrollment.objects.get(pk=enrollment.id)
    assert (row.status, row.revoked_reason) == (EnrollmentStatus.REVOKED, "Refunded in full")
    assert row.revoked_at is not None
    assert row.lesson_progress.count() == 1  # history kept
    assert Course.objects.get(pk=course.id).enrollment_count == 0
    assert published("education.enrollment_revoked") == [
        {
            "enrollment_id": str(enrollment.id),
            "course_id": str(course.id),
            "user_id": str(learner.id),
            "reason": "Refunded in full",
        }
    ]
    assert is_enrolled(user_id=learner.id, course_id=course.id) is False
    assert course_progress_percent(user_id=learner.id, course_id=course.id) == 0
    assert enrollments_of(user_id=learner.id).items == []
    detail = course_detail(slug=course.slug, viewer_id=learner.id)
    assert (detail.viewer_enrollment_id, detail.viewer_progress, detail.viewer_resume_lesson_id) == (None, None, None)


def test_revoking_again_changes_nothing() -> None:
    course, _, learner = _bought()
    enrollment_revoke(course_id=course.id, user_id=learner.id, reason="refund")
    before = state()
    revoked_at = Enrollment.objects.get(user=learner).revoked_at
    enrollment_revoke(course_id=course.id, user_id=learner.id, reason="another reason")
    assert state() == before
    assert Enrollment.objects.get(user=learner).revoked_at == revoked_at
    assert len(published("education.enrollment_revoked")) == 1


@pytest.mark.parametrize("reason", ["", "   ", "x" * 201, None])
def test_a_revocation_without_a_usable_reason_is_refused_and_changes_nothing(reason: Any) -> None:
    course, _, learner = _bought()
    before = state()
    with pytest.raises(EnrollmentRevokeReasonInvalid) as refused:
        enrollment_revoke(course_id=course.id, user_id=learner.id, reason=reason)
    assert refused.value.code == "enrollment_revoke_reason_invalid"
    assert state() == before


def test_revoking_an_enrolment_that_does_not_exist_is_not_found_and_changes_nothing() -> None:
    course, _, _ = _bought()
    before = state()
    with pytest.raises(EnrollmentNotFound) as refused:
        enrollment_revoke(course_id=course.id, user_id=UserFactory().id, reason="refund")
    assert refused.value.code == "enrollment_not_found"
    assert state() == before


def test_a_revoked_learner_gets_404_for_lessons_and_completion_and_nothing_is_written() -> None:
    course, lessons, learner = _bought()
    enrollment_revoke(course_id=course.id, user_id=learner.id, reason="refund")
    client = session_client(learner)
    before = state()
    assert_problem(send(client, "GET", f"/lessons/{lessons[0].id}"), 404, "lesson_not_found")
    assert_problem(send(client, "POST", f"/lessons/{lessons[0].id}/complete"), 404, "lesson_not_found")
    assert state() == before
    assert send(client, "GET", "/me/enrollments").json()["items"] == []
    assert send(client, "GET", f"/courses/{course.slug}").json()["viewer_enrollment_id"] is None


def test_a_revoked_learner_cannot_start_or_continue_an_attempt() -> None:
    course, _, learner = _bought()
    assessment = AssessmentFactory(course=course, questions=[QuestionFactory(course=course)])
    attempt = attempt_start(assessment_id=assessment.id, user_id=learner.id)
    enrollment_revoke(course_id=course.id, user_id=learner.id, reason="refund")
    with pytest.raises(AssessmentNotFound):
        attempt_start(assessment_id=assessment.id, user_id=learner.id)
    client = session_client(learner)
    question_id = str(attempt.questions[0].id)
    assert_problem(
        send(client, "PUT", f"/attempts/{attempt.id}/answers", {"answers": {question_id: True}}),
        404,
        "attempt_not_found",
    )
    assert_problem(
        send(client, "POST", f"/attempts/{attempt.id}/submit", {"answers": {question_id: True}}),
        404,
        "attempt_not_found",
    )
    row = Attempt.objects.get(pk=attempt.id)
    assert (row.status, row.answers, Attempt.objects.count()) == (AttemptStatus.OPEN, {}, 1)


def test_an_open_attempt_closed_by_the_expiry_job_after_revocation_announces_nothing() -> None:
    course, _, learner = _bought()
    assessment = AssessmentFactory(
        course=course, questions=[QuestionFactory(course=course)], time_limit_seconds=60, passing_percent=0
    )
    attempt = attempt_start(assessment_id=assessment.id, user_id=learner.id)
    enrollment_revoke(course_id=course.id, user_id=learner.id, reason="refund")
    assert expired_attempts_submit(now=timezone.now() + timedelta(minutes=5)) == 0  # not yet past its deadline
    Attempt.objects.filter(pk=attempt.id).update(deadline=timezone.now() - timedelta(seconds=1))
    assert expired_attempts_submit() == 1
    assert Attempt.objects.get(pk=attempt.id).status == AttemptStatus.CLOSED
    assert published("education.assessment_passed") == []
    assert published("education.assessment_failed") == []
    assert published("education.course_completed") == []
    assert Enrollment.objects.get(user=learner).status == EnrollmentStatus.REVOKED


def test_a_completed_then_revoked_enrolment_earns_no_certificate() -> None:
    course, lessons, learner = _bought(modules=1, lessons_per_module=1)
    completion = lesson_complete(lesson_id=lessons[0].id, user_id=learner.id)
    assert completion.course_completed is True
    enrollment_revoke(course_id=course.id, user_id=learner.id, reason="refund")
    with pytest.raises(CertificateNotEarned):
        certificate_issue(enrollment_id=completion.enrollment_id)
    payload = published("education.course_completed")[0]
    event = decode_dataclass(CourseCompleted, payload if isinstance(payload, dict) else json.loads(str(payload)))
    issue_certificate_on_course_completed(event)  # the subscriber gives up quietly: nothing to retry
    assert Certificate.objects.count() == 0


def test_a_new_purchase_reactivates_the_revoked_enrolment_with_its_progress() -> None:
    course, lessons, learner = _bought()
    first = Enrollment.objects.get(user=learner)
    lesson_complete(lesson_id=lessons[0].id, user_id=learner.id)
    enrollment_revoke(course_id=course.id, user_id=learner.id, reason="refund")
    again = enrollment_create(course_id=course.id, user_id=learner.id, source="purchase")
    assert (again.id, again.created, again.status, again.source) == (first.id, True, "active", "purchase")
    assert again.progress.completed_lessons == 1
    row = Enrollment.objects.get(pk=first.id)
    assert (row.revoked_at, row.revoked_reason) == (None, "")
    assert Course.objects.get(pk=course.id).enrollment_count == 1
    assert [event["enrollment_id"] for event in published("education.enrollment_created")] == [str(first.id)] * 2
    assert is_enrolled(user_id=learner.id, course_id=course.id) is True
    assert [view.id for view in enrollments_of(user_id=learner.id).items] == [first.id]


def test_a_completed_enrolment_comes_back_completed() -> None:
    course, lessons, learner = _bought(modules=1, lessons_per_module=1)
    lesson_complete(lesson_id=lessons[0].id, user_id=learner.id)
    enrollment_revoke(course_id=course.id, user_id=learner.id, reason="refund")
    again = enrollment_create(course_id=course.id, user_id=learner.id, source="purchase")
    assert (again.status, again.completed_at is not None) == ("completed", True)
    assert len(published("education.course_completed")) == 1


def test_self_enrolment_over_a_revoked_paid_course_still_needs_a_purchase() -> None:
    course, _, learner = _bought()
    enrollment_revoke(course_id=course.id, user_id=learner.id, reason="refund")
    before = state()
    with pytest.raises(PaidCourseRequiresPurchase):
        enrollment_create(course_id=course.id, user_id=learner.id)
    assert state() == before


def test_self_enrolment_over_a_revoked_free_course_reactivates_it() -> None:
    course, _ = course_with_lessons()
    learner = UserFactory()
    first = enrollment_create(course_id=course.id, user_id=learner.id)
    enrollment_revoke(course_id=course.id, user_id=learner.id, reason="removed by an admin")
    again = enrollment_create(course_id=course.id, user_id=learner.id)
    assert (again.id, again.created, again.status) == (first.id, True, "active")


def test_an_archived_course_disappears_for_a_revoked_learner() -> None:
    course, _, learner = _bought()
    Course.objects.filter(pk=course.id).update(status="archived")
    assert course_detail(slug=course.slug, viewer_id=learner.id).viewer_enrollment_id is not None
    enrollment_revoke(course_id=course.id, user_id=learner.id, reason="refund")
    with pytest.raises(CourseNotFound):
        course_detail(slug=course.slug, viewer_id=learner.id)
