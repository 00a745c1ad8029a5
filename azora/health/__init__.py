"""Health Monitor: probes, liveness and readiness, uptime, SLOs, incidents and alerts."""
