"""A refused step changes nothing: no StepRecord, no profile change, no enrolment, no memory, no event.

Out of order, a non-skippable skip, invalid data, a closed session, an unknown step, someone else's session or
placement attempt, and an effect the owning app refuses (rolled back with everything before it)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from azora.accounts.errors import AlreadyMember, ProfileInvalid
from azora.accounts.models import User
from azora.education.errors import CourseNotFound, PaidCourseRequiresPurchase
from azora.education.tests.factories import CourseFactory, course_with_lessons
from azora.onboarding.errors import (
    SessionClosed,
    SessionNotFound,
    StepDataInvalid,
    StepNotSkippable,
    StepOutOfOrder,
    StepUnknown,
)
from azora.onboarding.models import OnboardingSession
from azora.onboarding.public import flows as public
from azora.onboarding.tests.flows.conftest import finish, start, walk
from azora.onboarding.tests.flows.factories import PlacementAttemptFactory

pytestmark = pytest.mark.django_db

Snapshot = Callable[[User], dict[str, Any]]


def refused(
    snapshot: Snapshot, user: User, error: type[Exception], session_id: uuid.UUID, step: str, **payload: Any
) -> Exception:
    before = snapshot(user)
    with pytest.raises(error) as raised:
        public.step_submit(session_id=session_id, user_id=user.id, step=step, **payload)
    assert snapshot(user) == before
    return raised.value


def test_a_step_after_the_current_one_is_out_of_order(learner: User, snapshot: Snapshot) -> None:
    view = start(learner)
    error = refused(snapshot, learner, StepOutOfOrder, view.id, "profile", data={"display_name": "Amara"})
    assert error.extra == {"step": "profile", "current_step": "welcome"}  # type: ignore[attr-defined]


def test_a_step_already_done_cannot_be_posted_again(learner: User, snapshot: Snapshot) -> None:
    view = walk(learner, "learner", until="goals")
    error = refused(snapshot, learner, StepOutOfOrder, view.id, "profile", data={"display_name": "Someone Else"})
    assert error.extra == {"step": "profile", "current_step": "goals"}  # type: ignore[attr-defined]


def test_a_step_that_may_not_be_skipped(learner: User, snapshot: Snapshot) -> None:
    view = walk(learner, "learner", until="profile")
    refused(snapshot, learner, StepNotSkippable, view.id, "profile", skip=True)


def test_an_unknown_step(learner: User, snapshot: Snapshot) -> None:
    view = start(learner)
    error = refused(snapshot, learner, StepUnknown, view.id, "credentials")
    assert error.extra["steps"][0] == "welcome"  # type: ignore[attr-defined]


def test_invalid_profile_data_changes_nothing(learner: User, snapshot: Snapshot) -> None:
    view = walk(learner, "learner", until="profile")
    error = refused(snapshot, learner, StepDataInvalid, view.id, "profile", data={"display_name": "", "country": "X"})
    assert error.extra == {  # type: ignore[attr-defined]
        "step": "profile",
        "errors": [
            {"field": "display_name", "message": "This field is required."},
            {"field": "country", "message": "A two-letter country code (ISO 3166-1), e.g. ZA."},
        ],
    }


def test_a_country_accounts_does_not_know_is_refused_by_accounts_and_rolled_back(
    learner: User, snapshot: Snapshot
) -> None:
    view = walk(learner, "learner", until="profile")
    refused(snapshot, learner, ProfileInvalid, view.id, "profile", data={"display_name": "Amara", "country": "XX"})


def test_invalid_goals_remember_nothing(learner: User, snapshot: Snapshot) -> None:
    view = walk(learner, "learner", until="goals")
    refused(snapshot, learner, StepDataInvalid, view.id, "goals", data={"goals": ["ok", "x" * 201]})


def test_someone_elses_placement_attempt_is_refused(learner: User, stranger: User, snapshot: Snapshot) -> None:
    view = walk(learner, "learner", until="placement")
    theirs = PlacementAttemptFactory(user=stranger)
    refused(snapshot, learner, StepDataInvalid, view.id, "placement", data={"attempt_id": str(theirs.id)})
    in_progress = PlacementAttemptFactory(user=learner, status="active", completed_at=None)
    refused(snapshot, learner, StepDataInvalid, view.id, "placement", data={"attempt_id": str(in_progress.id)})


def test_a_course_the_learner_cannot_enrol_in_leaves_no_enrolment_no_record_no_event(
    learner: User, snapshot: Snapshot
) -> None:
    view = walk(learner, "learner", until="first_lesson")
    paid, _lessons = course_with_lessons(is_paid=True)
    refused(snapshot, learner, PaidCourseRequiresPurchase, view.id, "first_lesson", data={"course_id": str(paid.id)})
    draft = CourseFactory()
    refused(snapshot, learner, CourseNotFound, view.id, "first_lesson", data={"course_id": str(draft.id)})
    refused(snapshot, learner, StepDataInvalid, view.id, "first_lesson", data={"course_id": "42"})


def test_a_first_course_without_a_title_creates_no_course(learner: User, snapshot: Snapshot) -> None:
    view = walk(learner, "instructor", until="first_course")
    refused(snapshot, learner, StepDataInvalid, view.id, "first_course", data={"summary": "No title"})


def test_an_invitation_accounts_refuses_rolls_back_the_other_invitations(learner: User, snapshot: Snapshot) -> None:
    view = walk(learner, "organisation", until="invite_members")
    # The inviter is already a member: accounts refuses that one, so the first invitation is rolled back too.
    data = {"emails": ["thabo@example.test", learner.email]}
    refused(snapshot, learner, AlreadyMember, view.id, "invite_members", data=data)


def test_a_completed_or_abandoned_session_is_closed(learner: User, snapshot: Snapshot) -> None:
    done = finish(learner, "organisation")
    error = refused(snapshot, learner, SessionClosed, done.id, "sso", skip=True)
    assert error.extra == {"status": "completed"}  # type: ignore[attr-defined]
    view = start(learner, "learner")
    OnboardingSession.objects.filter(id=view.id).update(status="abandoned", abandoned_at=timezone.now())
    refused(snapshot, learner, SessionClosed, view.id, "welcome")


def test_someone_elses_session_is_not_found(learner: User, stranger: User, snapshot: Snapshot) -> None:
    view = start(learner)
    before = snapshot(learner)
    refused(snapshot, stranger, SessionNotFound, view.id, "welcome")
    refused(snapshot, learner, SessionNotFound, uuid.uuid4(), "welcome")
    assert snapshot(learner) == before
