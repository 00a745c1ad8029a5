"""What every Master UI view shares: who may open it (platform or finance admins), rendering a page or its HTMX
fragment, and turning a domain error into a message beside the form that caused it."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Mapping
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django_htmx.middleware import HtmxDetails

import azora.accounts.public as accounts
from azora.shared.errors import DomainError

PLATFORM_ADMIN = "platform_admin"
FINANCE_ADMIN = "finance_admin"
OPERATOR_ROLES = frozenset({PLATFORM_ADMIN, FINANCE_ADMIN})
INVALID = 422  # a form that comes back with errors: understood, not accepted
CONFLICT = 409  # the input was fine but the state says no (the last admin, a lockout, a closed incident)

type View = Callable[..., HttpResponseBase]


class HtmxRequest(HttpRequest):
    """A request that django-htmx's middleware has looked at: `request.htmx` is truthy for HTMX requests."""

    htmx: HtmxDetails


def actor_id_of(request: HttpRequest) -> uuid.UUID:
    """The signed-in operator's id; every Master UI view sits behind `operator_required`."""
    user_id = request.user.pk
    if not isinstance(user_id, uuid.UUID):
        raise PermissionDenied
    return user_id


def operator_roles_of(request: HttpRequest) -> frozenset[str]:
    """The operator roles of the signed-in person, read once per request."""
    cached = getattr(request, "_master_roles", None)
    if cached is None:
        cached = accounts.platform_roles_of(user_id=actor_id_of(request)) & OPERATOR_ROLES
        request._master_roles = cached  # type: ignore[attr-defined]  # a per-request memo, not a model field
    return frozenset(cached)


def operator_required(*roles: str) -> Callable[[View], View]:
    """Sign-in first, then one of `roles` (platform_admin by default); anyone else gets a 403."""
    allowed: Collection[str] = roles or (PLATFORM_ADMIN,)

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not operator_roles_of(request) & set(allowed):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(guarded)

    return decorate


def render_page(
    request: HttpRequest, template: str, context: Mapping[str, Any], *, partial: str | None = None, status: int = 200
) -> HttpResponse:
    """The whole page, or only `partial` of it for an HTMX request; operators' pages are never cached."""
    htmx = getattr(request, "htmx", None)
    name = f"{template}#{partial}" if partial and htmx else template
    roles = operator_roles_of(request)
    context = {**context, "is_platform_admin": PLATFORM_ADMIN in roles, "is_finance_admin": FINANCE_ADMIN in roles}
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    add_never_cache_headers(response)
    return response


def error_status(error: DomainError) -> int:
    return CONFLICT if error.status == CONFLICT else INVALID


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Shows a domain error beside the field it names (the service says which), or above the form."""
    placed = False
    for item in error.extra.get("errors", []):
        field = str(item.get("field", "")).rsplit(".", 1)[-1]
        if field in form.fields and field not in form.errors:
            form.add_error(field, str(item.get("message") or error.detail))
            placed = True
    if not placed:
        form.add_error(None, error.detail)
