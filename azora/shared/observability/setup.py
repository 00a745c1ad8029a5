"""Process-wide observability set-up: logging, tracing and metrics, configured once at start-up."""

from __future__ import annotations


def configure() -> None:
    """Configured fully by the observability work; safe to call more than once."""
