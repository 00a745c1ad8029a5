"""Users for operators: search, a person's account with their roles, suspending and reactivating, resetting MFA
and granting or revoking platform roles; each action needs a reason and is audited by Aegis from the accounts
event it publishes."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

import azora.accounts.public as accounts
from azora.portals.master.forms import ReasonForm, RoleForm, UserSearchForm
from azora.portals.master.views.common import (
    actor_id_of,
    add_domain_error,
    error_status,
    operator_required,
    render_page,
)
from azora.shared.errors import DomainError, NotFound

USERS_PAGE_SIZE = 25


@require_GET
@operator_required()
def users(request: HttpRequest) -> HttpResponse:
    form = UserSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    status = 200
    page = None
    try:
        page = accounts.user_search_for_operator(
            query=filters.get("q") or "",
            role=filters.get("role") or None,
            cursor=request.GET.get("cursor") or None,
            limit=USERS_PAGE_SIZE,
        )
    except DomainError as error:
        add_domain_error(form, error)
        status = error_status(error)
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render_page(request, "master/users.html", context, partial="results", status=status)


def _user_or_404(user_id: uuid.UUID) -> accounts.OperatorUserView:
    try:
        return accounts.operator_user_get(user_id=user_id)
    except NotFound as error:
        raise Http404(_("No such user.")) from error


def _user_page(
    request: HttpRequest, user_id: uuid.UUID, *, forms_: dict[str, forms.Form] | None = None, status: int = 200
) -> HttpResponse:
    person = _user_or_404(user_id)
    context: dict[str, Any] = {
        "person": person,
        "suspend_form": ReasonForm(prefix="suspend"),
        "reactivate_form": ReasonForm(prefix="reactivate"),
        "mfa_form": ReasonForm(prefix="mfa"),
        "role_form": RoleForm(prefix="role"),
        "is_self": person.id == actor_id_of(request),
    }
    context.update(forms_ or {})
    return render_page(request, "master/user.html", context, status=status)


@require_GET
@operator_required()
def user(request: HttpRequest, user_id: uuid.UUID) -> HttpResponse:
    return _user_page(request, user_id)


def _reason_action(
    request: HttpRequest,
    user_id: uuid.UUID,
    *,
    prefix: str,
    action: Callable[..., object],
    done: str,
) -> HttpResponse:
    """Runs an action that needs a reason; its errors are shown beside the form that asked for it."""
    form = ReasonForm(request.POST, prefix=prefix)
    if not form.is_valid():
        return _user_page(request, user_id, forms_={f"{prefix}_form": form}, status=422)
    try:
        action(actor_id=actor_id_of(request), user_id=user_id, reason=form.cleaned_data["reason"])
    except NotFound as error:
        raise Http404(_("No such user.")) from error
    except DomainError as error:
        add_domain_error(form, error)
        return _user_page(request, user_id, forms_={f"{prefix}_form": form}, status=error_status(error))
    messages.success(request, done)
    return redirect("master:user", user_id=user_id)


@require_POST
@operator_required()
def user_suspend(request: HttpRequest, user_id: uuid.UUID) -> HttpResponse:
    return _reason_action(
        request, user_id, prefix="suspend", action=accounts.user_suspend, done=_("The account is suspended.")
    )


@require_POST
@operator_required()
def user_reactivate(request: HttpRequest, user_id: uuid.UUID) -> HttpResponse:
    return _reason_action(
        request, user_id, prefix="reactivate", action=accounts.user_reactivate, done=_("The account is active again.")
    )


@require_POST
@operator_required()
def user_mfa_reset(request: HttpRequest, user_id: uuid.UUID) -> HttpResponse:
    return _reason_action(
        request, user_id, prefix="mfa", action=accounts.mfa_reset, done=_("Two-factor authentication was reset.")
    )


@require_POST
@operator_required()
def user_role(request: HttpRequest, user_id: uuid.UUID) -> HttpResponse:
    """Grants (`grant=1`) or revokes a platform role."""
    form = RoleForm(request.POST, prefix="role")
    if not form.is_valid():
        return _user_page(request, user_id, forms_={"role_form": form}, status=422)
    change = accounts.platform_role_grant if request.POST.get("grant") == "1" else accounts.platform_role_revoke
    try:
        change(user_id=user_id, role=form.cleaned_data["role"], actor_id=actor_id_of(request))
    except NotFound as error:
        raise Http404(_("No such user.")) from error
    except DomainError as error:
        add_domain_error(form, error)
        return _user_page(request, user_id, forms_={"role_form": form}, status=error_status(error))
    messages.success(request, _("Roles updated."))
    return redirect("master:user", user_id=user_id)
