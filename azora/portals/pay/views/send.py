"""Send AZR: a form, a confirmation page with the fee and total, then the transfer and its result page.

The confirmation carries a transfer id chosen when it is shown; Finance applies a transfer id once, so a
double click or a resubmitted page sends the money once.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

import azora.accounts.public as accounts
import azora.finance.public as finance
from azora.portals.pay.forms import SendForm
from azora.portals.pay.views.common import (
    INVALID,
    HtmxRequest,
    add_domain_error,
    form_status,
    render_page,
    user_id_of,
)
from azora.portals.pay.views.wallet import increases_balance, kind_label
from azora.shared.errors import DomainError
from azora.shared.ids import uuid7
from azora.shared.money import Money


def _page(
    request: HtmxRequest, form: SendForm, *, review: dict[str, object] | None = None, status: int = 200
) -> HttpResponse:
    user_id = user_id_of(request)
    wallet = finance.user_wallet(user_id=user_id)
    context = {
        "form": form,
        "review": review,
        "balance": finance.balance(account_id=wallet.id),
        "limit_remaining": finance.peer_transfer_limit_remaining(user_id=user_id),
    }
    return render_page(request, "pay/send.html", "send-panel", context, status=status)


def _recipient(form: SendForm, sender_id: uuid.UUID) -> uuid.UUID | None:
    recipient_id = accounts.active_user_id_by_email(email=form.cleaned_data["recipient"])
    if recipient_id is None:
        form.add_error("recipient", _("No Azora account uses this email address. Check it for typing mistakes."))
    elif recipient_id == sender_id:
        form.add_error("recipient", _("This is your own email address. Enter the recipient's."))
        return None
    return recipient_id


@login_required
@require_http_methods(["GET", "POST"])
def send(request: HtmxRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request, SendForm(initial={"recipient": request.GET.get("to", "")}))

    sender_id = user_id_of(request)
    form = SendForm(request.POST)
    step = request.POST.get("step", "review")
    if not form.is_valid():
        return _page(request, form, status=INVALID)
    recipient_id = _recipient(form, sender_id)
    if recipient_id is None:
        return _page(request, form, status=INVALID)
    amount = form.money()

    if step == "edit":  # back from the confirmation to change something; nothing was sent
        return _page(request, SendForm(initial={k: request.POST.get(k, "") for k in ("recipient", "amount", "note")}))

    if step == "confirm" and form.cleaned_data["transfer_id"]:
        try:
            transfer = finance.peer_transfer(
                transfer_id=form.cleaned_data["transfer_id"],
                from_user_id=sender_id,
                to_user_id=recipient_id,
                amount=amount,
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            add_domain_error(form, error)
            return _page(request, form, status=form_status(error))
        sent = {"amount": amount, "email": form.cleaned_data["recipient"]}
        messages.success(request, _("Sent %(amount)s to %(email)s.") % sent)
        url = reverse("pay:transfer", kwargs={"transfer_id": transfer.id})
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)

    try:
        fee = finance.peer_transfer_fee(amount=amount)
    except DomainError as error:
        add_domain_error(form, error)
        return _page(request, form, status=INVALID)
    review = {
        "recipient": form.cleaned_data["recipient"],
        "amount": amount,
        "fee": fee,
        "total": amount + fee,
        "note": form.cleaned_data["note"],
        "transfer_id": uuid7(),
    }
    return _page(request, form, review=review)


@login_required
@require_GET
def transfer_detail(request: HtmxRequest, transfer_id: uuid.UUID) -> HttpResponse:
    """One transfer the person took part in: what moved, from and to their wallet."""
    user_id = user_id_of(request)
    transfer = finance.transfer_get(transfer_id=transfer_id)
    if transfer is None:
        raise Http404(_("No such transfer."))
    wallet = finance.user_wallet(user_id=user_id)
    own = [posting for posting in transfer.postings if posting.account_id == wallet.id]
    may_view = any(finance.may_view_account(user_id=user_id, account_id=p.account_id) for p in transfer.postings)
    if not own and not may_view:
        raise Http404(_("No such transfer."))
    change = sum(
        ((p.amount if increases_balance(wallet, p.side) else -p.amount) for p in own), Money.zero(wallet.currency)
    )
    context = {"transfer": transfer, "wallet": wallet, "change": change, "kind_label": kind_label(transfer.kind)}
    return render_page(request, "pay/transfer.html", "transfer", context)
