"""Aegis's periodic jobs: abuse detection's expiry and reputation recovery (jobs_abuse), retention and data
exports (jobs_retention)."""

from azora.security import jobs_abuse, jobs_retention

__all__ = ["jobs_abuse", "jobs_retention"]
