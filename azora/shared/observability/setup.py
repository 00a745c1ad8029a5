"""Process-wide observability set-up: logging, tracing and metrics, configured once at start-up."""

from __future__ import annotations

import threading

from django.conf import settings

from azora.shared.observability import logging

_lock = threading.Lock()
_state = {"configured": False}


def configure() -> None:
    """Configures structured logging and (when an OTLP endpoint is set) tracing; safe to call more than once."""
    with _lock:
        if _state["configured"]:
            return
        logging.configure_logging(log_format=settings.AZORA_LOG_FORMAT, level=settings.AZORA_LOG_LEVEL)
        if settings.OTEL_EXPORTER_OTLP_ENDPOINT:
            # Imported only when used: the SDK and five instrumentations take seconds to import.
            from azora.shared.observability import tracing

            tracing.configure_tracing(
                endpoint=settings.OTEL_EXPORTER_OTLP_ENDPOINT, service_name=settings.OTEL_SERVICE_NAME
            )
        _state["configured"] = True
