"""Services' health for operators: each service's status and uptime, its probes, SLOs with their error budgets,
route latency, firing alerts, and a button that runs a probe round now."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

import azora.health.public as health
from azora.portals.master.views.common import operator_required, render_page

ROUTE_WINDOW = dt.timedelta(hours=24)
ROUTES_SHOWN = 25
UPTIME_WINDOWS = ("24h", "7d", "30d", "90d")  # the keys of ServiceHealthView.uptime


@require_GET
@operator_required()
def services(request: HttpRequest) -> HttpResponse:
    context = {
        "services": health.service_health(),
        "slos": health.slo_report(),
        "routes": health.route_latency(window=ROUTE_WINDOW, limit=ROUTES_SHOWN),
        "alerts": health.alert_list(status="firing"),
        "windows": UPTIME_WINDOWS,
    }
    return render_page(request, "master/services.html", context)


@require_POST
@operator_required()
def run_probes(request: HttpRequest) -> HttpResponse:
    """Runs one probe round now (as the periodic job does) and says what changed."""
    report = health.probe_round_run()
    if report.changed:
        messages.warning(
            request,
            _("Probe round done: %(count)d probes, changed: %(changed)s.")
            % {"count": report.probes, "changed": ", ".join(report.changed)},
        )
    else:
        done = _("Probe round done: %(count)d probes, no status changed.")
        messages.success(request, done % {"count": report.probes})
    return redirect("master:services")
