"""The onboarding demo: the demo learner's completed learner onboarding, placement and learning path."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from azora.accounts.public import active_user_id_by_email, user_profile
from azora.agents.models import MemoryItem
from azora.education.models import Enrollment
from azora.onboarding import public as onboarding
from azora.onboarding.demo import DEMO_GOALS, DEMO_INTERESTS
from azora.onboarding.models import LearningPath, OnboardingSession, PlacementAttempt, StepRecord
from azora.shared import demo
from azora.shared.models import OutboxEvent

pytestmark = pytest.mark.django_db

ONBOARDING_ORDER = 80
LEARNER_STEPS = ["welcome", "profile", "goals", "language", "placement", "plan", "first_lesson"]
# Money right throughout, the other subjects right and wrong in turn: the same levels whatever the attempt's seed.
ESTIMATES = {
    "civics-and-law": "beginner",
    "money-and-finance": "intermediate",
    "technology": "beginner",
    "work-and-career": "intermediate",
}
PATH_COURSES = {
    "credit-and-debt",
    "elections-and-voting",
    "how-the-web-works",
    "python-basics",
    "sa-constitution-introduction",
    "start-a-small-business",
}


def _load(*names: str, capture: Any) -> None:
    with capture(execute=True):
        demo.load_demo_data(only=list(names))


def _below_agents() -> list[str]:
    """The demos onboarding builds on (the agents demo, which it does not need, is left out: it is slow)."""
    return [entry.name for entry in demo.registered_loaders() if entry.order < 70]


def _counts() -> tuple[int, ...]:
    return (
        OnboardingSession.objects.count(),
        StepRecord.objects.count(),
        PlacementAttempt.objects.count(),
        LearningPath.objects.count(),
        MemoryItem.objects.count(),
        Enrollment.objects.count(),
        OutboxEvent.objects.count(),
    )


def test_the_onboarding_demo_runs_after_education_revenue_and_agents() -> None:
    orders = {entry.name: entry.order for entry in demo.registered_loaders()}
    assert orders["onboarding"] == ONBOARDING_ORDER
    assert max(orders["education"], orders["revenue.checkout"], orders["agents"]) < orders["onboarding"]


def test_the_demo_learner_has_finished_onboarding_with_a_learning_path(
    django_capture_on_commit_callbacks: Any,
) -> None:
    _load(*_below_agents(), capture=django_capture_on_commit_callbacks)
    learner_id = active_user_id_by_email(email="learner@azora.local")
    assert learner_id is not None
    enrolled_before = set(Enrollment.objects.filter(user_id=learner_id).values_list("course__slug", flat=True))

    _load("onboarding", capture=django_capture_on_commit_callbacks)

    session = onboarding.session_latest(user_id=learner_id)
    assert session is not None
    assert (session.flow, session.status, session.progress, session.current_step) == ("learner", "completed", 1.0, "")
    assert [step.slug for step in session.steps] == LEARNER_STEPS
    assert {step.status for step in session.steps} == {"completed"}  # nothing skipped
    data = {step.slug: step.data or {} for step in session.steps}
    assert data["profile"] == {"display_name": "Sipho Learner", "country": "ZA"}
    assert data["plan"] == {"plan": "free"}
    assert OnboardingSession.objects.filter(user_id=learner_id).count() == 1
    assert user_profile(user_id=learner_id).country == "ZA"
    assert user_profile(user_id=learner_id).preferred_language == "en"
    remembered = sorted(MemoryItem.objects.filter(user_id=learner_id).values_list("kind", "text", "source"))
    assert remembered == sorted(
        [("goal", goal, "onboarding") for goal in DEMO_GOALS]
        + [("goal", f"Interested in {interest}", "onboarding") for interest in DEMO_INTERESTS]
        + [("language", "en", "onboarding")]
    )

    # The placement: answered to the end through placement_answer, ten items, the same levels every time.
    attempt = PlacementAttempt.objects.get(user_id=learner_id)
    assert str(attempt.id) == data["placement"]["attempt_id"]
    assert attempt.status == "completed"
    assert len(attempt.items) == 10
    answered: dict[str, list[bool]] = {}
    for item in attempt.items:
        answered.setdefault(item["subject"], []).append(item["is_correct"])
    for subject, right in answered.items():
        expected = [True] * len(right) if subject == "money-and-finance" else [n % 2 == 0 for n in range(len(right))]
        assert right == expected, subject
    assert attempt.estimates == ESTIMATES
    path = onboarding.learning_path_of(user_id=learner_id)
    assert path is not None
    assert path.attempt_id == attempt.id
    assert path.estimates == ESTIMATES
    assert len(path.items) == 6
    assert {item.course_slug for item in path.items} == PATH_COURSES
    assert all(item.lesson_id is not None and item.reason for item in path.items)
    # The first lesson step enrolled the learner in the path's first course.
    first = path.items[0]
    assert data["first_lesson"]["course_id"] == str(first.course_id)
    assert data["first_lesson"]["lesson_id"] == str(first.lesson_id)
    enrolled = set(Enrollment.objects.filter(user_id=learner_id).values_list("course__slug", flat=True))
    assert enrolled == enrolled_before | {first.course_slug}

    # A second run (every embedded start) changes nothing.
    before = _counts()
    _load("onboarding", capture=django_capture_on_commit_callbacks)
    assert _counts() == before


def test_a_session_left_half_way_is_resumed_not_duplicated(django_capture_on_commit_callbacks: Any) -> None:
    _load(*_below_agents(), capture=django_capture_on_commit_callbacks)
    learner_id = active_user_id_by_email(email="learner@azora.local")
    assert learner_id is not None
    started = onboarding.session_start(user_id=learner_id, flow="learner")
    onboarding.step_submit(session_id=started.id, user_id=learner_id, step="welcome", data={})
    onboarding.step_submit(session_id=started.id, user_id=learner_id, step="profile", data={"display_name": "Sipho"})

    _load("onboarding", capture=django_capture_on_commit_callbacks)

    session = onboarding.session_get(session_id=started.id, user_id=learner_id)
    assert (session.status, session.progress) == ("completed", 1.0)
    assert OnboardingSession.objects.filter(user_id=learner_id).count() == 1
    # What the learner entered stays; the demo went on from the step they had reached.
    profile = next(step.data for step in session.steps if step.slug == "profile")
    assert profile == {"display_name": "Sipho", "country": ""}
    assert onboarding.learning_path_of(user_id=learner_id) is not None


def test_without_the_demo_catalogue_the_first_lesson_is_skipped(django_capture_on_commit_callbacks: Any) -> None:
    """No courses: the placement completes at once with an empty path, so the (skippable) first lesson is skipped;
    with the accounts demo alone the onboarding still completes, every step through the public functions."""
    _load("accounts", capture=django_capture_on_commit_callbacks)
    learner_id = active_user_id_by_email(email="learner@azora.local")
    assert learner_id is not None

    _load("onboarding", capture=django_capture_on_commit_callbacks)

    session = onboarding.session_latest(user_id=learner_id)
    assert session is not None
    assert session.status == "completed"
    statuses = {step.slug: step.status for step in session.steps}
    assert statuses["first_lesson"] == "skipped"
    assert Enrollment.objects.count() == 0


def test_without_the_demo_accounts_it_logs_and_returns(
    django_capture_on_commit_callbacks: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="azora.onboarding.demo"):
        _load("onboarding", capture=django_capture_on_commit_callbacks)

    assert _counts() == (0, 0, 0, 0, 0, 0, 0)
    assert [record.getMessage() for record in caplog.records if record.name == "azora.onboarding.demo"] == [
        "Onboarding demo skipped: the demo account learner@azora.local does not exist."
    ]
