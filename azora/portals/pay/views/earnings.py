"""An instructor's earnings and payouts: held, released and paid out, recent sales with their split, payouts.

The revenue engine computes earnings and splits (`earnings_of`); Finance pays released earnings out and keeps
their history (`payout_request`, `payouts_of`, `payout_minimum`). Nothing is added up here.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

import azora.finance.public as finance
import azora.revenue.public as revenue
from azora.portals.pay.forms_revenue import PayoutForm
from azora.portals.pay.templatetags.pay_tags import money
from azora.portals.pay.views.common import (
    HtmxRequest,
    add_domain_error,
    form_status,
    render_page,
    user_id_of,
)
from azora.shared.errors import DomainError
from azora.shared.ids import uuid7
from azora.shared.money import Money

EARNINGS_CURRENCY = "ZAR"  # the currency courses are sold in first; payouts are paid in it
PAYOUTS_PAGE_SIZE = 20
SALES_SHOWN = 20


def _earnings_page(request: HtmxRequest, form: PayoutForm, *, status: int = 200) -> HttpResponse:
    user_id = user_id_of(request)
    cursor = request.GET.get("cursor") or None
    earnings = revenue.earnings_of(user_id=user_id, limit=SALES_SHOWN)
    try:
        payouts = finance.payouts_of(user_id=user_id, cursor=cursor, limit=PAYOUTS_PAGE_SIZE)
    except DomainError:
        payouts = finance.payouts_of(user_id=user_id, limit=PAYOUTS_PAGE_SIZE)  # a damaged cursor: the newest
    zero = Money.zero(EARNINGS_CURRENCY)
    context = {
        "earnings": earnings,
        "balances": earnings.balances or (revenue.EarningsBalance(EARNINGS_CURRENCY, *([zero] * 3)),),
        "payouts": payouts.items,
        "next_cursor": payouts.next_cursor,
        "minimum": finance.payout_minimum(currency=EARNINGS_CURRENCY),
        "form": form,
    }
    return render_page(request, "pay/earnings.html", "payout-panel", context, status=status)


@login_required
@sensitive_post_parameters("account_number")
@require_http_methods(["GET", "POST"])
def earnings(request: HtmxRequest) -> HttpResponse:
    user_id = user_id_of(request)
    if request.method == "GET":
        return _earnings_page(request, PayoutForm(currency=EARNINGS_CURRENCY))

    form = PayoutForm(request.POST, currency=EARNINGS_CURRENCY)
    error: DomainError | None = None
    if form.is_valid() and form.cleaned_data.get("money") is not None:
        try:
            payout = finance.payout_request(
                user_id=user_id,
                # The form's key makes a resubmission pay once; a form without one (an old page) gets a fresh id.
                payout_id=form.cleaned_data["payout_id"] or uuid7(),
                amount=form.cleaned_data["money"],
                destination=form.destination(),
            )
        except DomainError as refused:
            error = refused
            add_domain_error(form, refused)
        else:
            messages.success(
                request,
                _("Payout of %(amount)s requested to %(destination)s.")
                % {"amount": money(payout.amount), "destination": payout.destination_label},
            )
            return redirect("pay:earnings")
    return _earnings_page(request, form, status=form_status(error))
