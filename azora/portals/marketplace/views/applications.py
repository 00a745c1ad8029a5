"""Applying and proposing, "my applications" with their status, and one application's page: its history, the
status buttons the viewer may press, and the message thread between the poster and the applicant."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import azora.marketplace.public as market
from azora.portals.marketplace.forms import ApplicationForm, MessageForm, TransitionForm
from azora.portals.marketplace.templatetags.market_tags import status_label
from azora.portals.marketplace.views.browse import listing_context
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

STATUS_FILTERS = (
    "submitted",
    "reviewing",
    "shortlisted",
    "interviewing",
    "offered",
    "accepted",
    "rejected",
    "withdrawn",
)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def apply(request: HtmxRequest, listing_id: uuid.UUID) -> HttpResponse:
    """The application (job) or proposal (gig) form; a refusal (twice, closed, one's own) comes back beside it."""
    user_id = user_id_of(request)
    listing = market.listing_get(listing_id=listing_id, viewer_id=user_id)
    form = ApplicationForm(request.POST or None, currency=listing.pay_min.currency)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                application = market.application_create(applicant_id=user_id, listing_id=listing.id, **form.arguments())
            except DomainError as error:
                add_domain_error(form, error)
                status = form_status(error)
            else:
                if listing.kind == "gig":
                    messages.success(request, _("Your proposal was sent."))
                else:
                    messages.success(request, _("Your application was sent."))
                return redirect_to(request, reverse("market:application", kwargs={"application_id": application.id}))
        else:
            status = INVALID
    context = {**listing_context(listing, user_id), "form": form}
    return render_page(request, "market/apply.html", context, partial="apply-form", status=status, private=True)


@login_required
@require_GET
def my_applications(request: HtmxRequest) -> HttpResponse:
    user_id = user_id_of(request)
    chosen = request.GET.get("status") if request.GET.get("status") in STATUS_FILTERS else None
    items = market.applications_of_user(user_id=user_id, status=chosen)
    context = {"applications": items, "status": chosen or "", "statuses": STATUS_FILTERS}
    return render_page(request, "market/my_applications.html", context, partial="applications", private=True)


def _application_page(
    request: HtmxRequest,
    application_id: uuid.UUID,
    *,
    message_form: MessageForm | None = None,
    transition_error: str = "",
    status: int = 200,
) -> HttpResponse:
    user_id = user_id_of(request)
    application = market.application_get(viewer_id=user_id, application_id=application_id)
    thread = market.messages_of(viewer_id=user_id, application_id=application_id)
    context = {
        "application": application,
        "thread": thread,
        "message_form": message_form or MessageForm(),
        "transition_form": TransitionForm(),
        "transition_error": transition_error,
        "viewer_is_poster": application.poster_id == user_id,
        "viewer_id": user_id,
    }
    partial = "thread" if message_form is not None else None
    return render_page(request, "market/application.html", context, partial=partial, status=status, private=True)


@login_required
@require_GET
@domain_errors_as_http
def application_detail(request: HtmxRequest, application_id: uuid.UUID) -> HttpResponse:
    return _application_page(request, application_id)


@login_required
@require_POST
@domain_errors_as_http
def message_send(request: HtmxRequest, application_id: uuid.UUID) -> HttpResponse:
    user_id = user_id_of(request)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            market.message_send(sender_id=user_id, application_id=application_id, body=form.cleaned_data["body"])
        except DomainError as error:
            add_domain_error(form, error)
            return _application_page(request, application_id, message_form=form, status=form_status(error))
        if request.htmx:  # the thread redrawn with the new message, and an empty box
            return _application_page(request, application_id, message_form=MessageForm())
        return redirect_to(
            request, reverse("market:application", kwargs={"application_id": application_id}) + "#thread"
        )
    return _application_page(request, application_id, message_form=form, status=INVALID)


@login_required
@require_POST
@domain_errors_as_http
def transition(request: HtmxRequest, application_id: uuid.UUID) -> HttpResponse:
    """One status change; accepting a gig offer opens the new contract's page."""
    user_id = user_id_of(request)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return _application_page(request, application_id, transition_error=_("Choose a status."), status=INVALID)
    try:
        application = market.application_transition(
            actor_id=user_id,
            application_id=application_id,
            to_status=form.cleaned_data["to_status"],
            note=form.cleaned_data["note"],
        )
    except DomainError as error:
        if error.status == 404:
            raise
        return _application_page(
            request, application_id, transition_error=error_message(error), status=form_status(error)
        )
    messages.success(request, _("Status changed to %(status)s.") % {"status": status_label(application.status)})
    if application.contract_id is not None and application.status == "accepted":
        return redirect_to(request, reverse("market:contract", kwargs={"contract_id": application.contract_id}))
    next_url = request.POST.get("next", "")
    if next_url.startswith("/market/") and not next_url.startswith("//"):
        return redirect_to(request, next_url)
    return redirect_to(request, reverse("market:application", kwargs={"application_id": application.id}))
