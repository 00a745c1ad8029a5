"""The learner's plan: the current plan and subscription, cancel at period end or reactivate, change plan or
billing period.

The revenue engine owns every rule (what may change, proration, when it applies): these views call
`subscription_cancel` and `subscription_update` (reactivate, plan, interval) and show the result, or the
engine's reason for refusing beside the form.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

import azora.revenue.public as revenue
from azora.portals.student.forms_revenue import PlanChangeForm
from azora.portals.student.views.common import (
    INVALID,
    HtmxRequest,
    add_domain_error,
    domain_errors_as_http,
    render_page,
    user_id_of,
)
from azora.shared.errors import DomainError


def _plan_choices() -> list[tuple[str, str]]:
    """Plans one subscribes to personally: the paid, not per-seat ones."""
    return [
        (plan.code, plan.name)
        for plan in revenue.plan_list()
        if not plan.is_per_seat and any(price.amount.minor > 0 for price in plan.prices)
    ]


def _plan_page(
    request: HtmxRequest,
    *,
    change_form: PlanChangeForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user_id = user_id_of(request)
    subscription = revenue.subscription_get_for_user(user_id=user_id)
    if change_form is None:
        initial = {"plan": subscription.plan_code, "interval": subscription.interval} if subscription else {}
        change_form = PlanChangeForm(plans=_plan_choices(), initial=initial)
    context = {
        "plan": revenue.plan_of_user(user_id=user_id),
        "subscription": subscription,
        "change_form": change_form,
        "error": error,
    }
    return render_page(request, "student/revenue/subscription.html", context, status=status)


def _refused(request: HtmxRequest, error: DomainError) -> HttpResponse:
    return _plan_page(request, error=str(error.detail), status=error.status if 400 <= error.status < 500 else INVALID)


@login_required
@require_GET
def subscription(request: HtmxRequest) -> HttpResponse:
    return _plan_page(request)


@login_required
@require_POST
@domain_errors_as_http
def subscription_cancel(request: HtmxRequest, subscription_id: uuid.UUID) -> HttpResponse:
    try:
        found = revenue.subscription_cancel(subscription_id=subscription_id, user_id=user_id_of(request))
    except DomainError as error:
        if error.status == 404:
            raise
        return _refused(request, error)
    messages.success(
        request,
        _("Your plan stays until %(date)s and then ends. You can reactivate it until then.")
        % {"date": found.current_period_end.date().isoformat()},
    )
    return redirect("student:subscription")


@login_required
@require_POST
@domain_errors_as_http
def subscription_reactivate(request: HtmxRequest, subscription_id: uuid.UUID) -> HttpResponse:
    try:
        revenue.subscription_update(
            subscription_id=subscription_id, user_id=user_id_of(request), cancel_at_period_end=False
        )
    except DomainError as error:
        if error.status == 404:
            raise
        return _refused(request, error)
    messages.success(request, _("Your plan renews again at the end of the period."))
    return redirect("student:subscription")


@login_required
@require_POST
@domain_errors_as_http
def subscription_change(request: HtmxRequest, subscription_id: uuid.UUID) -> HttpResponse:
    form = PlanChangeForm(request.POST, plans=_plan_choices())
    if form.is_valid():
        try:
            revenue.subscription_update(
                subscription_id=subscription_id,
                user_id=user_id_of(request),
                plan_code=form.cleaned_data["plan"],
                interval=form.cleaned_data["interval"],
            )
        except DomainError as error:
            if error.status == 404:
                raise
            add_domain_error(form, error, {"plan_code": "plan"})
        else:
            messages.success(request, _("Your plan was changed."))
            return redirect("student:subscription")
    return _plan_page(request, change_form=form, status=INVALID)
