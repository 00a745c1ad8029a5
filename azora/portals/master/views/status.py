"""The public status page: every service's 90-day bar, current incidents and maintenance; no login."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext, ngettext

import azora.health.public as health

# The bar's geometry in SVG user units; the SVG scales to the width of the page (no inline styles: strict CSP).
BAR_WIDTH = 3
BAR_GAP = 1
BAR_HEIGHT = 24
# A day at or above this uptime is drawn as good; below PARTIAL_BELOW it is an outage day.
GOOD_FROM = 99.9
OUTAGE_BELOW = 99.0


@dataclass(frozen=True, slots=True)
class BarCell:
    x: int
    kind: str  # "good" | "partial" | "outage" | "none": a CSS class, and the legend's words
    label: str  # the cell's <title>: the day and what happened


@dataclass(frozen=True, slots=True)
class ServiceRow:
    service: health.ServiceStatus
    cells: tuple[BarCell, ...]
    bad_days: tuple[health.DayBar, ...]
    width: int
    summary: str


def bar_kind(bar: health.DayBar) -> str:
    if bar.uptime_percent is None:
        return "none"
    if bar.uptime_percent >= GOOD_FROM:
        return "good"
    return "partial" if bar.uptime_percent >= OUTAGE_BELOW else "outage"


def _cell_label(bar: health.DayBar) -> str:
    day = bar.day.isoformat()
    if bar.uptime_percent is None:
        return gettext("%(day)s: no data") % {"day": day}
    down = ngettext("%(minutes)d minute down", "%(minutes)d minutes down", bar.down_minutes) % {
        "minutes": bar.down_minutes
    }
    return gettext("%(day)s: %(uptime)s%% up, %(down)s") % {
        "day": day,
        "uptime": f"{bar.uptime_percent:.2f}",
        "down": down,
    }


def service_row(service: health.ServiceStatus) -> ServiceRow:
    cells = tuple(
        BarCell(x=index * (BAR_WIDTH + BAR_GAP), kind=bar_kind(bar), label=_cell_label(bar))
        for index, bar in enumerate(service.bars)
    )
    if service.uptime_90d is None:
        summary = gettext("%(service)s: no uptime data yet.") % {"service": service.label}
    else:
        summary = gettext("%(service)s: %(uptime)s%% uptime over %(days)d days.") % {
            "service": service.label,
            "uptime": f"{service.uptime_90d:.2f}",
            "days": len(service.bars),
        }
    return ServiceRow(
        service=service,
        cells=cells,
        bad_days=tuple(bar for bar in service.bars if bar_kind(bar) in ("partial", "outage")),
        width=max(len(cells) * (BAR_WIDTH + BAR_GAP) - BAR_GAP, 1),
        summary=summary,
    )


def status_page(request: HttpRequest) -> HttpResponse:
    page = health.status_page_cached()
    open_incidents = [incident for incident in page.incidents if incident.resolved_at is None]
    resolved_incidents = [incident for incident in page.incidents if incident.resolved_at is not None]
    labels = {service.service: service.label for service in page.services}
    maintenance = [
        {
            "window": window,
            "services": [labels.get(name) or health.service_label(name) for name in window.services],
        }
        for window in page.maintenance
    ]
    context = {
        "page": page,
        "rows": [service_row(service) for service in page.services],
        "open_incidents": open_incidents,
        "resolved_incidents": resolved_incidents,
        "maintenance": maintenance,
        "labels": labels,
        "bar_height": BAR_HEIGHT,
        "bar_width": BAR_WIDTH,
    }
    # The data is cached (status_page_cached); the page itself is not, as it carries the visitor's navigation,
    # language and CSRF token.
    return render(request, "master/status.html", context)
