"""Browse and search open listings with facets, one listing with the viewer's match explained, and "my matches".

The search form is a plain GET form: without script it reloads the page; with HTMX only the results are redrawn
and the address keeps the filters, so a search can be shared.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

import azora.marketplace.public as market
from azora.portals.marketplace.forms import SearchForm
from azora.portals.marketplace.views.common import (
    INVALID,
    HtmxRequest,
    add_domain_error,
    domain_errors_as_http,
    render_page,
    user_id_of,
    viewer_id_of,
)
from azora.shared.errors import DomainError

PAGE_SIZE = 20
FILTERS = ("q", "kind", "job_type", "remote", "location", "skill", "currency", "pay_min", "pay")
# Facets the reader can click to narrow the results, in this order, with the query parameter each one sets.
FACETS = (
    ("kind", gettext_lazy("Kind"), "kind"),
    ("job_type", gettext_lazy("Job type"), "job_type"),
    ("remote", gettext_lazy("Where"), "remote"),
    ("location", gettext_lazy("Location"), "location"),
    ("skill", gettext_lazy("Skills"), "skill"),
    ("currency", gettext_lazy("Currency"), "currency"),
    ("pay", gettext_lazy("Pay"), "pay"),
)


def _remote_value(value: str) -> str:
    return "yes" if value.lower() in ("true", "1", "yes", "remote") else "no"


def _facet_groups(request: HtmxRequest, page: market.ListingPage) -> list[dict[str, Any]]:
    """Each facet as links that add (or, when active, remove) its filter; counts are over the current results.

    They are plain links (a whole page), so the search form above always shows every filter in force."""
    groups = []
    for name, label, parameter in FACETS:
        counts = page.facets.get(name, ())
        if not counts:
            continue
        options = []
        for count in counts:
            value = _remote_value(count.value) if name == "remote" else count.value
            query = request.GET.copy()
            query.pop("cursor", None)
            url = None
            active = False
            if parameter == "skill":
                chosen = query.getlist("skill")
                active = value in chosen
                query.setlist("skill", [v for v in chosen if v != value] if active else [*chosen, value])
                url = "?" + query.urlencode()
            elif parameter:
                active = query.get(parameter) == value
                if active:
                    query.pop(parameter, None)
                else:
                    query[parameter] = value
                url = "?" + query.urlencode()
            options.append({"label": count.label, "count": count.count, "url": url, "active": active})
        groups.append({"name": name, "label": label, "options": options})
    return groups


@require_GET
def browse(request: HtmxRequest) -> HttpResponse:
    """Open jobs and gigs; under HTMX only the results are redrawn as the reader types or filters."""
    viewer_id = viewer_id_of(request)
    form = SearchForm(request.GET or None)
    page = None
    status = 200
    if not request.GET or form.is_valid():
        arguments = form.search_arguments(request.GET.getlist("skill")) if request.GET else {"sort": "best"}
        try:
            page = market.listing_search(
                viewer_id=viewer_id, **arguments, cursor=request.GET.get("cursor") or None, limit=PAGE_SIZE
            )
        except DomainError as error:  # a damaged cursor or a filter the search refuses: said beside the form
            add_domain_error(form, error)
            status = INVALID
    else:
        status = INVALID
    next_query = first_query = None
    if page is not None and page.next_cursor:
        query = request.GET.copy()
        query["cursor"] = page.next_cursor
        next_query = query.urlencode()
    if request.GET.get("cursor"):
        query = request.GET.copy()
        query.pop("cursor", None)
        first_query = query.urlencode()
    context = {
        "form": form,
        "page": page,
        "facets": _facet_groups(request, page) if page is not None else [],
        "next_query": next_query,
        "first_query": first_query,
        "extra_skills": request.GET.getlist("skill")[:-1],  # the last one is in the Skill box
        "has_filters": any(request.GET.get(name) for name in FILTERS),
    }
    return render_page(request, "market/browse.html", context, partial="results", status=status)


@require_GET
@domain_errors_as_http
def listing_detail(request: HtmxRequest, listing_id: uuid.UUID) -> HttpResponse:
    viewer_id = viewer_id_of(request)
    listing = market.listing_get(listing_id=listing_id, viewer_id=viewer_id)
    return render_page(request, "market/listing.html", listing_context(listing, viewer_id))


def listing_context(listing: market.ListingView, viewer_id: uuid.UUID | None) -> dict[str, Any]:
    """What the listing page shows besides the listing: the viewer's match and their application, if any."""
    is_poster = viewer_id is not None and viewer_id == listing.poster_id
    match = None
    application = None
    if viewer_id is not None and not is_poster:
        match = market.match_for(user_id=viewer_id, listing_id=listing.id)
        application = next(
            (a for a in market.applications_of_user(user_id=viewer_id) if a.listing_id == listing.id), None
        )
    return {"listing": listing, "match": match, "application": application, "is_poster": is_poster}


@login_required
@require_GET
def matches(request: HtmxRequest) -> HttpResponse:
    """Open listings that fit the person's skills, experience, place and pay, best first, each with its reasons."""
    user_id = user_id_of(request)
    kind = request.GET.get("kind") if request.GET.get("kind") in ("job", "gig") else None
    found = market.matches_for_user(user_id=user_id, kind=kind, limit=PAGE_SIZE)
    context = {"matches": found, "kind": kind or "", "title": _("My matches")}
    return render_page(request, "market/matches.html", context, partial="matches")
