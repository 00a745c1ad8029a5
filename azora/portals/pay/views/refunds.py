"""Refunds, for finance admins: find a payment by its id, then refund it in full or in part, with a reason.

Whether a refund is allowed (role, 90-day window, remaining amount) is the Payment Service's rule; this page
asks, and shows its answer beside the form.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

import azora.payments.public as payments
from azora.portals.pay.forms import PaymentLookupForm, RefundForm
from azora.portals.pay.views.common import (
    INVALID,
    HtmxRequest,
    add_domain_error,
    form_status,
    is_finance_admin,
    not_found,
    render_page,
    user_id_of,
)
from azora.shared.errors import DomainError, NotFound


def _finance_admin(request: HtmxRequest) -> uuid.UUID:
    user_id = user_id_of(request)
    if not is_finance_admin(user_id):
        raise PermissionDenied(_("Only finance admins may refund payments."))
    return user_id


def _page(
    request: HtmxRequest,
    *,
    lookup: PaymentLookupForm,
    intent: payments.PaymentIntentView | None = None,
    form: RefundForm | None = None,
    status: int = 200,
) -> HttpResponse:
    earlier = payments.refunds_of_intent(intent_id=intent.id, viewer_id=user_id_of(request)) if intent else []
    context = {"lookup": lookup, "intent": intent, "form": form, "earlier_refunds": earlier}
    return render_page(request, "pay/refunds.html", "refund-panel", context, status=status)


@login_required
@require_GET
def refunds(request: HtmxRequest) -> HttpResponse:
    user_id = _finance_admin(request)
    if "payment" not in request.GET:
        return _page(request, lookup=PaymentLookupForm())
    lookup = PaymentLookupForm(request.GET)
    if not lookup.is_valid():
        return _page(request, lookup=lookup, status=INVALID)
    try:
        intent = payments.payment_intent_get(intent_id=lookup.cleaned_data["payment"], viewer_id=user_id)
    except NotFound:
        lookup.add_error("payment", _("No payment has this id."))
        return _page(request, lookup=lookup, status=INVALID)
    form = RefundForm(currency=intent.amount.currency)
    return _page(request, lookup=lookup, intent=intent, form=form)


@login_required
@require_POST
def refund_create(request: HtmxRequest, intent_id: uuid.UUID) -> HttpResponse:
    user_id = _finance_admin(request)
    try:
        intent = payments.payment_intent_get(intent_id=intent_id, viewer_id=user_id)
    except NotFound as error:
        raise not_found(error) from error
    lookup = PaymentLookupForm(initial={"payment": str(intent.id)})
    form = RefundForm(request.POST, currency=intent.amount.currency)
    refused: DomainError | None = None
    if form.is_valid():
        key = form.cleaned_data["refund_key"]
        try:
            refund = payments.refund_create(
                intent_id=intent.id,
                amount=form.cleaned_data["money"],
                reason=form.cleaned_data["reason"],
                requested_by=user_id,
                idempotency_key=f"pay-ui:refund:{intent.id}:{key}" if key else None,
            )
        except DomainError as error:
            add_domain_error(form, error)
            refused = error
        else:
            messages.success(request, _("Refunded %(amount)s.") % {"amount": refund.amount})
            return redirect(f"{redirect('pay:refunds').url}?payment={intent.id}")
    return _page(request, lookup=lookup, intent=intent, form=form, status=form_status(refused))
