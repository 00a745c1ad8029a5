"""The learner flow step by step: each step's effect through the owning app, the events, and completion."""

from __future__ import annotations

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from azora.accounts.models import User
from azora.agents.models import MemoryItem
from azora.agents.tests.factories import MemoryItemFactory
from azora.education.models import Enrollment
from azora.education.tests.factories import course_with_lessons
from azora.onboarding.models import OnboardingSession, StepRecord
from azora.onboarding.public import flows as public
from azora.onboarding.tests.flows.conftest import events_of, start, walk
from azora.onboarding.tests.flows.factories import LearningPathFactory, PlacementAttemptFactory

pytestmark = pytest.mark.django_db


def submit(view: public.SessionView, user: User, step: str, **payload: object) -> public.SessionView:
    return public.step_submit(session_id=view.id, user_id=user.id, step=step, **payload)  # type: ignore[arg-type]


def test_welcome_is_recorded_with_an_event_and_the_session_moves_on(learner: User) -> None:
    view = submit(start(learner), learner, "welcome")
    assert (view.current_step, view.progress, view.next_url) == ("profile", round(1 / 7, 4), "")
    assert (view.steps[0].status, view.steps[0].data) == ("completed", {})
    [event] = events_of("onboarding.step_completed")
    assert event == {
        "session_id": str(view.id),
        "user_id": str(learner.id),
        "flow": "learner",
        "flow_version": 1,
        "step": "welcome",
        "kind": "welcome",
        "status": "completed",
        "steps_done": 1,
        "steps_total": 7,
        "occurred_at": event["occurred_at"],
    }


def test_profile_updates_the_name_and_country_through_accounts(learner: User) -> None:
    view = submit(walk(learner, "learner", until="profile"), learner, "profile", data={
        "display_name": " Amara  Okafor ", "country": "ng"
    })  # fmt: skip
    learner.refresh_from_db()
    assert (learner.display_name, learner.country) == ("Amara Okafor", "NG")
    assert view.steps[1].data == {"display_name": "Amara Okafor", "country": "NG"}


def test_a_blank_country_leaves_the_profiles_country(learner: User) -> None:
    learner.country = "KE"
    learner.save()
    submit(walk(learner, "learner", until="profile"), learner, "profile", data={"display_name": "Amara", "country": ""})
    learner.refresh_from_db()
    assert (learner.display_name, learner.country) == ("Amara", "KE")


def test_goals_and_interests_go_to_the_learners_memory(learner: User) -> None:
    view = submit(walk(learner, "learner", until="goals"), learner, "goals", data={
        "goals": ["Become a nurse"], "interests": ["Biology", "Chemistry"]
    })  # fmt: skip
    items = list(MemoryItem.objects.filter(user=learner).order_by("id").values_list("kind", "text", "source"))
    assert items == [
        ("goal", "Become a nurse", "onboarding"),
        ("goal", "Interested in Biology", "onboarding"),
        ("goal", "Interested in Chemistry", "onboarding"),
    ]
    recorded = view.steps[2].data
    assert recorded is not None
    assert recorded["memory_item_ids"] == [
        str(item_id) for item_id in MemoryItem.objects.filter(user=learner).order_by("id").values_list("id", flat=True)
    ]


def test_a_full_memory_does_not_stop_onboarding(learner: User, settings: SettingsWrapper) -> None:
    settings.AZORA_AGENTS_MEMORY_ITEMS = 1
    MemoryItemFactory(user=learner, kind="goal", text="Pass matric maths", source="learner")
    view = submit(walk(learner, "learner", until="goals"), learner, "goals", data={"goals": ["Become a nurse"]})
    assert view.current_step == "language"
    assert view.steps[2].data == {
        "goals": ["Become a nurse"], "interests": [], "memory_item_ids": [], "not_remembered": ["Become a nurse"],
    }  # fmt: skip
    assert list(MemoryItem.objects.filter(user=learner).values_list("text", flat=True)) == ["Pass matric maths"]


def test_language_sets_the_profile_language_and_remembers_it(learner: User) -> None:
    submit(walk(learner, "learner", until="language"), learner, "language", data={"language": "fr"})
    learner.refresh_from_db()
    assert learner.preferred_language == "fr"
    assert list(MemoryItem.objects.filter(user=learner, kind="language").values_list("text", "source")) == [
        ("fr", "onboarding")
    ]


def test_placement_takes_a_completed_attempt_of_the_learner(learner: User) -> None:
    attempt = PlacementAttemptFactory(user=learner)
    view = submit(walk(learner, "learner", until="placement"), learner, "placement", data={
        "attempt_id": str(attempt.id)
    })  # fmt: skip
    assert view.steps[4].data == {"attempt_id": str(attempt.id)}
    assert view.current_step == "plan"


def test_placement_may_be_skipped(learner: User) -> None:
    view = submit(walk(learner, "learner", until="placement"), learner, "placement", skip=True)
    assert (view.steps[4].status, view.steps[4].data) == ("skipped", {})
    assert events_of("onboarding.step_completed")[-1]["status"] == "skipped"


def test_free_is_recorded_and_pro_continues_to_the_pay_uis_plan_checkout(learner: User, stranger: User) -> None:
    free = submit(walk(learner, "learner", until="plan"), learner, "plan", data={"plan": "FREE"})
    assert (free.steps[5].data, free.next_url) == ({"plan": "free"}, "")
    pro = submit(walk(stranger, "learner", until="plan"), stranger, "plan", data={"plan": "pro"})
    assert (pro.steps[5].data, pro.next_url) == ({"plan": "pro"}, "/pay/buy/plan/pro/")


def test_the_first_lesson_enrols_in_the_chosen_course_and_opens_the_paths_lesson(learner: User) -> None:
    course, lessons = course_with_lessons()
    LearningPathFactory(user=learner, items=[{"course_id": str(course.id), "lesson_id": str(lessons[1].id)}])
    view = submit(walk(learner, "learner", until="first_lesson"), learner, "first_lesson", data={
        "course_id": str(course.id)
    })  # fmt: skip
    enrollment = Enrollment.objects.get(user=learner, course=course)
    assert view.next_url == f"/learn/{lessons[1].id}/"
    assert view.steps[6].data == {
        "course_id": str(course.id), "enrollment_id": str(enrollment.id), "lesson_id": str(lessons[1].id),
    }  # fmt: skip


def test_without_a_learning_path_the_first_lesson_is_the_courses_first(learner: User) -> None:
    course, lessons = course_with_lessons()
    view = submit(walk(learner, "learner", until="first_lesson"), learner, "first_lesson", data={
        "course_id": str(course.id)
    })  # fmt: skip
    assert view.next_url == f"/learn/{lessons[0].id}/"


def test_the_last_step_completes_the_session_with_an_event(learner: User) -> None:
    course, _lessons = course_with_lessons()
    view = walk(learner, "learner", until="first_lesson")
    view = submit(view, learner, "first_lesson", data={"course_id": str(course.id)})
    assert (view.status, view.current_step, view.progress) == ("completed", "", 1.0)
    session = OnboardingSession.objects.get(id=view.id)
    assert session.completed_at is not None
    assert view.completed_at == session.completed_at
    [event] = events_of("onboarding.completed")
    assert event == {
        "session_id": str(view.id),
        "user_id": str(learner.id),
        "flow": "learner",
        "flow_version": 1,
        "completed_steps": ["welcome", "profile", "goals", "language", "plan", "first_lesson"],
        "skipped_steps": ["placement"],
        "started_at": event["started_at"],
        "completed_at": event["completed_at"],
    }
    assert len(events_of("onboarding.step_completed")) == 7
    assert StepRecord.objects.filter(session_id=view.id).count() == 7


def test_skipping_every_skippable_step_still_completes(learner: User) -> None:
    view = walk(learner, "learner", until="goals")
    for step in ("goals", "language", "placement"):
        view = submit(view, learner, step, skip=True)
    view = submit(view, learner, "plan", data={"plan": "free"})
    view = submit(view, learner, "first_lesson", skip=True)
    assert (view.status, view.progress) == ("completed", 1.0)
    assert events_of("onboarding.completed")[0]["skipped_steps"] == ["goals", "language", "placement", "first_lesson"]
