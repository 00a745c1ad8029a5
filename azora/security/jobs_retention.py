"""Aegis's periodic jobs for data protection: retention of activity logs and sessions, expiry of data exports."""

from __future__ import annotations

import datetime as dt

from django.tasks import task

from azora.security import retention
from azora.shared.scheduling import periodic


@periodic(name="security.apply_retention", every=dt.timedelta(hours=1))
@task()
def apply_retention_task() -> dict[str, int]:
    """Prunes what is past its retention; safe to run twice (the second run finds nothing)."""
    return retention.retention_run()
