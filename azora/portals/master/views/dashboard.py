"""The operators' dashboard: users, activity, money, incidents and security at a glance, with small charts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

import azora.accounts.public as accounts
import azora.education.public as education
import azora.finance.public as finance
import azora.health.public as health
import azora.revenue.public as revenue
import azora.security.public as security
from azora.portals.master.charts import bar_chart
from azora.portals.master.views.common import (
    FINANCE_ADMIN,
    PLATFORM_ADMIN,
    actor_id_of,
    operator_required,
    operator_roles_of,
    render_page,
)

CHART_DAYS = 30
ACTIVE_WINDOW = dt.timedelta(days=30)
REVENUE_CURRENCY = "ZAR"


def _start_of_day(now: dt.datetime) -> dt.datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def _platform_figures(now: dt.datetime) -> dict[str, Any]:
    today = now.date()
    users = accounts.user_counts(active_since=now - ACTIVE_WINDOW)
    joined = accounts.users_joined_by_day(days=CHART_DAYS, today=today)
    events_today = security.security_event_counts(since=_start_of_day(now))
    return {
        "users": users,
        "enrolments": education.enrollment_count(),
        "enrolments_this_month": education.enrollment_count(since=now - ACTIVE_WINDOW),
        "open_incidents": health.incident_list(open_only=True),
        "events_today": sorted(events_today.items(), key=lambda item: (-item[1], item[0])),
        "events_today_total": sum(events_today.values()),
        "events_chart": bar_chart([(kind, float(count)) for kind, count in sorted(events_today.items())]),
        "joined_chart": bar_chart([(day.isoformat(), float(count)) for day, count in joined]),
    }


def _money_figures(request: HttpRequest, now: dt.datetime) -> dict[str, Any]:
    today = now.date()
    supply = finance.azr_supply_summary(days=CHART_DAYS, today=today)
    report = revenue.revenue_report(
        viewer_id=actor_id_of(request),
        group_by="period",
        start=today - dt.timedelta(days=CHART_DAYS - 1),
        end=today,
        currency=REVENUE_CURRENCY,
    )
    return {
        "supply": supply,
        "burn_chart": bar_chart([(day.isoformat(), amount.minor / 100) for day, amount in supply.burned_by_day]),
        "revenue": report.summary,
        "revenue_chart": bar_chart([(row.label, row.net.minor / 100) for row in report.rows]),
    }


@require_GET
@operator_required(PLATFORM_ADMIN, FINANCE_ADMIN)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Platform admins see everything; finance admins only the money figures."""
    now = timezone.now()
    context: dict[str, Any] = {"chart_days": CHART_DAYS, "revenue_currency": REVENUE_CURRENCY}
    if PLATFORM_ADMIN in operator_roles_of(request):
        context.update(_platform_figures(now))
    context.update(_money_figures(request, now))
    return render_page(request, "master/dashboard.html", context)
