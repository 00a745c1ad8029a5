"""Django's error views for the whole site: problem+json under /api/, Django's HTML pages elsewhere."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views import defaults

from azora.gateway import security_events
from azora.gateway.errors import BadRequest, InternalError, ResourceNotFound
from azora.gateway.handlers import error_response
from azora.shared.errors import PermissionDenied

API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return error_response(request, BadRequest())
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    security_events.record_denial(request, code=PermissionDenied.code)
    if _is_api(request):
        return error_response(request, PermissionDenied())
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return error_response(request, ResourceNotFound())
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django has already logged the exception (django.request); the client gets only the request id."""
    if _is_api(request):
        return error_response(request, InternalError())
    return defaults.server_error(request)
