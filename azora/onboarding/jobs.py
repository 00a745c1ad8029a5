"""Onboarding's periodic jobs: sessions left idle too long are marked abandoned (an event each)."""

from __future__ import annotations

import datetime as dt

from django.tasks import task

from azora.onboarding.services import sessions
from azora.shared.scheduling import periodic

# --- Flows and sessions -----------------------------------------------------------------------


@periodic(name="onboarding.abandon_idle_sessions", every=dt.timedelta(hours=1))
@task()
def abandon_idle_sessions_task() -> int:
    """Abandons every active session idle longer than AZORA_ONBOARDING_ABANDON_AFTER_DAYS (OnboardingAbandoned)."""
    return sessions.sessions_abandon_idle()
