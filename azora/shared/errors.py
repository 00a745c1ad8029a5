"""The base of every domain error; the API edge maps each to an RFC 9457 problem with a stable code."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar


class DomainError(Exception):
    """A rule of the domain was broken; `code` is stable and safe to show to a client."""

    code: ClassVar[str] = "domain_error"
    status: ClassVar[int] = 400
    title: ClassVar[str] = "The request breaks a rule of the platform."

    def __init__(self, detail: str | None = None, *, extra: Mapping[str, Any] | None = None) -> None:
        self.detail = detail or self.title
        self.extra: dict[str, Any] = dict(extra or {})
        super().__init__(self.detail)


class NotFound(DomainError):
    """Also raised for another tenant's object, so a 404 and a 403 look the same to a client."""

    code = "not_found"
    status = 404
    title = "Not found."


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403
    title = "You do not have permission to do that."


class Conflict(DomainError):
    code = "conflict"
    status = 409
    title = "The request conflicts with the current state."


class ValidationFailed(DomainError):
    code = "validation_failed"
    status = 422
    title = "The request is not valid."
