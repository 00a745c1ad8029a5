"""The per-request context every log line carries: request ids, W3C trace parents and the bound user."""

from __future__ import annotations

import re
from dataclasses import dataclass

import structlog

from azora.shared.ids import uuid7

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# version-traceid-parentid-flags, lower-case hex only (W3C Trace Context, section 3.2).
_TRACEPARENT = re.compile(r"([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?")
_INVALID_VERSION = "ff"


@dataclass(frozen=True, slots=True)
class TraceParent:
    """A parsed, valid `traceparent` header."""

    version: str
    trace_id: str
    parent_id: str
    flags: str

    @property
    def is_sampled(self) -> bool:
        return bool(int(self.flags, 16) & 0x01)


def request_id_from(header_value: str | None) -> str:
    """The client's request id when it is well formed (1-128 of [A-Za-z0-9._:-]), otherwise a new UUIDv7."""
    if header_value and _REQUEST_ID.fullmatch(header_value):
        return header_value
    return str(uuid7())


def parse_traceparent(header_value: str | None) -> TraceParent | None:
    """Parses a W3C `traceparent`; None when it is absent or invalid (the spec says: start a new trace)."""
    if not header_value:
        return None
    match = _TRACEPARENT.fullmatch(header_value.strip())
    if match is None:
        return None
    version, trace_id, parent_id, flags, rest = match.groups()
    if version == _INVALID_VERSION or (version == "00" and rest is not None):
        return None
    if trace_id == "0" * 32 or parent_id == "0" * 16:
        return None
    return TraceParent(version=version, trace_id=trace_id, parent_id=parent_id, flags=flags)


def bind_request(*, request_id: str, trace_id: str | None) -> None:
    """Starts a fresh logging context for one request (a worker thread serves many requests in turn)."""
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(request_id=request_id, trace_id=trace_id, user_id=None)


def bind_user_id(user_id: object) -> None:
    """Records who is calling, for every later log line of this request (auth classes call it once they know)."""
    structlog.contextvars.bind_contextvars(user_id=None if user_id is None else str(user_id))


def bound_user_id() -> str | None:
    value = structlog.contextvars.get_contextvars().get("user_id")
    return None if value is None else str(value)


def clear_request() -> None:
    structlog.contextvars.clear_contextvars()
