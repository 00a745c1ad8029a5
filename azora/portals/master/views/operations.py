"""Operations for operators: the outbox (events waiting, deliveries that failed, retry them) and the task queue."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

import azora.security.public as security
from azora.portals.master.views.common import actor_id_of, operator_required, render_page
from azora.shared.events import deliveries_retry_now, failed_deliveries, outbox_stats
from azora.shared.tasks import task_queue_state

DELIVERIES_SHOWN = 100


@require_GET
@operator_required()
def operations(request: HttpRequest) -> HttpResponse:
    context = {
        "outbox": outbox_stats(),
        "deliveries": failed_deliveries(limit=DELIVERIES_SHOWN),
        "queue": task_queue_state(),
    }
    return render_page(request, "master/operations.html", context)


@require_POST
@operator_required()
def deliveries_retry(request: HttpRequest) -> HttpResponse:
    """Makes the chosen failed deliveries due now; the retry and its audit record commit together."""
    ids = sorted({int(value) for value in request.POST.getlist("delivery") if value.isdigit()})
    if not ids:
        messages.error(request, _("Choose at least one delivery to retry."))
        return redirect("master:operations")
    with transaction.atomic():
        retried = deliveries_retry_now(delivery_ids=ids)
        security.audit_record(
            action="operations.deliveries_retried",
            actor_id=actor_id_of(request),
            target_type="event_delivery",
            target_id=",".join(str(delivery_id) for delivery_id in ids)[:200],
            detail={"requested": len(ids), "retried": retried},
            request=request,
        )
    messages.success(request, _("%(count)d deliveries will be retried now.") % {"count": retried})
    return redirect("master:operations")
