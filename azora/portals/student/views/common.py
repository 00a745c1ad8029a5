"""What every Student Portal view shares: the signed-in person, whole page or HTMX fragment, domain errors."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied as HttpPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django_htmx.middleware import HtmxDetails

from azora.shared.errors import DomainError, NotFound, PermissionDenied

INVALID = 422  # a form that comes back with errors: the input was understood but not accepted


class HtmxRequest(HttpRequest):
    """A request that django-htmx's middleware has looked at: `request.htmx` is truthy for HTMX requests."""

    htmx: HtmxDetails


def user_id_of(request: HttpRequest) -> uuid.UUID:
    """The signed-in person's id; every view that asks sits behind `login_required`."""
    user_id = request.user.pk
    if not isinstance(user_id, uuid.UUID):
        raise HttpPermissionDenied
    return user_id


def viewer_id_of(request: HttpRequest) -> uuid.UUID | None:
    """The signed-in person's id, or None for a visitor (public pages)."""
    user_id = request.user.pk if request.user.is_authenticated else None
    return user_id if isinstance(user_id, uuid.UUID) else None


def render_page(
    request: HtmxRequest,
    template: str,
    context: Mapping[str, Any],
    *,
    partial: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """The whole page, or only `partial` of it for an HTMX request; caches keep the two apart."""
    # A history restore (back button after hx-push-url) asks for the whole page.
    as_fragment = bool(partial and request.htmx and not request.htmx.history_restore_request)
    name = f"{template}#{partial}" if as_fragment else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


def add_domain_error(form: forms.Form, error: DomainError, aliases: Mapping[str, str] | None = None) -> None:
    """Show a domain error beside the field it names (the service says which), or above the form.

    The service names its own fields ("options[2].text", "time_limit_seconds"); `aliases` maps the first part of
    such a name to the form field that holds it, and "code:<problem code>" to the field an error of that code
    is about when the service names no field.
    """
    aliases = aliases or {}
    placed = False
    named_field = aliases.get(f"code:{getattr(error, 'code', '')}")
    if named_field and named_field in form.fields:  # an error whose code says which field it is about
        form.add_error(named_field, str(error.detail))
        return
    for item in error.extra.get("errors", []):
        named = str(item.get("field", "")) if isinstance(item, Mapping) else ""
        field = re.split(r"[\[.]", named, maxsplit=1)[0]
        field = aliases.get(field, field)
        if field in form.fields and field not in form.errors:
            form.add_error(field, str(item.get("message") or error.detail))
            placed = True
    if not placed:
        form.add_error(None, str(error.detail))


def domain_errors_as_http[**P](view: Callable[P, HttpResponse]) -> Callable[P, HttpResponse]:
    """A domain's "not found" (also said for another person's object) is a 404 page, "not allowed" a 403."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        try:
            return view(*args, **kwargs)
        except NotFound as error:
            raise Http404(error.detail) from error
        except PermissionDenied as error:
            raise HttpPermissionDenied(error.detail) from error

    return wrapper
