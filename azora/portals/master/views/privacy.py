"""Deletion requests for operators: review each (approve anonymises the person's data through every app in one
transaction; reject keeps it), with a note kept in the audit trail."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

import azora.security.public as security
from azora.portals.master.forms import DeletionReviewForm
from azora.portals.master.views.common import (
    actor_id_of,
    add_domain_error,
    error_status,
    operator_required,
    render_page,
)
from azora.shared.errors import DomainError, NotFound

REQUESTS_SHOWN = 100


def _requests_page(
    request: HttpRequest, *, failed: tuple[uuid.UUID, DeletionReviewForm] | None = None, status: int = 200
) -> HttpResponse:
    requests = security.deletion_request_list(limit=REQUESTS_SHOWN)
    forms = {item.id: DeletionReviewForm(prefix=f"request-{item.id}") for item in requests}
    if failed is not None:
        forms[failed[0]] = failed[1]
    context = {"requests": [(item, forms[item.id]) for item in requests]}
    return render_page(request, "master/deletion_requests.html", context, status=status)


@require_GET
@operator_required()
def deletion_requests(request: HttpRequest) -> HttpResponse:
    return _requests_page(request)


@require_POST
@operator_required()
def deletion_request_review(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    form = DeletionReviewForm(request.POST, prefix=f"request-{request_id}")
    if not form.is_valid():
        return _requests_page(request, failed=(request_id, form), status=422)
    try:
        reviewed = security.deletion_request_review(
            reviewer_id=actor_id_of(request),
            request_id=request_id,
            approve=form.cleaned_data["decision"] == "approve",
            note=form.cleaned_data["note"],
        )
    except NotFound as error:
        raise Http404(_("No such deletion request.")) from error
    except DomainError as error:
        add_domain_error(form, error)
        return _requests_page(request, failed=(request_id, form), status=error_status(error))
    if reviewed.status == "failed":
        failure = _("The anonymisation failed and was rolled back: %(reason)s")
        messages.error(request, failure % {"reason": reviewed.review_note})
    else:
        messages.success(request, _("Deletion request reviewed."))
    return redirect("master:deletion_requests")
