"""The moderation queue for operators: flagged reviews, messages and lessons; keep or remove each with a note."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

import azora.security.public as security
from azora.portals.master.forms import ModerationDecisionForm
from azora.portals.master.views.common import (
    actor_id_of,
    add_domain_error,
    error_status,
    operator_required,
    render_page,
)
from azora.shared.errors import DomainError, NotFound

CASES_SHOWN = 100
CASE_STATUSES = ("open", "kept", "removed")


def _queue_page(
    request: HttpRequest, *, status_filter: str, failed: tuple[uuid.UUID, ModerationDecisionForm] | None = None,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    cases = security.moderation_case_list(status=status_filter, limit=CASES_SHOWN)
    forms = {case.id: ModerationDecisionForm(prefix=f"case-{case.id}") for case in cases}
    if failed is not None:
        forms[failed[0]] = failed[1]
    context = {
        "cases": [(case, forms[case.id]) for case in cases],
        "status_filter": status_filter,
        "statuses": CASE_STATUSES,
    }
    return render_page(request, "master/moderation.html", context, status=status)


@require_GET
@operator_required()
def moderation(request: HttpRequest) -> HttpResponse:
    status_filter = request.GET.get("status", "open")
    if status_filter not in CASE_STATUSES:
        status_filter = "open"
    return _queue_page(request, status_filter=status_filter)


@require_POST
@operator_required()
def moderation_decide(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    form = ModerationDecisionForm(request.POST, prefix=f"case-{case_id}")
    if not form.is_valid():
        return _queue_page(request, status_filter="open", failed=(case_id, form), status=422)
    try:
        security.moderation_decide(
            moderator_id=actor_id_of(request),
            case_id=case_id,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
        )
    except NotFound as error:
        raise Http404(_("No such case.")) from error
    except DomainError as error:
        add_domain_error(form, error)
        return _queue_page(request, status_filter="open", failed=(case_id, form), status=error_status(error))
    messages.success(request, _("Decision recorded."))
    return redirect("master:moderation")
