"""Platform admins' dispute desk: the open disputes, and one dispute resolved as a release, a refund or a split."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

import azora.marketplace.public as market
from azora.portals.marketplace.forms import ResolveForm
from azora.portals.marketplace.views.common import (
    INVALID,
    HtmxRequest,
    add_domain_error,
    domain_errors_as_http,
    form_status,
    is_platform_admin,
    redirect_to,
    render_page,
    user_id_of,
)
from azora.shared.errors import DomainError


def _admin_id(request: HtmxRequest) -> uuid.UUID:
    user_id = user_id_of(request)
    if not is_platform_admin(user_id):
        raise PermissionDenied
    return user_id


@login_required
@require_GET
def disputes(request: HtmxRequest) -> HttpResponse:
    admin_id = _admin_id(request)
    show_all = request.GET.get("status") == "all"
    items = market.disputes_list(admin_id=admin_id, status=None if show_all else "open")
    return render_page(request, "market/disputes.html", {"disputes": items, "show_all": show_all}, private=True)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def dispute_resolve(request: HtmxRequest, dispute_id: uuid.UUID) -> HttpResponse:
    admin_id = _admin_id(request)
    found = next((d for d in market.disputes_list(admin_id=admin_id, status=None) if d.id == dispute_id), None)
    if found is None:
        raise Http404(_("No such dispute."))
    contract = market.contract_get(viewer_id=admin_id, contract_id=found.contract_id)
    milestone = next(m for m in contract.milestones if m.id == found.milestone_id)
    form = ResolveForm(request.POST or None, currency=milestone.amount.currency)
    status = 200
    refusal = ""
    if request.method == "POST" and found.status == "open":
        if form.is_valid():
            seller = form.cleaned_data.get("seller_money")
            try:
                market.dispute_resolve(
                    admin_id=admin_id,
                    dispute_id=dispute_id,
                    resolution=form.cleaned_data["resolution"],
                    seller_amount_minor=seller.minor if seller is not None else None,
                    note=form.cleaned_data["note"],
                )
            except DomainError as error:
                if error.status == 404:
                    raise
                add_domain_error(form, error, aliases={"seller_amount_minor": "seller_amount"})
                status = form_status(error)
            else:
                messages.success(request, _("The dispute is resolved and the decision is posted to the ledger."))
                return redirect_to(request, reverse("market:dispute_resolve", kwargs={"dispute_id": dispute_id}))
        else:
            status = INVALID
    elif request.method == "POST":  # a second decision (another admin was quicker): said, and nothing changes
        refusal = _("This dispute is already resolved.")
        status = 409
    context = {"dispute": found, "contract": contract, "milestone": milestone, "form": form, "refusal": refusal}
    return render_page(request, "market/dispute_resolve.html", context, status=status, private=True)
