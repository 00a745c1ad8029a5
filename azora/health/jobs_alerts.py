"""Health Monitor's periodic jobs for alerting: SLO burn rates, repeat and settle notifications, and alert
delivery (each delivery a task; failed ones retried with backoff)."""

from __future__ import annotations

import datetime as dt
import uuid

import structlog
from django.tasks import task
from django.utils import timezone

from azora.health import alerts, slo
from azora.shared.scheduling import periodic

logger = structlog.get_logger(__name__)


@task()
def deliver_alert_task(delivery_id: str) -> str | None:
    """Sends one alert delivery; a failure is recorded on the row for the retry job, never raised."""
    return alerts.alert_delivery_attempt(delivery_id=uuid.UUID(delivery_id))


@periodic(name="health.evaluate_alerts", every=dt.timedelta(minutes=1))
@task()
def evaluate_alerts_task() -> dict[str, int]:
    """Burn-rate alerts from the SLOs, then repeat notifications of alerts still firing and the settling of
    flapping ones. Each part runs even when another fails, so one bad SLO never mutes the rest."""
    now = timezone.now()
    outcome = {"slos": -1, "repeated": -1, "settled": -1}
    try:
        outcome["slos"] = len(slo.slo_evaluate(now=now))
    except Exception:
        logger.exception("slo_evaluation_failed")
    try:
        outcome["repeated"] = alerts.alerts_repeat_due(now=now)
        outcome["settled"] = alerts.alerts_settle(now=now)
    except Exception:
        logger.exception("alert_upkeep_failed")
    return outcome


@periodic(name="health.retry_alert_deliveries", every=dt.timedelta(minutes=1))
@task()
def retry_alert_deliveries_task() -> int:
    return alerts.alert_deliveries_retry()
