"""The abandon job: active sessions idle longer than AZORA_ONBOARDING_ABANDON_AFTER_DAYS are abandoned, each with an
OnboardingAbandoned event; the rest are left alone; running it again abandons nothing more."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from azora.accounts.models import User
from azora.onboarding import jobs
from azora.onboarding.models import OnboardingSession
from azora.onboarding.services import sessions
from azora.onboarding.tests.flows.conftest import events_of, finish, walk
from azora.shared.scheduling import discover_jobs

pytestmark = pytest.mark.django_db


def idle_for(session_id: uuid.UUID, days: float) -> None:
    OnboardingSession.objects.filter(id=session_id).update(last_activity_at=timezone.now() - dt.timedelta(days=days))


def test_the_job_is_scheduled_hourly() -> None:
    assert {job.name: job.every for job in discover_jobs()}["onboarding.abandon_idle_sessions"] == dt.timedelta(hours=1)


def test_a_session_idle_too_long_is_abandoned_with_an_event(learner: User, stranger: User) -> None:
    stale = walk(learner, "learner", until="goals")
    fresh = walk(stranger, "learner", until="goals")
    done = finish(stranger, "organisation")
    idle_for(stale.id, 14.01)
    idle_for(fresh.id, 13.9)
    idle_for(done.id, 100)

    assert jobs.abandon_idle_sessions_task.call() == 1

    rows = {row.id: row for row in OnboardingSession.objects.all()}
    assert rows[stale.id].status == "abandoned"
    assert rows[stale.id].abandoned_at is not None
    assert (rows[fresh.id].status, rows[done.id].status) == ("active", "completed")
    [event] = events_of("onboarding.abandoned")
    assert event == {
        "session_id": str(stale.id),
        "user_id": str(learner.id),
        "flow": "learner",
        "flow_version": 1,
        "current_step": "goals",
        "steps_done": 2,
        "steps_total": 7,
        "last_activity_at": rows[stale.id].last_activity_at.astimezone(dt.UTC).isoformat(),
        "abandoned_at": rows[stale.id].abandoned_at.astimezone(dt.UTC).isoformat(),  # type: ignore[union-attr]
    }
    assert sessions.sessions_abandon_idle() == 0
    assert len(events_of("onboarding.abandoned")) == 1


def test_the_idle_days_are_configurable(learner: User, settings: SettingsWrapper) -> None:
    settings.AZORA_ONBOARDING_ABANDON_AFTER_DAYS = 2
    view = walk(learner, "instructor", until="profile")
    idle_for(view.id, 1)
    assert sessions.sessions_abandon_idle() == 0
    idle_for(view.id, 3)
    assert sessions.sessions_abandon_idle() == 1


def test_an_abandoned_flow_starts_afresh(learner: User) -> None:
    view = walk(learner, "learner", until="goals")
    idle_for(view.id, 30)
    sessions.sessions_abandon_idle()
    again, created = sessions.session_start(user_id=learner.id, flow="learner")
    assert created is True
    assert (again.current_step, again.progress) == ("welcome", 0.0)
