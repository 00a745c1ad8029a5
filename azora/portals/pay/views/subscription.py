"""The person's plan and subscription: status, price and dates; cancel at period end or keep it; change plan or
billing period; the card the plan renews with (a saved one or a new one).

The revenue engine owns every rule (what may change, proration, when it applies, dunning): these views call
`subscription_cancel` and `subscription_update` (reactivate, plan, interval, payment method) and show the result,
or the engine's reason for refusing beside the form. The dunning emails link here (`/pay/subscription/`).
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

import azora.payments.public as payments
import azora.revenue.public as revenue
from azora.portals.pay.forms_revenue import PlanChangeForm, PlanPaymentForm
from azora.portals.pay.views.common import (
    HtmxRequest,
    add_domain_error,
    form_status,
    not_found,
    render_page,
    user_id_of,
)
from azora.shared.errors import DomainError, NotFound


def _plan_choices() -> list[tuple[str, str]]:
    """Plans one subscribes to personally: the paid ones that are not priced per seat."""
    return [
        (plan.code, plan.name)
        for plan in revenue.plan_list()
        if not plan.is_per_seat and any(price.amount.minor > 0 for price in plan.prices)
    ]


def _card_label(method: payments.SavedPaymentMethodView) -> str:
    return f"{method.brand.title()} ••••{method.last4}, {method.exp_month:02d}/{method.exp_year}"


def _plan_page(
    request: HtmxRequest,
    *,
    change_form: PlanChangeForm | None = None,
    card_form: PlanPaymentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user_id = user_id_of(request)
    subscription = revenue.subscription_get_for_user(user_id=user_id)
    saved = payments.payment_methods_of(customer_id=user_id)
    if change_form is None:
        initial = {"plan": subscription.plan_code, "interval": subscription.interval} if subscription else {}
        change_form = PlanChangeForm(plans=_plan_choices(), initial=initial)
    if card_form is None:
        card_form = PlanPaymentForm(saved=[(str(method.id), _card_label(method)) for method in saved])
    current_card = next(
        (method for method in saved if subscription and method.id == subscription.payment_method_id), None
    )
    context = {
        "plan": revenue.plan_of_user(user_id=user_id),
        "subscription": subscription,
        "current_card": _card_label(current_card) if current_card else "",
        "change_form": change_form,
        "card_form": card_form,
    }
    return render_page(request, "pay/subscription.html", "plan", context, status=status)


@login_required
@require_GET
def subscription(request: HtmxRequest) -> HttpResponse:
    return _plan_page(request)


@login_required
@require_POST
def subscription_cancel(request: HtmxRequest, subscription_id: uuid.UUID) -> HttpResponse:
    try:
        found = revenue.subscription_cancel(subscription_id=subscription_id, user_id=user_id_of(request))
    except NotFound as error:
        raise not_found(error) from error
    except DomainError as error:
        messages.error(request, str(error.detail))
        return redirect("pay:subscription")
    messages.success(
        request,
        _("Your plan stays until %(date)s and then ends. You can keep it until then.")
        % {"date": formats.date_format(found.current_period_end, "DATE_FORMAT")},
    )
    return redirect("pay:subscription")


@login_required
@require_POST
def subscription_reactivate(request: HtmxRequest, subscription_id: uuid.UUID) -> HttpResponse:
    try:
        revenue.subscription_update(
            subscription_id=subscription_id, user_id=user_id_of(request), cancel_at_period_end=False
        )
    except NotFound as error:
        raise not_found(error) from error
    except DomainError as error:
        messages.error(request, str(error.detail))
        return redirect("pay:subscription")
    messages.success(request, _("Your plan renews again at the end of the period."))
    return redirect("pay:subscription")


@login_required
@require_POST
def subscription_change(request: HtmxRequest, subscription_id: uuid.UUID) -> HttpResponse:
    form = PlanChangeForm(request.POST, plans=_plan_choices())
    error: DomainError | None = None
    if form.is_valid():
        try:
            revenue.subscription_update(
                subscription_id=subscription_id,
                user_id=user_id_of(request),
                plan_code=form.cleaned_data["plan"],
                interval=form.cleaned_data["interval"],
            )
        except NotFound as refused:
            raise not_found(refused) from refused
        except DomainError as refused:
            error = refused
            add_domain_error(form, refused, {"plan_code": "plan"})
        else:
            messages.success(request, _("Your plan was changed."))
            return redirect("pay:subscription")
    return _plan_page(request, change_form=form, status=form_status(error))


@login_required
@sensitive_post_parameters("number", "cvc", "exp_month", "exp_year")
@require_POST
def subscription_card(request: HtmxRequest, subscription_id: uuid.UUID) -> HttpResponse:
    """The card the plan renews with: a saved one, or a new one saved with the provider first."""
    user_id = user_id_of(request)
    saved = payments.payment_methods_of(customer_id=user_id)
    form = PlanPaymentForm(request.POST, saved=[(str(method.id), _card_label(method)) for method in saved])
    error: DomainError | None = None
    if form.is_valid():
        try:
            revenue.subscription_get(subscription_id=subscription_id, viewer_id=user_id)  # 404 before saving a card
            method_id = form.saved_method_id
            if method_id is None:
                method_id = payments.payment_method_save(customer_id=user_id, payment_method=form.payment_method()).id
            revenue.subscription_update(subscription_id=subscription_id, user_id=user_id, payment_method_id=method_id)
        except NotFound as refused:
            raise not_found(refused) from refused
        except DomainError as refused:
            error = refused
            add_domain_error(form, refused)
        else:
            messages.success(request, _("Your plan renews with this card from now on."))
            return redirect("pay:subscription")
    return _plan_page(request, card_form=form, status=form_status(error))
