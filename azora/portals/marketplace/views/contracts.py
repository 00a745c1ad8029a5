"""Contracts: the page with its milestones and what is in escrow, funding a milestone (wallet or sandbox card),
handing in work, releasing it, opening a dispute, cancelling, and the two-sided reviews.

Every page loads the contract through `contract_get`, which answers NotFound to anyone but the parties and
platform admins, so another person's contract is a 404 here too. The money rules live in the marketplace.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import azora.finance.public as finance
import azora.marketplace.public as market
import azora.payments.public as payments
from azora.portals.marketplace.forms import CancelForm, CardForm, DisputeForm, ReviewForm, SubmitForm
from azora.portals.marketplace.templatetags.market_tags import money
from azora.portals.marketplace.views.common import (
    INVALID,
    HtmxRequest,
    add_domain_error,
    domain_errors_as_http,
    error_message,
    form_status,
    redirect_to,
    render_page,
    user_id_of,
)
from azora.shared.errors import DomainError
from azora.shared.money import Money

# What each sandbox test card does, in the reader's words (the Payment Service names the outcome), as the Pay UI says.
TEST_CARD_OUTCOMES = {
    "succeeded": gettext_lazy("The payment succeeds."),
    "card_declined": gettext_lazy("The bank declines the card."),
    "insufficient_funds": gettext_lazy("Declined: not enough funds on the card."),
    "expired_card": gettext_lazy("Declined: the card has expired."),
    "requires_action": gettext_lazy("The bank asks you to approve the payment first."),
    "processing": gettext_lazy("The payment succeeds a few seconds later."),
}


def sandbox_test_cards() -> list[tuple[str, str]]:
    """The sandbox's test cards, grouped in fours as printed on a card, with the outcome each one plays."""
    return [
        (" ".join(number[i : i + 4] for i in range(0, len(number), 4)), str(TEST_CARD_OUTCOMES.get(outcome, outcome)))
        for number, outcome in payments.SANDBOX_TEST_CARDS.items()
    ]


def _contract_url(contract_id: uuid.UUID) -> str:
    return reverse("market:contract", kwargs={"contract_id": contract_id})


def _milestone(contract: market.ContractView, milestone_id: uuid.UUID) -> market.MilestoneView:
    for milestone in contract.milestones:
        if milestone.id == milestone_id:
            return milestone
    raise Http404(_("No such milestone."))


@login_required
@require_GET
def contracts(request: HtmxRequest) -> HttpResponse:
    user_id = user_id_of(request)
    items = market.contracts_of_user(user_id=user_id)
    return render_page(request, "market/contracts.html", {"contracts": items, "viewer_id": user_id}, private=True)


def _contract_page(
    request: HtmxRequest,
    contract_id: uuid.UUID,
    *,
    forms: dict[str, Any] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user_id = user_id_of(request)
    contract = market.contract_get(viewer_id=user_id, contract_id=contract_id)
    forms = forms or {}
    context = {
        "contract": contract,
        "viewer_id": user_id,
        "is_client": contract.client_id == user_id,
        "is_seller": contract.seller_id == user_id,
        "submit_form": forms.get("submit") or SubmitForm(),
        "review_form": forms.get("review") or ReviewForm(),
        "cancel_form": forms.get("cancel") or CancelForm(),
        "action_error": error,
    }
    return render_page(request, "market/contract.html", context, status=status, private=True)


@login_required
@require_GET
@domain_errors_as_http
def contract_detail(request: HtmxRequest, contract_id: uuid.UUID) -> HttpResponse:
    return _contract_page(request, contract_id)


def _wallet_available(user_id: uuid.UUID, currency: str) -> Money:
    """What the client's wallet in `currency` holds now, without creating a wallet just to look."""
    for account in finance.accounts_of_user(user_id=user_id):
        if account.code == "wallet" and account.currency == currency:
            return finance.balance(account_id=account.id).available
    return Money.zero(currency)


def _fund_page(
    request: HtmxRequest,
    contract: market.ContractView,
    milestone: market.MilestoneView,
    form: CardForm,
    *,
    wallet_error: str = "",
    status: int = 200,
) -> HttpResponse:
    user_id = user_id_of(request)
    context = {
        "contract": contract,
        "milestone": milestone,
        "form": form,
        "available": _wallet_available(user_id, milestone.amount.currency),
        "wallet_error": wallet_error,
        "test_cards": sandbox_test_cards(),
    }
    return render_page(request, "market/fund.html", context, status=status, private=True)


@login_required
@sensitive_post_parameters("number", "cvc", "exp_month", "exp_year")
@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def fund(request: HtmxRequest, contract_id: uuid.UUID, milestone_id: uuid.UUID) -> HttpResponse:
    """Put a milestone in escrow: from the wallet, or by card (the money lands in the wallet and is held there)."""
    user_id = user_id_of(request)
    contract = market.contract_get(viewer_id=user_id, contract_id=contract_id)
    milestone = _milestone(contract, milestone_id)
    if request.method == "GET":
        return _fund_page(request, contract, milestone, CardForm())

    source = request.POST.get("source", "")
    form = CardForm(request.POST if source == "card" else None)
    if source not in ("card", "wallet"):
        return _fund_page(request, contract, milestone, form, wallet_error=_("Choose how to pay."), status=INVALID)
    if source == "card" and not form.is_valid():
        return _fund_page(request, contract, milestone, form, status=INVALID)
    key = form.cleaned_data.get("confirm_key") if source == "card" else request.POST.get("confirm_key", "")
    try:
        result = market.milestone_fund(
            actor_id=user_id,
            milestone_id=milestone.id,
            source=source,
            payment_method=form.payment_method() if source == "card" else None,
            idempotency_key=f"market-ui:fund:{milestone.id}:{key}" if key else None,
        )
    except DomainError as error:
        if error.status == 404:
            raise
        if source == "card":
            add_domain_error(form, error)
            return _fund_page(request, contract, milestone, form, status=form_status(error))
        return _fund_page(
            request, contract, milestone, form, wallet_error=error_message(error), status=form_status(error)
        )
    if result.next_action_url:  # the bank's extra check (3-D Secure); the hold follows when it succeeds
        return redirect_to(request, result.next_action_url)
    if result.payment_status == "failed" or result.failure_message:
        form.add_error(None, result.failure_message or _("The card was declined; nothing was charged."))
        return _fund_page(request, contract, milestone, form, status=INVALID)
    messages.success(
        request,
        _('%(amount)s is held in escrow for "%(title)s".')
        % {"amount": money(milestone.amount), "title": milestone.title},
    )
    return redirect_to(request, _contract_url(contract_id))


@login_required
@require_POST
@domain_errors_as_http
def submit(request: HtmxRequest, contract_id: uuid.UUID, milestone_id: uuid.UUID) -> HttpResponse:
    user_id = user_id_of(request)
    contract = market.contract_get(viewer_id=user_id, contract_id=contract_id)
    milestone = _milestone(contract, milestone_id)
    form = SubmitForm(request.POST)
    if not form.is_valid():
        return _contract_page(request, contract_id, forms={"submit": form}, status=INVALID)
    try:
        market.milestone_submit(actor_id=user_id, milestone_id=milestone.id, note=form.cleaned_data["note"])
    except DomainError as error:
        if error.status == 404:
            raise
        return _contract_page(request, contract_id, error=error_message(error), status=form_status(error))
    messages.success(
        request, _('"%(title)s" is handed in; the client can now release it.') % {"title": milestone.title}
    )
    return redirect_to(request, _contract_url(contract_id))


@login_required
@require_POST
@domain_errors_as_http
def release(request: HtmxRequest, contract_id: uuid.UUID, milestone_id: uuid.UUID) -> HttpResponse:
    user_id = user_id_of(request)
    contract = market.contract_get(viewer_id=user_id, contract_id=contract_id)
    milestone = _milestone(contract, milestone_id)
    try:
        released = market.milestone_release(actor_id=user_id, milestone_id=milestone.id)
    except DomainError as error:
        if error.status == 404:
            raise
        return _contract_page(request, contract_id, error=error_message(error), status=form_status(error))
    messages.success(
        request,
        _('"%(title)s" is released: %(amount)s paid to %(seller)s.')
        % {"title": released.title, "amount": money(released.amount - released.fee), "seller": contract.seller_name},
    )
    return redirect_to(request, _contract_url(contract_id))


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def dispute(request: HtmxRequest, contract_id: uuid.UUID, milestone_id: uuid.UUID) -> HttpResponse:
    user_id = user_id_of(request)
    contract = market.contract_get(viewer_id=user_id, contract_id=contract_id)
    milestone = _milestone(contract, milestone_id)
    form = DisputeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                market.milestone_dispute(
                    actor_id=user_id, milestone_id=milestone.id, reason=form.cleaned_data["reason"]
                )
            except DomainError as error:
                if error.status == 404:
                    raise
                add_domain_error(form, error)
                status = form_status(error)
            else:
                messages.success(request, _("The dispute is open. An Azora admin will decide; the money stays held."))
                return redirect_to(request, _contract_url(contract_id))
        else:
            status = INVALID
    context = {"contract": contract, "milestone": milestone, "form": form}
    return render_page(request, "market/dispute.html", context, status=status, private=True)


@login_required
@require_POST
@domain_errors_as_http
def cancel(request: HtmxRequest, contract_id: uuid.UUID) -> HttpResponse:
    user_id = user_id_of(request)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _contract_page(request, contract_id, forms={"cancel": form}, status=INVALID)
    try:
        market.contract_cancel(actor_id=user_id, contract_id=contract_id, reason=form.cleaned_data["reason"])
    except DomainError as error:
        if error.status == 404:
            raise
        return _contract_page(request, contract_id, error=error_message(error), status=form_status(error))
    messages.success(request, _("The contract is cancelled; money still held went back to the client's wallet."))
    return redirect_to(request, _contract_url(contract_id))


@login_required
@require_POST
@domain_errors_as_http
def review(request: HtmxRequest, contract_id: uuid.UUID) -> HttpResponse:
    user_id = user_id_of(request)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _contract_page(request, contract_id, forms={"review": form}, status=INVALID)
    try:
        created = market.review_create(
            author_id=user_id,
            contract_id=contract_id,
            rating=form.cleaned_data["rating"],
            text=form.cleaned_data["text"],
        )
    except DomainError as error:
        if error.status == 404:
            raise
        return _contract_page(request, contract_id, error=error_message(error), status=form_status(error))
    if created.is_published:
        messages.success(request, _("Thank you. Both reviews are in and now published."))
    else:
        messages.success(
            request,
            _("Thank you. Your review stays hidden until the other side reviews too, or the waiting period ends."),
        )
    return redirect_to(request, _contract_url(contract_id))
