"""Turns every exception an API operation raises into an RFC 9457 problem response with a stable code."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled, ValidationError

from azora.gateway import security_events
from azora.gateway.errors import (
    BadRequest,
    CsrfFailed,
    InternalError,
    MalformedJson,
    MethodNotAllowed,
    NotAuthenticated,
    NulCharacter,
    NulInBody,
    PayloadTooLarge,
    RateLimited,
    ResourceNotFound,
)
from azora.shared.errors import Conflict, DomainError, PermissionDenied
from azora.shared.problems import problem_response

logger = logging.getLogger("azora.gateway")

# Set on a response that says "try again" rather than answering the request, so it is never replayed.
TRANSIENT_RESPONSE = "azora_transient"

# The error raised for a bare HTTP status, so each status answers with one stable code.
_ERROR_FOR_STATUS: dict[int, type[DomainError]] = {
    400: BadRequest,
    401: NotAuthenticated,
    403: PermissionDenied,
    404: ResourceNotFound,
    405: MethodNotAllowed,
    409: Conflict,
    413: PayloadTooLarge,
    429: RateLimited,
}


def error_response(request: HttpRequest, error: DomainError, *, headers: dict[str, str] | None = None) -> HttpResponse:
    """The problem response for a domain error; a 401 also says how to authenticate."""
    all_headers = dict(headers or {})
    if error.status == 401:
        all_headers.setdefault("WWW-Authenticate", 'Bearer realm="api"')
    response = problem_response(
        status=error.status,
        code=error.code,
        title=error.title,
        detail=error.detail,
        request=request,
        extra=error.extra,
        headers=all_headers,
    )
    if isinstance(error, NotAuthenticated | CsrfFailed | RateLimited):
        setattr(response, TRANSIENT_RESPONSE, True)
    return response


def error_for_status(status: int) -> DomainError:
    return _ERROR_FOR_STATUS.get(status, BadRequest)()


def field_errors(errors: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """Ninja's validation errors as `{"field": "body.email", "message": ..., "type": ...}`."""
    return [
        {
            "field": ".".join(str(part) for part in error.get("loc", ())),
            "message": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        for error in errors
    ]


def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = field_errors(exc.errors)
    fields = ", ".join(dict.fromkeys(error["field"] for error in errors))
    return problem_response(
        status=422,
        code="validation_failed",
        title="The request is not valid.",
        detail=f"Check these fields: {fields}." if fields else None,
        request=request,
        extra={"errors": errors},
    )


def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and isinstance(exc.__cause__, NulInBody):
        return error_response(request, NulCharacter())
    if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
        # Ninja wraps a body its JSON parser refused (bad syntax or bytes that are not UTF-8).
        return error_response(request, MalformedJson())
    if isinstance(exc, AuthenticationError):
        return error_response(request, NotAuthenticated())
    if isinstance(exc, AuthorizationError):
        security_events.record_denial(request, code=PermissionDenied.code)
        return error_response(request, PermissionDenied())
    if isinstance(exc, Throttled):
        return error_response(request, RateLimited())
    return error_response(request, error_for_status(exc.status_code))


def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    security_events.record_domain_denial(request, exc)
    return error_response(request, exc)


def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(request, ResourceNotFound())


def on_unexpected_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug: logged with its traceback, answered with the request id and nothing of the exception."""
    logger.exception("Unhandled error in API operation %s %s", request.method, request.path)
    return internal_error_response(request)


def internal_error_response(request: HttpRequest) -> HttpResponse:
    return error_response(request, InternalError())


def install_exception_handlers(api: NinjaAPI) -> None:
    """Most specific first is not needed: ninja picks the handler of the nearest class in the error's MRO."""
    handlers: list[tuple[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]] = [
        (Exception, on_unexpected_error),
        (ValidationError, on_validation_error),
        (HttpError, on_http_error),
        (DomainError, on_domain_error),
        (Http404, on_not_found),
        (ObjectDoesNotExist, on_not_found),
    ]
    for exception_class, handler in handlers:
        api.exception_handler(exception_class)(handler)
