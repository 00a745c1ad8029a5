"""Paying by card: top-up, the checkout page of a PaymentIntent, its challenge step, result, payments, receipts.

The Payment Service owns the PaymentIntent and its state machine; these views only send a person to the page
that matches the intent's status, and pass their card details straight to `payment_intent_confirm`.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import azora.finance.public as finance
import azora.payments.public as payments
from azora.portals.pay.forms import ChallengeForm, TopUpForm
from azora.portals.pay.views.common import (
    INVALID,
    HtmxRequest,
    add_domain_error,
    not_found,
    render_page,
    user_id_of,
)
from azora.shared.errors import DomainError, NotFound
from azora.shared.forms import CardForm

RECEIPTS_PAGE_SIZE = 20
PAYABLE = ("requires_payment_method", "requires_confirmation")
FINISHED = ("succeeded", "failed", "canceled", "processing")
TOP_UP_CURRENCIES = ("AZR",)
# What each sandbox test card does, in the reader's words (the Payment Service names the outcome).
TEST_CARD_OUTCOMES = {
    "succeeded": gettext_lazy("The payment succeeds."),
    "card_declined": gettext_lazy("The bank declines the card."),
    "insufficient_funds": gettext_lazy("Declined: not enough funds on the card."),
    "expired_card": gettext_lazy("Declined: the card has expired."),
    "requires_action": gettext_lazy("The bank asks you to approve the payment first."),
    "processing": gettext_lazy("The payment succeeds a few seconds later."),
}


def sandbox_test_cards() -> list[tuple[str, str]]:
    """The sandbox's test cards, grouped in fours as printed on a card, with what each one does."""
    return [
        (" ".join(number[i : i + 4] for i in range(0, len(number), 4)), str(TEST_CARD_OUTCOMES.get(outcome, outcome)))
        for number, outcome in payments.SANDBOX_TEST_CARDS.items()
    ]


def _own_intent(request: HtmxRequest, intent_id: uuid.UUID) -> payments.PaymentIntentView:
    """The person's own PaymentIntent; another person's (even for a finance admin) is a 404 on these pages."""
    user_id = user_id_of(request)
    try:
        intent = payments.payment_intent_get(intent_id=intent_id, viewer_id=user_id)
    except NotFound as error:
        raise not_found(error) from error
    if intent.customer_id != user_id:
        raise not_found(NotFound())
    return intent


def _next_page(intent: payments.PaymentIntentView) -> HttpResponse:
    if intent.status == "requires_action":
        return redirect("pay:challenge", intent_id=intent.id)
    if intent.status in PAYABLE:
        return redirect("pay:checkout", intent_id=intent.id)
    return redirect("pay:result", intent_id=intent.id)


def _top_up_currencies(user_id: uuid.UUID) -> list[str]:
    wallets = [a.currency for a in finance.accounts_of_user(user_id=user_id) if a.code == "wallet"]
    return sorted(set(TOP_UP_CURRENCIES) | set(wallets), key=lambda code: (code != "AZR", code))


@login_required
@require_http_methods(["GET", "POST"])
def top_up(request: HtmxRequest) -> HttpResponse:
    user_id = user_id_of(request)
    currencies = _top_up_currencies(user_id)
    if request.method == "GET":
        initial = {"amount": request.GET.get("amount", ""), "currency": request.GET.get("currency", "AZR")}
        form = TopUpForm(currencies=currencies, initial=initial)
        return render_page(request, "pay/top_up.html", "top-up-panel", {"form": form})

    form = TopUpForm(request.POST, currencies=currencies)
    if form.is_valid() and form.cleaned_data.get("money") is not None:
        key = form.cleaned_data["request_key"]
        try:
            intent = payments.payment_intent_create(
                customer_id=user_id,
                amount=form.cleaned_data["money"],
                purpose="wallet_top_up",
                description=_("Wallet top-up"),
                idempotency_key=f"pay-ui:top-up:{user_id}:{key}" if key else None,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _next_page(intent)
    return render_page(request, "pay/top_up.html", "top-up-panel", {"form": form}, status=INVALID)


def _checkout_page(
    request: HtmxRequest, intent: payments.PaymentIntentView, form: CardForm, *, status: int = 200
) -> HttpResponse:
    context = {
        "intent": intent,
        "form": form,
        "test_cards": sandbox_test_cards() if intent.provider == "sandbox" else [],
    }
    return render_page(request, "pay/checkout.html", "card-panel", context, status=status)


@login_required
@sensitive_post_parameters("number", "cvc", "exp_month", "exp_year")
@require_http_methods(["GET", "POST"])
def checkout(request: HtmxRequest, intent_id: uuid.UUID) -> HttpResponse:
    intent = _own_intent(request, intent_id)
    if intent.status not in PAYABLE:
        return _next_page(intent)
    if request.method == "GET":
        return _checkout_page(request, intent, CardForm())

    form = CardForm(request.POST)
    if form.is_valid():
        key = form.cleaned_data["confirm_key"]
        try:
            intent = payments.payment_intent_confirm(
                intent_id=intent.id,
                customer_id=intent.customer_id,
                payment_method=form.payment_method(),
                idempotency_key=f"pay-ui:confirm:{intent.id}:{key}" if key else None,
            )
        except NotFound as error:
            raise not_found(error) from error
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _next_page(intent)
    return _checkout_page(request, intent, form, status=INVALID)


@login_required
@require_http_methods(["GET", "POST"])
def challenge(request: HtmxRequest, intent_id: uuid.UUID) -> HttpResponse:
    """The card issuer's extra check (3-D Secure in real life), played by the sandbox as a page of its own."""
    intent = _own_intent(request, intent_id)
    if intent.status != "requires_action":
        return _next_page(intent)
    if request.method == "POST":
        form = ChallengeForm(request.POST)
        if form.is_valid():
            try:
                intent = payments.payment_intent_complete_action(
                    intent_id=intent.id, customer_id=intent.customer_id, outcome=form.cleaned_data["outcome"]
                )
            except DomainError as error:
                messages.error(request, str(error.detail))
            return _next_page(intent)
        return render_page(request, "pay/challenge.html", "challenge", {"intent": intent, "form": form}, status=INVALID)
    return render_page(request, "pay/challenge.html", "challenge", {"intent": intent, "form": ChallengeForm()})


@login_required
@require_GET
def result(request: HtmxRequest, intent_id: uuid.UUID) -> HttpResponse:
    intent = _own_intent(request, intent_id)
    if intent.status in PAYABLE or intent.status == "requires_action":
        return _next_page(intent)
    return render_page(request, "pay/result.html", "outcome", {"intent": intent})


@login_required
@require_POST
def cancel(request: HtmxRequest, intent_id: uuid.UUID) -> HttpResponse:
    intent = _own_intent(request, intent_id)
    try:
        payments.payment_intent_cancel(intent_id=intent.id, customer_id=intent.customer_id)
    except DomainError as error:
        messages.error(request, str(error.detail))
        return _next_page(intent)
    messages.success(request, _("The payment was cancelled; nothing was charged."))
    return redirect("pay:wallet")


# --- Payments and receipts ---------------------------------------------------------------------


@login_required
@require_GET
def receipts(request: HtmxRequest) -> HttpResponse:
    user_id = user_id_of(request)
    cursor = request.GET.get("cursor") or None
    try:
        page = payments.payment_intents_of(customer_id=user_id, cursor=cursor, limit=RECEIPTS_PAGE_SIZE)
    except DomainError:
        return redirect("pay:receipts")  # a damaged cursor: start from the newest again
    context = {"intents": page.items, "next_cursor": page.next_cursor, "is_more": bool(cursor)}
    partial = "rows" if request.htmx and cursor else "payments"
    return render_page(request, "pay/receipts.html", partial, context)


@login_required
@require_GET
def receipt(request: HtmxRequest, receipt_id: uuid.UUID) -> HttpResponse:
    try:
        found = payments.receipt_get(receipt_id=receipt_id, viewer_id=user_id_of(request))
    except NotFound as error:
        raise not_found(error) from error
    return render_page(request, "pay/receipt.html", "receipt", {"receipt": found})
