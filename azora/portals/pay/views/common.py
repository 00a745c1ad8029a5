"""What every Pay UI view shares: who is asking, rendering a page or its HTMX fragment, errors beside fields."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django_htmx.middleware import HtmxDetails

import azora.accounts.public as accounts
from azora.shared.errors import DomainError

INVALID = 422  # a form that comes back with errors: the input was understood but not accepted
CONFLICT = 409  # the input was fine, but the state of the money says no (balance, limit, remaining amount)
FINANCE_ADMIN = "finance_admin"


class HtmxRequest(HttpRequest):
    """A request that django-htmx's middleware has looked at: `request.htmx` is truthy for HTMX requests."""

    htmx: HtmxDetails


def user_id_of(request: HttpRequest) -> uuid.UUID:
    """The signed-in person's id; every Pay UI view sits behind `login_required`."""
    user_id = request.user.pk
    if not isinstance(user_id, uuid.UUID):
        raise PermissionDenied
    return user_id


def is_finance_admin(user_id: uuid.UUID) -> bool:
    return accounts.user_has_platform_role(user_id=user_id, role=FINANCE_ADMIN)


def render_page(
    request: HtmxRequest, template: str, partial: str, context: Mapping[str, Any], *, status: int = 200
) -> HttpResponse:
    """The whole page, or only `partial` of it for an HTMX request; caches keep the two apart.

    Pay pages show balances and payments: no shared cache may keep them.
    """
    name = f"{template}#{partial}" if request.htmx else template
    if not request.htmx and request.user.is_authenticated:
        context = {**context, "is_finance_admin": is_finance_admin(user_id_of(request))}
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    add_never_cache_headers(response)
    return response


def not_found(error: Exception) -> Http404:
    """A domain NotFound as Django's 404, so that another person's payment looks exactly like a missing one."""
    return Http404(str(getattr(error, "detail", "")) or "Not found.")


# The reader's words for the errors people meet most; any other error shows the service's own detail.
ERROR_MESSAGES = {
    "insufficient_funds": _("The wallet does not hold enough for this amount and its fee."),
    "daily_limit_exceeded": _("This would go over your daily sending limit. Try a smaller amount or wait a day."),
    "invalid_amount": _("Enter an amount greater than zero."),
    "transfer_id_reused": _("This transfer was already sent with other details. Start again to send another."),
    "currency_mismatch": _("These amounts are in different currencies."),
    "refund_exceeds_remaining": _("The refund is more than what remains of the payment."),
    "refund_window_closed": _("The payment is too old to be refunded."),
    "payment_not_refundable": _("Only a payment that succeeded can be refunded."),
}


def form_status(error: DomainError | None) -> int:
    """The status of a form shown again: 409 when the service found a conflict, 422 for anything else."""
    return CONFLICT if error is not None and error.status == CONFLICT else INVALID


def error_message(error: DomainError) -> str:
    return str(ERROR_MESSAGES.get(error.code, error.detail))


def add_domain_error(form: forms.Form, error: DomainError, field_names: Mapping[str, str] | None = None) -> None:
    """Show a domain error beside the field it names (the service says which), or above the form."""
    field_names = field_names or {}
    placed = False
    for item in error.extra.get("errors", []):
        name = str(item.get("field", ""))
        field = field_names.get(name, name.rsplit(".", 1)[-1])
        if field in form.fields and field not in form.errors:
            form.add_error(field, str(item.get("message") or error_message(error)))
            placed = True
    if not placed:
        form.add_error(None, error_message(error))
