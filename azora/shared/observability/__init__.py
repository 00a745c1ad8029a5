"""Observability for every app: structured logs, request context, OpenTelemetry tracing and Prometheus metrics."""
