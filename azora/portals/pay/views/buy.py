"""Buying a course or a plan: the review page (price, coupon, AZR to redeem, total), then the card checkout.

The revenue engine prices the purchase and places the order (`checkout_preview`, `checkout_create`); the Payment
Service's checkout page takes the card. This module only shows the amounts and passes what the buyer typed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

import azora.accounts.public as accounts
import azora.education.public as education
import azora.payments.public as payments
import azora.revenue.public as revenue
from azora.portals.pay.forms_revenue import PlanPaymentForm, ReviewForm
from azora.portals.pay.views.common import (
    CONFLICT,
    INVALID,
    HtmxRequest,
    add_domain_error,
    error_message,
    form_status,
    not_found,
    render_page,
    user_id_of,
)
from azora.shared.errors import DomainError, NotFound
from azora.shared.money import Money

# Which field of the review form a refusal is about, by its problem code (the rest go above the form).
# Coupon codes all start "coupon_", AZR redemption codes "redemption_" (revenue.public.pricing and .rewards).
FIELD_OF_CODE_PREFIX = (("coupon_", "coupon"), ("redemption_", "redeem_azr"))
PAYMENT_REQUIRED = 402  # a declined charge (the subscription's first payment)
PREFERRED_CURRENCY = "ZAR"  # the currency offered first when a course or plan sells in several


def _field_of(error: DomainError) -> str | None:
    return next((field for prefix, field in FIELD_OF_CODE_PREFIX if error.code.startswith(prefix)), None)


def _place_error(form: ReviewForm | PlanPaymentForm, error: DomainError) -> None:
    field = _field_of(error)
    if field is not None:
        form.add_error(field, error_message(error))
    else:
        add_domain_error(form, error)


def _country_of(user_id: uuid.UUID) -> str | None:
    return accounts.user_profile(user_id=user_id).country or None


@login_required
@require_http_methods(["GET", "POST"])
def buy_course(request: HtmxRequest, course_id: uuid.UUID) -> HttpResponse:
    user_id = user_id_of(request)
    try:
        course = education.course_detail_by_id(course_id=course_id, viewer_id=user_id)
    except NotFound as error:
        raise not_found(error) from error
    prices = revenue.course_prices(course_id=course_id)
    if not prices:
        raise Http404("This course is free: enrol on its page.")
    purchase = Purchase(
        kind="course",
        title=course.course.title,
        course_id=course.id,
        course_slug=course.slug,
        is_owned=course.viewer_enrollment_id is not None,
    )
    return _review(request, user_id, purchase, sorted(prices))


@login_required
@sensitive_post_parameters("number", "cvc", "exp_month", "exp_year")
@require_http_methods(["GET", "POST"])
def buy_plan(request: HtmxRequest, plan_code: str) -> HttpResponse:
    user_id = user_id_of(request)
    try:
        plan = revenue.plan_get(code=plan_code)
    except NotFound as error:
        raise not_found(error) from error
    interval: Literal["month", "year"] = "year" if (request.POST or request.GET).get("interval") == "year" else "month"
    currencies = sorted({price.amount.currency for price in plan.prices if price.interval == interval})
    if not currencies:
        raise Http404("This plan is not sold.")
    purchase = Purchase(kind="plan", title=plan.name, plan_code=plan.code, interval=interval)
    return _review(request, user_id, purchase, currencies)


@dataclass(frozen=True, slots=True)
class Purchase:
    """What is being bought, as the review page and `checkout_preview`/`checkout_create` need it."""

    kind: Literal["course", "plan"]
    title: str
    course_id: uuid.UUID | None = None
    course_slug: str = ""
    plan_code: str | None = None
    interval: Literal["month", "year"] = "month"
    is_owned: bool = False


@dataclass(frozen=True, slots=True)
class Choices:
    """What the buyer chose on the review page (nothing yet on the first visit)."""

    currency: str
    coupon_code: str | None = None
    redeem_azr: Money | None = None


def _preview(user_id: uuid.UUID, purchase: Purchase, choices: Choices) -> revenue.CheckoutPreview:
    return revenue.checkout_preview(
        user_id=user_id,
        item=purchase.kind,
        course_id=purchase.course_id,
        plan_code=purchase.plan_code,
        interval=purchase.interval,
        currency=choices.currency,
        coupon_code=choices.coupon_code,
        redeem_azr=choices.redeem_azr,
        country=_country_of(user_id),
    )


def _create(
    user_id: uuid.UUID, purchase: Purchase, choices: Choices, payment_method_id: uuid.UUID | None
) -> revenue.CheckoutView:
    return revenue.checkout_create(
        user_id=user_id,
        item=purchase.kind,
        course_id=purchase.course_id,
        plan_code=purchase.plan_code,
        interval=purchase.interval,
        currency=choices.currency,
        coupon_code=choices.coupon_code,
        redeem_azr=choices.redeem_azr,
        country=_country_of(user_id),
        payment_method_id=payment_method_id,
    )


def _saved_cards(user_id: uuid.UUID) -> list[tuple[str, str]]:
    return [
        (str(method.id), f"{method.brand.title()} ••••{method.last4}, {method.exp_month:02d}/{method.exp_year}")
        for method in payments.payment_methods_of(customer_id=user_id)
    ]


def _payment_method_id(user_id: uuid.UUID, form: PlanPaymentForm) -> uuid.UUID:
    """The saved card chosen, or the new card saved now (the plan renews with it)."""
    chosen = form.saved_method_id
    if chosen is not None:
        return chosen
    return payments.payment_method_save(customer_id=user_id, payment_method=form.payment_method()).id


def _after_checkout(created: revenue.CheckoutView) -> HttpResponse:
    if created.item == "plan" and created.order_id is not None:
        # The first charge was made off-session with the saved card: the order page says how it went (and leads
        # to the bank's check when the card asks for one).
        return redirect("pay:order", order_id=created.order_id)
    if created.payment_intent_id is not None:
        return redirect("pay:checkout", intent_id=created.payment_intent_id)
    if created.order_id is not None:  # nothing left to pay (a 100% coupon, or AZR covering all)
        return redirect("pay:order", order_id=created.order_id)
    return redirect("pay:subscription")  # a plan whose trial starts without a payment


def _review(request: HtmxRequest, user_id: uuid.UUID, purchase: Purchase, currencies: list[str]) -> HttpResponse:
    default_currency = request.GET.get("currency", "")
    if default_currency not in currencies:
        default_currency = PREFERRED_CURRENCY if PREFERRED_CURRENCY in currencies else currencies[0]
    preview: revenue.CheckoutPreview | None = None
    refusal = ""
    status = 200
    saved = _saved_cards(user_id) if purchase.kind == "plan" else []
    if request.method == "GET":
        form = ReviewForm(currencies=currencies, initial={"currency": default_currency})
        payment = PlanPaymentForm(saved=saved) if purchase.kind == "plan" else None
        if purchase.is_owned:
            refusal, status = "owned", CONFLICT
        else:
            try:
                preview = _preview(user_id, purchase, Choices(currency=default_currency))
            except DomainError as error:
                refusal, status = error_message(error), form_status(error)
        return _review_page(request, purchase, form, payment, preview, refusal, status)

    form = ReviewForm(request.POST, currencies=currencies)
    payment = PlanPaymentForm(request.POST, saved=saved) if purchase.kind == "plan" else None
    if purchase.is_owned:
        return _review_page(request, purchase, form, payment, None, "owned", CONFLICT)
    form_ok = form.is_valid()
    # The card is checked only when paying; "Apply" only prices the coupon and AZR.
    payment_ok = payment is None or not form.wants_to_pay or payment.is_valid()
    if not form_ok:
        return _review_page(request, purchase, form, payment, None, "", INVALID)
    choices = Choices(
        currency=form.cleaned_data["currency"],
        coupon_code=form.cleaned_data["coupon"],
        redeem_azr=form.cleaned_data["azr"],
    )
    try:
        preview = _preview(user_id, purchase, choices)
        if form.wants_to_pay and payment_ok:
            method_id = _payment_method_id(user_id, payment) if payment is not None else None
            return _after_checkout(_create(user_id, purchase, choices, method_id))
    except DomainError as error:
        _place_error(payment if payment is not None and _is_card_error(error) else form, error)
        status = form_status(error) if _field_of(error) is None else INVALID
        if preview is None:
            try:  # the amounts without the refused coupon or AZR, so the page still says what it costs
                preview = _preview(user_id, purchase, Choices(currency=choices.currency))
            except DomainError:
                preview = None
    if not payment_ok:
        status = INVALID
    return _review_page(request, purchase, form, payment, preview, refusal, status)


def _is_card_error(error: DomainError) -> bool:
    """A refusal about the card (declined, invalid, no method) rather than about the price."""
    return error.code.startswith(("card_", "payment_")) or error.status == PAYMENT_REQUIRED


def _review_page(
    request: HtmxRequest,
    purchase: Purchase,
    form: ReviewForm,
    payment: PlanPaymentForm | None,
    preview: revenue.CheckoutPreview | None,
    refusal: str,
    status: int,
) -> HttpResponse:
    context = {"item": purchase, "form": form, "payment": payment, "preview": preview, "refusal": refusal}
    return render_page(request, "pay/buy_review.html", "review-panel", context, status=status)


@login_required
@require_GET
def order(request: HtmxRequest, order_id: uuid.UUID) -> HttpResponse:
    """The end of a purchase: the order's status and where to go next (the course, the plan page)."""
    user_id = user_id_of(request)
    try:
        found = revenue.order_get(order_id=order_id, viewer_id=user_id)
    except NotFound as error:
        raise not_found(error) from error
    course = plan = None
    if found.course_id is not None:
        course = education.course_detail_by_id(course_id=found.course_id, viewer_id=user_id)
    if found.plan_code is not None:
        plan = revenue.plan_get(code=found.plan_code)
    return render_page(request, "pay/order.html", "order", {"order": found, "course": course, "plan": plan})
