"""Aegis's periodic jobs for abuse detection: IP reputation from new security events (and its recovery), and the
clean-up of long-expired IP rules."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from azora.security import ip_rules, reputation
from azora.shared.scheduling import periodic


@periodic(name="security.refresh_ip_reputation", every=dt.timedelta(minutes=1))
@task()
def refresh_ip_reputation_task() -> int:
    """Lowers the scores of addresses with new security events and writes the recovery of the others."""
    return reputation.reputation_refresh()


@periodic(name="security.prune_ip_rules", every=dt.timedelta(hours=1))
@task()
def prune_ip_rules_task() -> int:
    """Expired rules stay listed (and in the audit trail) for the activity-log retention, then go."""
    return ip_rules.ip_rules_prune(
        now=timezone.now(), keep_expired_for=dt.timedelta(days=settings.AZORA_RETENTION_ACTIVITY_DAYS)
    )
