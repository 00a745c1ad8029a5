"""Enrolment gates registered by a higher layer: asked for new enrolments only, after Education's own checks,
inside the writing transaction; a refusal is a problem response and changes nothing."""

from __future__ import annotations

import pytest

from azora.accounts.tests.conftest import session_client
from azora.accounts.tests.factories import UserFactory
from azora.education.errors import EnrollmentClosed, PaidCourseRequiresPurchase
from azora.education.public import (
    EnrollmentRequest,
    enrollment_create,
    enrollment_gates,
    enrollment_gates_swapped,
    enrollment_revoke,
    register_enrollment_gate,
)
from azora.education.tests.factories import CourseFactory, course_with_lessons
from azora.education.tests.test_courses_api import assert_problem, send
from azora.education.tests.test_enrollment_api import state
from azora.shared.errors import Conflict

pytestmark = pytest.mark.django_db


class MonthlyLimitReached(Conflict):
    code = "test_enrolment_limit_reached"
    title = "The plan's enrolments for this month are used up."


class RecordingGate:
    """Remembers every request; refuses when told to."""

    def __init__(self, *, refuse: bool = False) -> None:
        self.requests: list[EnrollmentRequest] = []
        self.refuse = refuse

    def __call__(self, request: EnrollmentRequest) -> None:
        self.requests.append(request)
        if self.refuse:
            raise MonthlyLimitReached(extra={"limit": 5})


def test_a_new_enrolment_asks_every_gate_in_order_with_the_request() -> None:
    course, _ = course_with_lessons()
    paid, _ = course_with_lessons(is_paid=True)
    learner = UserFactory()
    first, second = RecordingGate(), RecordingGate()
    with enrollment_gates_swapped([first, second]):
        enrollment_create(course_id=course.id, user_id=learner.id)
        enrollment_create(course_id=paid.id, user_id=learner.id, source="purchase")
    expected = [
        EnrollmentRequest(course_id=course.id, user_id=learner.id, source="self", is_paid=False),
        EnrollmentRequest(course_id=paid.id, user_id=learner.id, source="purchase", is_paid=True),
    ]
    assert first.requests == expected
    assert second.requests == expected


def test_an_existing_enrolment_is_returned_without_asking_the_gates() -> None:
    course, _ = course_with_lessons()
    learner = UserFactory()
    enrollment_create(course_id=course.id, user_id=learner.id)
    gate = RecordingGate(refuse=True)
    with enrollment_gates_swapped([gate]):
        again = enrollment_create(course_id=course.id, user_id=learner.id)
    assert again.created is False
    assert gate.requests == []


def test_education_refuses_closed_and_paid_courses_before_any_gate_is_asked() -> None:
    draft = CourseFactory()
    paid, _ = course_with_lessons(is_paid=True)
    gate = RecordingGate()
    with enrollment_gates_swapped([gate]):
        with pytest.raises(EnrollmentClosed):
            enrollment_create(course_id=draft.id, user_id=draft.created_by_id)
        with pytest.raises(PaidCourseRequiresPurchase):
            enrollment_create(course_id=paid.id, user_id=UserFactory().id)
    assert gate.requests == []


def test_a_refusing_gate_stops_the_enrolment_and_nothing_is_written() -> None:
    course, _ = course_with_lessons()
    learner = UserFactory()
    before = state()
    with enrollment_gates_swapped([RecordingGate(refuse=True)]), pytest.raises(MonthlyLimitReached) as refused:
        enrollment_create(course_id=course.id, user_id=learner.id)
    assert refused.value.extra == {"limit": 5}
    assert state() == before


def test_a_refusal_through_the_api_is_the_gates_problem_and_changes_nothing() -> None:
    course, _ = course_with_lessons()
    client = session_client(UserFactory())
    before = state()
    with enrollment_gates_swapped([RecordingGate(refuse=True)]):
        body = assert_problem(
            send(client, "POST", f"/courses/{course.id}/enrollments"), 409, "test_enrolment_limit_reached"
        )
    assert body["title"] == "The plan's enrolments for this month are used up."
    assert state() == before


def test_reactivating_a_revoked_enrolment_asks_the_gates_and_a_refusal_keeps_it_revoked() -> None:
    course, _ = course_with_lessons(is_paid=True)
    learner = UserFactory()
    enrollment_create(course_id=course.id, user_id=learner.id, source="purchase")
    enrollment_revoke(course_id=course.id, user_id=learner.id, reason="refund")
    before = state()
    gate = RecordingGate(refuse=True)
    with enrollment_gates_swapped([gate]), pytest.raises(MonthlyLimitReached):
        enrollment_create(course_id=course.id, user_id=learner.id, source="purchase")
    assert gate.requests == [
        EnrollmentRequest(course_id=course.id, user_id=learner.id, source="purchase", is_paid=True)
    ]
    assert state() == before


def test_registering_a_gate_twice_keeps_one_and_a_swap_restores_what_was_registered() -> None:
    gate, other = RecordingGate(), RecordingGate()
    with enrollment_gates_swapped([other]):
        register_enrollment_gate(gate)
        register_enrollment_gate(gate)
        assert enrollment_gates() == (other, gate)
        with enrollment_gates_swapped():
            assert enrollment_gates() == ()
        assert enrollment_gates() == (other, gate)
    assert enrollment_gates() == ()  # Education's tests run with no gate (tests/conftest.py)
