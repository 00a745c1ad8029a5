"""Azora Education's periodic jobs: submitting timed attempts whose deadline has passed."""

from __future__ import annotations

import datetime as dt

from django.tasks import task

from azora.education.services.assessments import expired_attempts_submit
from azora.shared.scheduling import periodic


@periodic(name="education.submit_expired_attempts", every=dt.timedelta(minutes=1))
@task()
def submit_expired_attempts_task() -> int:
    """Auto-submits open attempts past their deadline with the answers saved so far (safe to run twice)."""
    return expired_attempts_submit()
