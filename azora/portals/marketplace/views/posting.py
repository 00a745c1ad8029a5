"""The poster's side: "my listings", the new listing form (skills and milestones), a listing's applicants
ranked by the same explained match score with their status buttons, and publishing, pausing or closing."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import azora.accounts.public as accounts
import azora.marketplace.public as market
from azora.portals.marketplace.forms import ListingForm, TransitionForm
from azora.portals.marketplace.templatetags.market_tags import status_label
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

POSTING_ROLES = ("owner", "admin", "billing")
# What a poster may do with a listing in each status (the marketplace refuses anything else).
LISTING_ACTIONS = {
    "draft": ("open",),
    "open": ("paused", "closed"),
    "paused": ("open", "closed"),
}


def _organisations(user_id: uuid.UUID) -> list[tuple[str, str]]:
    return [
        (str(organisation.id), organisation.name)
        for organisation in accounts.organisation_list_for_user(user_id=user_id)
        if organisation.role in POSTING_ROLES
    ]


@login_required
@require_GET
def dashboard(request: HtmxRequest) -> HttpResponse:
    user_id = user_id_of(request)
    page = market.listings_of_poster(poster_id=user_id, cursor=request.GET.get("cursor") or None)
    context = {"page": page, "actions": LISTING_ACTIONS}
    return render_page(request, "market/dashboard.html", context, private=True)


@login_required
@require_http_methods(["GET", "POST"])
def listing_new(request: HtmxRequest) -> HttpResponse:
    user_id = user_id_of(request)
    organisations = _organisations(user_id)
    form = ListingForm(request.POST or None, organisations=organisations)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                listing = market.listing_create(poster_id=user_id, **form.arguments())
            except DomainError as error:
                add_domain_error(form, error, aliases={"pay_min_minor": "pay_min", "pay_max_minor": "pay_max"})
                status = form_status(error)
            else:
                if listing.status == "open":
                    messages.success(request, _("Your listing is published."))
                else:
                    messages.success(request, _("Your listing is saved as a draft."))
                return redirect_to(request, reverse("market:listing", kwargs={"listing_id": listing.id}))
        else:
            status = INVALID
    return render_page(request, "market/listing_new.html", {"form": form}, status=status, private=True)


@login_required
@require_GET
@domain_errors_as_http
def applicants(request: HtmxRequest, listing_id: uuid.UUID) -> HttpResponse:
    """Applicants ranked best first by the match score, each with its reasons and the allowed status buttons."""
    user_id = user_id_of(request)
    listing = market.listing_get(listing_id=listing_id, viewer_id=user_id)
    # The marketplace decides who may see them (the poster, the organisation's admins): NotFound for others.
    items = market.applications_of_listing(viewer_id=user_id, listing_id=listing_id)
    context = {
        "listing": listing,
        "applications": items,
        "transition_form": TransitionForm(),
        "actions": LISTING_ACTIONS.get(listing.status, ()),
    }
    return render_page(request, "market/applicants.html", context, private=True)


@login_required
@require_POST
@domain_errors_as_http
def listing_status(request: HtmxRequest, listing_id: uuid.UUID) -> HttpResponse:
    user_id = user_id_of(request)
    to_status = request.POST.get("status", "")
    if to_status not in ("open", "paused", "closed"):
        raise Http404
    try:
        listing = market.listing_update(actor_id=user_id, listing_id=listing_id, changes={"status": to_status})
    except DomainError as error:
        if error.status in (403, 404):  # not the poster's: a 403 or 404 page, never a message on their page
            raise
        messages.error(request, error_message(error))
    else:
        messages.success(request, _("The listing is now %(status)s.") % {"status": status_label(listing.status)})
    return redirect_to(request, reverse("market:applicants", kwargs={"listing_id": listing_id}))
