"""The API edge's own errors: authentication, malformed requests, body limits and idempotency keys."""

from __future__ import annotations

from azora.shared.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed


class NotAuthenticated(DomainError):
    code = "not_authenticated"
    status = 401
    title = "Authentication is required: a bearer token, an API key or a signed-in session."


class CsrfFailed(PermissionDenied):
    code = "csrf_failed"
    title = "The CSRF check failed: send the X-CSRFToken header with the csrftoken cookie's value."


class MalformedJson(DomainError):
    code = "malformed_json"
    status = 400
    title = "The request body is not valid JSON."


class NulInBody(ValueError):
    """Raised by the API's body parser for U+0000 in a JSON string; the error handler answers `NulCharacter`."""


class NulCharacter(DomainError):
    """No text of the platform may hold U+0000 (PostgreSQL's text cannot store it), so a body with one is refused."""

    code = "nul_character"
    status = 400
    title = "Text in the request body may not contain the NUL character (U+0000)."


class BadRequest(DomainError):
    code = "bad_request"
    status = 400
    title = "The request is not valid."


class ResourceNotFound(NotFound):
    """An unknown URL or a missing (or someone else's) object; the same answer either way."""


class MethodNotAllowed(DomainError):
    code = "method_not_allowed"
    status = 405
    title = "This method is not allowed on this resource."


class PayloadTooLarge(DomainError):
    code = "payload_too_large"
    status = 413
    title = "The request body is larger than this server accepts."


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429
    title = "Too many requests; retry later."


class InternalError(DomainError):
    code = "internal_error"
    status = 500
    title = "Something went wrong on our side. It has been logged; quote the request id when you report it."


class IdempotencyKeyInvalid(DomainError):
    code = "invalid_idempotency_key"
    status = 400
    title = "The Idempotency-Key header must be 1 to 255 printable ASCII characters."


class IdempotencyKeyReused(ValidationFailed):
    code = "idempotency_key_reused"
    title = "This Idempotency-Key was already used for a different request."


class IdempotencyRequestInProgress(Conflict):
    code = "idempotency_request_in_progress"
    title = "A request with this Idempotency-Key is still being processed; retry shortly."
