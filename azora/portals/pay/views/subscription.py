"""The person's plan and subscription: status, price and dates; cancel at period end or keep it; change plan or
billing period; the card the plan renews with (a saved one or a new one). For each organisation the person manages
the billing of: its subscription, the members holding its seats (a seat taken back, one given to a member who holds
none) and the number of seats paid for.

The revenue engine owns every rule (what may change, proration, when it applies, dunning): these views call
`subscription_cancel` and `subscription_update` (reactivate, plan, interval, payment method, seats), `seat_assign`
and `seat_unassign`, and show the result, or the engine's reason for refusing beside the form. Who may manage an
organisation's seats is the engine's rule too: `subscription_get_for_organisation` refuses anyone else.
The dunning emails link here (`/pay/subscription/`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

import azora.accounts.public as accounts
import azora.payments.public as payments
import azora.revenue.public as revenue
from azora.portals.pay.forms_revenue import (
    OrganisationPlanForm,
    PlanChangeForm,
    PlanPaymentForm,
    SeatAssignForm,
    SeatCountForm,
)
from azora.portals.pay.views.common import (
    HtmxRequest,
    add_domain_error,
    error_message,
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


PREFERRED_CURRENCY = "ZAR"  # offered first when a per-seat plan is sold in several currencies


def _per_seat_plans() -> list[revenue.PlanView]:
    """Plans an organisation subscribes to: the ones priced per seat."""
    return [plan for plan in revenue.plan_list() if plan.is_per_seat and plan.prices]


def _organisation_plan_form(
    organisation_id: uuid.UUID,
    *,
    plans: list[revenue.PlanView],
    saved: list[payments.SavedPaymentMethodView],
    data: QueryDict | None = None,
) -> OrganisationPlanForm | None:
    if not plans:
        return None
    return OrganisationPlanForm(
        data,
        plans=[(plan.code, plan.name) for plan in plans],
        currencies=sorted({price.amount.currency for plan in plans for price in plan.prices}),
        preferred=PREFERRED_CURRENCY,
        saved=[(str(method.id), _card_label(method)) for method in saved],
        prefix=f"start-{organisation_id}",
    )


def _card_label(method: payments.SavedPaymentMethodView) -> str:
    return f"{method.brand.title()} ••••{method.last4}, {method.exp_month:02d}/{method.exp_year}"


@dataclass(frozen=True, slots=True)
class OrganisationSection:
    """One organisation whose billing the person manages: its subscription (None when it has none), the members
    holding its seats, and the forms to give a seat and to change how many there are."""

    organisation: accounts.OrganisationSummary
    subscription: revenue.SubscriptionView | None
    seats: list[revenue.SeatView]
    assign_form: SeatAssignForm | None  # None when no member without a seat is left (or no subscription)
    seats_form: SeatCountForm | None  # None without a subscription
    start_form: OrganisationPlanForm | None = None  # only without a subscription: start a per-seat plan

    @property
    def seats_full(self) -> bool:
        return self.subscription is not None and len(self.seats) >= self.subscription.seats


def _assign_form(
    subscription: revenue.SubscriptionView,
    seats: list[revenue.SeatView],
    user_id: uuid.UUID,
    data: QueryDict | None = None,
) -> SeatAssignForm | None:
    """The members of the subscription's organisation who hold none of its seats, as the choices of the form."""
    assert subscription.organisation_id is not None
    holders = {seat.user_id for seat in seats}
    members = [
        (str(member.user_id), f"{member.display_name} ({member.email})" if member.display_name else member.email)
        for member in accounts.membership_list(
            principal=accounts.principal_for_user(user_id=user_id), organisation_id=subscription.organisation_id
        )
        if member.user_id not in holders
    ]
    if not members and data is None:
        return None
    return SeatAssignForm(data, members=members, prefix=f"assign-{subscription.id}")


def _seats_form(subscription: revenue.SubscriptionView, data: QueryDict | None = None) -> SeatCountForm:
    return SeatCountForm(data, initial={"seats": subscription.seats}, prefix=f"seats-{subscription.id}")


def _organisation_sections(
    user_id: uuid.UUID, *, bound: SeatAssignForm | SeatCountForm | OrganisationPlanForm | None = None
) -> list[OrganisationSection]:
    """A section per organisation whose billing the person manages; the revenue engine decides who that is (the
    others refuse with SubscriptionNotFound and get no section). `bound` is a form that came back with errors."""
    sections = []
    plans: list[revenue.PlanView] | None = None  # read once, for the organisations without a subscription
    saved: list[payments.SavedPaymentMethodView] = []
    for organisation in accounts.organisation_list_for_user(user_id=user_id):
        try:
            found = revenue.subscription_get_for_organisation(organisation_id=organisation.id, viewer_id=user_id)
        except NotFound:
            continue
        if found is None:
            if plans is None:
                plans = _per_seat_plans()
                saved = payments.payment_methods_of(customer_id=user_id)
            start_form = _organisation_plan_form(organisation.id, plans=plans, saved=saved)
            if isinstance(bound, OrganisationPlanForm) and bound.prefix == f"start-{organisation.id}":
                start_form = bound
            sections.append(OrganisationSection(organisation, None, [], None, None, start_form))
            continue
        seats = revenue.seats_of(subscription_id=found.id, viewer_id=user_id)
        assign_form = _assign_form(found, seats, user_id)
        seats_form = _seats_form(found)
        if isinstance(bound, SeatAssignForm) and bound.prefix == f"assign-{found.id}":
            assign_form = bound
        if isinstance(bound, SeatCountForm) and bound.prefix == f"seats-{found.id}":
            seats_form = bound
        sections.append(OrganisationSection(organisation, found, seats, assign_form, seats_form))
    return sections


def _plan_page(
    request: HtmxRequest,
    *,
    change_form: PlanChangeForm | None = None,
    card_form: PlanPaymentForm | None = None,
    bound: SeatAssignForm | SeatCountForm | OrganisationPlanForm | None = None,
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
        "organisations": _organisation_sections(user_id, bound=bound),
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


@login_required
@sensitive_post_parameters("start-number", "start-cvc", "start-exp_month", "start-exp_year")
@require_POST
def organisation_subscribe(request: HtmxRequest, organisation_id: uuid.UUID) -> HttpResponse:
    """Start a per-seat plan (ENTERPRISE) for an organisation whose billing the person manages: the first period of
    every seat is charged at once to the card, which then renews it. The engine decides who may (404 otherwise)."""
    user_id = user_id_of(request)
    try:
        existing = revenue.subscription_get_for_organisation(organisation_id=organisation_id, viewer_id=user_id)
    except NotFound as refused:
        raise not_found(refused) from refused
    if existing is not None:
        messages.error(request, _("The organisation already has a subscription."))
        return redirect("pay:subscription")
    form = _organisation_plan_form(
        organisation_id,
        plans=_per_seat_plans(),
        saved=payments.payment_methods_of(customer_id=user_id),
        data=request.POST,
    )
    if form is None:
        raise not_found(revenue.PlanNotFound())
    error: DomainError | None = None
    if form.is_valid():
        try:
            method_id = form.saved_method_id
            if method_id is None:
                method_id = payments.payment_method_save(customer_id=user_id, payment_method=form.payment_method()).id
            started = revenue.subscription_start(
                user_id=user_id,
                plan_code=form.cleaned_data["plan"],
                interval="year" if form.cleaned_data["interval"] == "year" else "month",
                currency=form.cleaned_data["currency"],
                payment_method_id=method_id,
                organisation_id=organisation_id,
                seats=form.cleaned_data["seats"],
            )
        except NotFound as refused:
            raise not_found(refused) from refused
        except DomainError as refused:
            error = refused
            add_domain_error(form, refused, {"plan_code": "plan", "seats": "seats", "currency": "currency"})
        else:
            messages.success(
                request,
                _("%(plan)s started with %(seats)s seats: give them to members below.")
                % {"plan": started.plan_name, "seats": started.seats},
            )
            return redirect("pay:subscription")
    return _plan_page(request, bound=form, status=form_status(error))


def _managed(request: HtmxRequest, subscription_id: uuid.UUID) -> tuple[uuid.UUID, revenue.SubscriptionView]:
    """The person and the organisation subscription they manage; 404 for anything else (the engine's rule)."""
    user_id = user_id_of(request)
    try:
        found = revenue.subscription_get(subscription_id=subscription_id, viewer_id=user_id)
    except NotFound as error:
        raise not_found(error) from error
    if found.organisation_id is None:
        raise not_found(revenue.SubscriptionNotFound())
    return user_id, found


@login_required
@require_POST
def seat_assign(request: HtmxRequest, subscription_id: uuid.UUID) -> HttpResponse:
    user_id, found = _managed(request, subscription_id)
    seats = revenue.seats_of(subscription_id=found.id, viewer_id=user_id)
    form = _assign_form(found, seats, user_id, data=request.POST)
    assert form is not None  # bound forms are always built
    error: DomainError | None = None
    if form.is_valid():
        try:
            seat = revenue.seat_assign(subscription_id=found.id, actor_id=user_id, user_id=form.user_id)
        except NotFound as refused:
            raise not_found(refused) from refused
        except DomainError as refused:
            error = refused
            add_domain_error(form, refused, {"user_id": "user"})
        else:
            messages.success(request, _("%(name)s now holds a seat.") % {"name": seat.display_name or seat.email})
            return redirect("pay:subscription")
    return _plan_page(request, bound=form, status=form_status(error))


@login_required
@require_POST
def seat_unassign(request: HtmxRequest, subscription_id: uuid.UUID, user_id: uuid.UUID) -> HttpResponse:
    actor_id, found = _managed(request, subscription_id)
    try:
        revenue.seat_unassign(subscription_id=found.id, actor_id=actor_id, user_id=user_id)
    except NotFound as error:
        raise not_found(error) from error
    messages.success(request, _("The seat is free again; you can give it to another member."))
    return redirect("pay:subscription")


@login_required
@require_POST
def seat_count(request: HtmxRequest, subscription_id: uuid.UUID) -> HttpResponse:
    user_id, found = _managed(request, subscription_id)
    form = _seats_form(found, data=request.POST)
    error: DomainError | None = None
    if form.is_valid():
        try:
            changed = revenue.subscription_update(
                subscription_id=found.id, user_id=user_id, seats=form.cleaned_data["seats"]
            )
        except NotFound as refused:
            raise not_found(refused) from refused
        except revenue.SeatsBelowAssigned as refused:
            error = refused
            form.add_error(
                "seats",
                _("%(count)s seats are assigned: take some back before paying for fewer.")
                % {"count": refused.extra.get("seats_assigned", found.seats_assigned)},
            )
        except DomainError as refused:
            error = refused
            if refused.extra.get("errors"):
                add_domain_error(form, refused)
            else:  # a declined payment or a state that allows no change: said beside the one field
                form.add_error("seats", error_message(refused))
        else:
            messages.success(request, _("The organisation now pays for %(count)s seats.") % {"count": changed.seats})
            return redirect("pay:subscription")
    return _plan_page(request, bound=form, status=form_status(error))
