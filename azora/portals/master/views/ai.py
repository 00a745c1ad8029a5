"""AI for operators: usage and cost by provider over 30 days, and the constitution's decisions to review."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

import azora.ai_routing.public as ai_routing
import azora.constitution.public as constitution
from azora.portals.master.charts import bar_chart
from azora.portals.master.views.common import operator_required, render_page

USAGE_WINDOW = dt.timedelta(days=30)
DECISIONS_PAGE_SIZE = 25
MICROS = 1_000_000


@require_GET
@operator_required()
def ai(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    usage = ai_routing.usage_by_provider(since=now - USAGE_WINDOW, until=now)
    decisions = constitution.decisions_to_review(cursor=request.GET.get("cursor") or None, limit=DECISIONS_PAGE_SIZE)
    context = {
        "usage": usage,
        "cost_chart": bar_chart([(row.provider or "-", row.cost_micros / MICROS) for row in usage]),
        "total_cost": sum(row.cost_micros for row in usage) / MICROS,
        "total_requests": sum(row.requests for row in usage),
        "currency": usage[0].currency if usage else "",
        "decisions": decisions,
    }
    return render_page(request, "master/ai.html", context, partial="decisions")
