"""Structured logging: structlog and the standard library's loggers, configured once to write one line per event."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping
from typing import Any, TextIO

import structlog
from opentelemetry import trace
from structlog.tracebacks import ExceptionDictTransformer
from structlog.typing import EventDict, Processor, WrappedLogger

# Every JSON line starts with these keys, in this order, present even when unknown (null).
LEADING_KEYS = ("timestamp", "level", "logger", "event", "request_id", "user_id", "trace_id", "span_id")
REDACTED = "[redacted]"
# A key is sensitive when its lower-cased name contains one of these.
SENSITIVE_KEY_PARTS = (
    "password", "passwd", "secret", "token", "authorization", "cookie", "api_key", "apikey", "sessionid", "csrf",
    "private_key",
)  # fmt: skip
_CREDENTIAL_IN_TEXT = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+")
# Loggers that other libraries (or a server that configured logging before Django) may have given their own
# handlers; they all go through ours instead, so every line has one format.
ROUTED_LOGGERS = (
    "django", "django.request", "django.server", "django.db.backends", "allauth", "granian", "_granian",
    "granian.access", "django_tasks", "django_tasks_db", "opentelemetry",
)  # fmt: skip
# Django logs every 4xx as a warning on django.request; the access log already has one line per request.
QUIETER_LOGGERS = {"django.request": logging.ERROR}
_HANDLER_MARK = "_azora_handler"


def redact_sensitive(logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
    """Replaces the values of sensitive keys, and credentials written inside text, with a marker."""
    return {key: _redacted(key, value) for key, value in event_dict.items()}


def _redacted(key: str, value: Any) -> Any:
    if _is_sensitive(key):
        return REDACTED
    if isinstance(value, str):
        return _CREDENTIAL_IN_TEXT.sub(lambda match: f"{match.group(1)} {REDACTED}", value)
    if isinstance(value, Mapping):
        return {inner_key: _redacted(str(inner_key), inner) for inner_key, inner in value.items()}
    if isinstance(value, list | tuple):
        return [_redacted("", item) for item in value]
    return value


def _is_sensitive(key: str) -> bool:
    lowered = key.lower()
    return any(part in lowered for part in SENSITIVE_KEY_PARTS)


def add_trace_context(logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
    """The active OpenTelemetry span's ids win over the request's bound trace id (they agree at the server span)."""
    span_context = trace.get_current_span().get_span_context()
    if span_context.is_valid:
        event_dict["trace_id"] = format(span_context.trace_id, "032x")
        event_dict["span_id"] = format(span_context.span_id, "016x")
    return event_dict


def drop_request_paths(logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
    """Django's request errors end in the raw path ("Internal Server Error: /invitations/<token>/accept").

    A path can carry a secret; the access line of the same request id names its route instead.
    """
    if event_dict.get("logger") == "django.request" and isinstance(event_dict.get("event"), str):
        event_dict["event"] = event_dict["event"].split(": /", 1)[0]
    return event_dict


def order_keys(logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
    """Puts the leading keys first (null when unknown), so every line has the same shape."""
    ordered: EventDict = {key: event_dict.pop(key, None) for key in LEADING_KEYS}
    ordered.update(event_dict)
    return ordered


def _shared_processors() -> list[Processor]:
    """What both structlog's and the standard library's records go through before rendering."""
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.PositionalArgumentsFormatter(),
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="timestamp"),
        add_trace_context,
    ]


def _renderers(log_format: str) -> list[Processor]:
    if log_format == "json":
        # Locals are left out of tracebacks: they hold passwords and tokens as often as not.
        exceptions = structlog.processors.ExceptionRenderer(ExceptionDictTransformer(show_locals=False))
        return [exceptions, redact_sensitive, order_keys, structlog.processors.JSONRenderer()]
    return [redact_sensitive, structlog.dev.ConsoleRenderer(colors=False)]


def build_handler(*, log_format: str, stream: TextIO) -> logging.Handler:
    formatter = structlog.stdlib.ProcessorFormatter(
        # Django passes the request object as an `extra`; only plain, safe fields are kept.
        foreign_pre_chain=[
            *_shared_processors(),
            structlog.stdlib.ExtraAdder(allow=("status_code",)),
            drop_request_paths,
        ],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *_renderers(log_format)],
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    setattr(handler, _HANDLER_MARK, True)
    return handler


def configure_logging(*, log_format: str, level: str, stream: TextIO | None = None) -> None:
    """Routes structlog and every standard-library logger to one handler; calling it again replaces that handler."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_shared_processors(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    root = logging.getLogger()
    for existing in list(root.handlers):
        if getattr(existing, _HANDLER_MARK, False) or not _configured_before():
            root.removeHandler(existing)
    root.addHandler(build_handler(log_format=log_format, stream=stream or sys.stdout))
    root.setLevel(level.upper())
    for name in ROUTED_LOGGERS:
        routed = logging.getLogger(name)
        routed.handlers.clear()
        routed.propagate = True
        routed.setLevel(QUIETER_LOGGERS.get(name, logging.NOTSET))
    _mark_configured()


_state = {"configured": False}


def _configured_before() -> bool:
    return _state["configured"]


def _mark_configured() -> None:
    _state["configured"] = True


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    """A structlog logger named like a standard-library one (`azora.accounts`, ...)."""
    logger: structlog.stdlib.BoundLogger = structlog.stdlib.get_logger(name)
    return logger
