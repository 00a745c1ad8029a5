"""Sessions: start or resume, the frozen steps and version, the suggested type, whose session is whose."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from azora.accounts.models import User
from azora.accounts.public import platform_role_grant
from azora.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from azora.onboarding.errors import FlowNotFound, SessionNotFound
from azora.onboarding.models import Flow, OnboardingSession
from azora.onboarding.public import flows as public
from azora.onboarding.services import sessions, steps
from azora.onboarding.tests.flows.conftest import finish, start, verified_email, walk
from azora.onboarding.tests.flows.factories import OnboardingSessionFactory

pytestmark = pytest.mark.django_db


def test_a_new_session_freezes_the_flows_steps_and_version(learner: User) -> None:
    view, created = sessions.session_start(user_id=learner.id, flow="learner")
    assert created is True
    row = OnboardingSession.objects.get(id=view.id)
    assert row.steps == Flow.objects.get(slug="learner").steps
    assert (view.flow, view.flow_version, view.status, view.current_step, view.progress) == (
        "learner", 1, "active", "welcome", 0.0,
    )  # fmt: skip
    assert [step.slug for step in view.steps] == [
        "welcome", "profile", "goals", "language", "placement", "plan", "first_lesson",
    ]  # fmt: skip
    assert view.steps[0].title == "Welcome to Azora"
    assert view.steps[0].guide.startswith("Hello, I'm Elara.")
    assert {step.status for step in view.steps} == {""}
    assert view.completed_at is None


def test_starting_again_resumes_the_active_session(learner: User) -> None:
    first = walk(learner, "learner", until="goals")
    again, created = sessions.session_start(user_id=learner.id, flow="learner")
    assert created is False
    assert again.id == first.id
    assert again.current_step == "goals"
    assert again.progress == round(2 / 7, 4)
    assert OnboardingSession.objects.filter(user=learner).count() == 1


def test_an_edit_of_the_flow_leaves_a_session_in_progress_alone(learner: User) -> None:
    session = start(learner)
    flow = Flow.objects.get(slug="learner")
    flow.steps = [step for step in flow.steps if step["slug"] != "goals"]
    flow.version = 2
    flow.save()
    view = public.session_get(session_id=session.id, user_id=learner.id)
    assert view.flow_version == 1
    assert "goals" in [step.slug for step in view.steps]
    other = start(UserFactory())
    assert other.flow_version == 2
    assert "goals" not in [step.slug for step in other.steps]


def test_with_no_flow_the_active_session_is_resumed_else_the_suggested_type_started(learner: User) -> None:
    instructor_session = start(learner, "instructor")
    assert public.session_start(user_id=learner.id).id == instructor_session.id

    student = UserFactory(email="thandi@uct.ac.za")
    view = public.session_start(user_id=student.id)
    assert (view.flow, view.suggested_type) == ("learner", "learner")
    assert view.suggestion_reason == "Your email address at ac.za suggests you are a student."


def test_a_completed_flow_returns_its_completed_session_and_an_abandoned_one_starts_afresh(learner: User) -> None:
    done = finish(learner, "organisation")
    assert done.status == "completed"
    assert start(learner, "organisation").id == done.id

    abandoned = OnboardingSessionFactory(user=learner, status="abandoned", abandoned_at=timezone.now())
    fresh, created = sessions.session_start(user_id=learner.id, flow="learner")
    assert created is True
    assert fresh.id != abandoned.id


@pytest.mark.parametrize("flow", ["dancer", ""])
def test_an_unknown_flow_is_not_found(learner: User, flow: str) -> None:
    with pytest.raises(FlowNotFound):
        sessions.session_start(user_id=learner.id, flow=flow or " ")
    assert not OnboardingSession.objects.exists()


def test_an_inactive_flow_is_not_offered(learner: User) -> None:
    Flow.objects.filter(slug="instructor").update(is_active=False)
    with pytest.raises(FlowNotFound):
        start(learner, "instructor")
    assert [flow.slug for flow in public.flows_list()] == ["learner", "organisation"]


def test_another_users_session_is_not_found(learner: User, stranger: User) -> None:
    session = start(learner)
    with pytest.raises(SessionNotFound):
        public.session_get(session_id=session.id, user_id=stranger.id)
    assert public.session_get(session_id=session.id, user_id=learner.id).id == session.id


def test_the_current_session_is_the_most_recently_active_one(learner: User) -> None:
    assert public.session_current(user_id=learner.id) is None
    learner_session = start(learner, "learner")
    instructor_session = start(learner, "instructor")
    OnboardingSession.objects.filter(id=instructor_session.id).update(
        last_activity_at=timezone.now() - dt.timedelta(hours=1)
    )
    current = public.session_current(user_id=learner.id)
    assert current is not None
    assert current.id == learner_session.id
    steps.step_submit(session_id=instructor_session.id, user_id=learner.id, step="welcome")
    current = public.session_current(user_id=learner.id)
    assert current is not None
    assert current.id == instructor_session.id


def test_the_latest_session_is_the_active_one_else_the_newest_completed(learner: User) -> None:
    assert public.session_latest(user_id=learner.id) is None
    done = finish(learner, "organisation")
    latest = public.session_latest(user_id=learner.id)
    assert latest is not None
    assert (latest.id, latest.status) == (done.id, "completed")
    active = start(learner, "learner")
    latest = public.session_latest(user_id=learner.id)
    assert latest is not None
    assert latest.id == active.id


# --- type detection from the sign-up data ---


def test_a_verified_student_address_suggests_a_student(learner: User) -> None:
    verified_email(learner, "amara@students.wits.ac.za")
    assert public.type_suggest(user_id=learner.id) == public.TypeSuggestion(
        user_type="learner", is_student=True, reason="Your email address at ac.za suggests you are a student."
    )


def test_the_configured_student_domains_are_used(learner: User, settings: SettingsWrapper) -> None:
    settings.AZORA_REVENUE_STUDENT_DOMAINS = ["example.test"]
    assert public.type_suggest(user_id=learner.id).is_student is True


def test_an_instructor_or_an_organisation_manager_gets_their_type(learner: User) -> None:
    assert public.type_suggest(user_id=learner.id) == public.TypeSuggestion(
        user_type="learner", is_student=False, reason="Most people start on Azora as learners."
    )
    MembershipFactory(user=learner, organisation=OrganisationFactory(), role="member")
    assert public.type_suggest(user_id=learner.id).user_type == "learner"
    MembershipFactory(user=learner, organisation=OrganisationFactory(), role="admin")
    assert public.type_suggest(user_id=learner.id).user_type == "organisation"
    platform_role_grant(user_id=learner.id, role="instructor")
    assert public.type_suggest(user_id=learner.id).user_type == "instructor"
