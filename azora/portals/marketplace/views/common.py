"""What every Marketplace UI view shares: who is asking, whole page or HTMX fragment, domain errors shown plainly."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied as HttpPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django_htmx.middleware import HtmxDetails

import azora.accounts.public as accounts
from azora.shared.errors import DomainError, NotFound, PermissionDenied

INVALID = 422  # a form that comes back with errors: the input was understood but not accepted
FORBIDDEN = 403  # the domain says it is not this person's to do
CONFLICT = 409  # the input was fine, but the state of the listing, application or milestone says no
PLATFORM_ADMIN = "platform_admin"


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
    """The signed-in person's id, or None for a visitor (browsing and listings are public)."""
    user_id = request.user.pk if request.user.is_authenticated else None
    return user_id if isinstance(user_id, uuid.UUID) else None


def is_platform_admin(user_id: uuid.UUID | None) -> bool:
    return user_id is not None and accounts.user_has_platform_role(user_id=user_id, role=PLATFORM_ADMIN)


def render_page(
    request: HtmxRequest,
    template: str,
    context: Mapping[str, Any],
    *,
    partial: str | None = None,
    status: int = 200,
    private: bool = False,
) -> HttpResponse:
    """The whole page, or only `partial` of it for an HTMX request; caches keep the two apart.

    `private` pages (contracts, money, messages) are never kept by a shared cache.
    """
    as_fragment = bool(partial and request.htmx and not request.htmx.history_restore_request)
    name = f"{template}#{partial}" if as_fragment else template
    if not as_fragment:
        context = {**context, "is_platform_admin": is_platform_admin(viewer_id_of(request))}
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    if private:
        add_never_cache_headers(response)
    return response


def redirect_to(request: HtmxRequest, url: str) -> HttpResponse:
    """After a POST: a plain redirect, or HX-Redirect for HTMX so the whole next page loads."""
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def form_status(error: DomainError | None) -> int:
    """The status of a page shown again after a refusal: the domain's 403 (not yours to do) or 409 (not possible
    in this state), 422 for anything else."""
    if error is not None and error.status in (FORBIDDEN, CONFLICT):
        return error.status
    return INVALID


# The reader's words for the refusals people meet most, translated; any other error shows the domain's own detail.
ERROR_MESSAGES = {
    "already_applied": _("You have already applied to this listing."),
    "own_listing": _("You cannot apply to your own listing."),
    "listing_not_open": _("This listing is not open for applications."),
    "transition_not_allowed": _("That status change is not allowed from the current status."),
    "not_a_party": _("Only the other party can do that."),
    "milestone_state_invalid": _("That is not possible in the milestone's current state."),
    "wallet_balance_too_low": _(
        "Your wallet's available balance does not cover this milestone. Pay by card, or top up your wallet first."
    ),
    "dispute_not_open": _("This dispute is already resolved."),
    "split_invalid": _("A split gives the seller more than nothing and less than the whole milestone."),
    "contract_not_ended": _("Reviews open when the contract has ended."),
    "already_reviewed": _("You have already reviewed this contract."),
    "review_rejected": _("The review's text breaks the community rules. Please rephrase it."),
}


def error_message(error: DomainError) -> str:
    return str(ERROR_MESSAGES.get(error.code, error.detail))


def add_domain_error(form: forms.Form, error: DomainError, aliases: Mapping[str, str] | None = None) -> None:
    """Show a domain error beside the field it names (the service says which), or above the form."""
    aliases = aliases or {}
    placed = False
    for item in error.extra.get("errors", []):
        named = str(item.get("field", "")) if isinstance(item, Mapping) else ""
        field = re.split(r"[\[.]", named, maxsplit=1)[0]
        field = aliases.get(field, field)
        if field in form.fields and field not in form.errors:
            form.add_error(field, str(item.get("message") or error_message(error)))
            placed = True
    if not placed:
        form.add_error(None, error_message(error))


def domain_errors_as_http[**P](view: Callable[P, HttpResponse]) -> Callable[P, HttpResponse]:
    """A domain's "not found" (also said for someone else's contract) is a 404 page, "not allowed" a 403."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        try:
            return view(*args, **kwargs)
        except NotFound as error:
            raise Http404(error.detail) from error
        except PermissionDenied as error:
            raise HttpPermissionDenied(error.detail) from error

    return wrapper
