"""The API edge's security events: refused permissions and API keys that are unknown, revoked or out of scope."""

from __future__ import annotations

import hashlib
from typing import Any

from django.http import HttpRequest

import azora.security.public as security
from azora.shared.errors import DomainError

# Repeats of the same refusal (same address, caller, path and code) within this window are one event.
REPEAT_WINDOW_SECONDS = 60
# Refusals that mean "this API key may not do that", as opposed to a person lacking a role.
_KEY_SCOPE_CODES = frozenset({"insufficient_scope", "user_required"})


def key_fingerprint(raw_key: str) -> str:
    """A short, one-way label for a presented key, so operators can tell repeats apart without the key itself."""
    return hashlib.sha256(raw_key.encode()).hexdigest()[:12]


def record_rejected_api_key(request: HttpRequest, *, raw_key: str) -> None:
    """An API key that is malformed, unknown, revoked or expired was presented."""
    fingerprint = key_fingerprint(raw_key)
    security.security_event_record(
        kind="api_key_misuse",
        summary="An API key that is unknown, revoked or expired was presented.",
        request=request,
        detail={"reason": "rejected", "key_fingerprint": fingerprint, "method": request.method},
        dedupe_key=f"rejected:{security.client_ip(request)}:{fingerprint}",
        dedupe_seconds=REPEAT_WINDOW_SECONDS,
    )


def record_denial(request: HttpRequest, *, code: str) -> None:
    """A 403: an API key used beyond its scopes is `api_key_misuse`, anything else `permission_denied`."""
    principal: Any = getattr(request, "auth", None)
    api_key_id = getattr(principal, "api_key_id", None)
    if api_key_id is not None and code in _KEY_SCOPE_CODES:
        kind, summary = "api_key_misuse", "An API key was used beyond its scopes."
        detail: dict[str, Any] = {"reason": code, "api_key_id": str(api_key_id), "method": request.method}
    else:
        kind, summary = "permission_denied", "A request was refused for lack of permission."
        detail = {"code": code, "method": request.method}
    actor = getattr(principal, "user_id", None)
    security.security_event_record(
        kind=kind,
        summary=summary,
        request=request,
        detail=detail,
        dedupe_key=f"{security.client_ip(request)}:{actor}:{request.path}:{code}",
        dedupe_seconds=REPEAT_WINDOW_SECONDS,
    )


def record_domain_denial(request: HttpRequest, error: DomainError) -> None:
    if error.status == 403:
        record_denial(request, code=error.code)
