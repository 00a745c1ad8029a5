"""Health Monitor's periodic jobs: probe rounds and history roll-ups (jobs_probes), SLO burn rates, alert
delivery and maintenance (jobs_alerts)."""

from azora.health import jobs_alerts, jobs_probes

__all__ = ["jobs_alerts", "jobs_probes"]
