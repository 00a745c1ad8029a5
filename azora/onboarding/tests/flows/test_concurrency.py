"""Races on PostgreSQL: two starts of a flow at once give one session; the same step posted twice at once is done
once (one record, one event)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from azora.accounts.models import User
from azora.onboarding.errors import StepOutOfOrder
from azora.onboarding.models import OnboardingSession, StepRecord
from azora.onboarding.services import sessions, steps
from azora.onboarding.tests.flows.conftest import events_of
from azora.shared.testing.concurrency import race, race_errors

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _catalogue() -> None:
    """A transactional test starts from empty tables: the seeded flows come back."""
    importlib.import_module("azora.onboarding.migrations.0002_flow_catalogue").seed_flow_catalogue(apps)


def test_two_starts_at_once_make_one_session(learner: User) -> None:
    results = race(
        lambda: sessions.session_start(user_id=learner.id, flow="learner"),
        lambda: sessions.session_start(user_id=learner.id, flow="learner"),
    )
    assert OnboardingSession.objects.count() == 1
    views = [result[0] for result in results]  # type: ignore[index]
    assert {view.id for view in views} == {OnboardingSession.objects.get().id}
    assert sorted(result[1] for result in results) == [False, True]  # type: ignore[index]


def test_the_same_step_posted_twice_at_once_is_done_once(learner: User) -> None:
    view, _created = sessions.session_start(user_id=learner.id, flow="learner")

    def welcome() -> object:
        return steps.step_submit(session_id=view.id, user_id=learner.id, step="welcome")

    errors = race_errors(welcome, welcome)
    assert sorted(type(error).__name__ for error in errors) == ["NoneType", StepOutOfOrder.__name__]
    assert list(StepRecord.objects.values_list("step", flat=True)) == ["welcome"]
    assert len(events_of("onboarding.step_completed")) == 1
    assert OnboardingSession.objects.get().current_step == "profile"
