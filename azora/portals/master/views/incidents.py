"""Incidents and maintenance windows for operators: open an incident, post updates until it is resolved, and
plan maintenance (which silences alerts for its services while probing goes on)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

import azora.health.public as health
import azora.security.public as security
from azora.portals.master.forms import IncidentForm, IncidentUpdateForm, MaintenanceForm
from azora.portals.master.views.common import (
    actor_id_of,
    add_domain_error,
    error_status,
    operator_required,
    render_page,
)
from azora.shared.errors import DomainError, NotFound

INCIDENTS_SHOWN = 50


def _aware(value: dt.datetime) -> dt.datetime:
    """A datetime-local field carries no zone: the form says UTC, so it is read as UTC."""
    return value if timezone.is_aware(value) else value.replace(tzinfo=dt.UTC)


def _incidents_page(
    request: HttpRequest,
    *,
    incident_form: IncidentForm | None = None,
    maintenance_form: MaintenanceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "incidents": health.incident_list(limit=INCIDENTS_SHOWN),
        "maintenance": health.maintenance_list(include_past=False),
        "incident_form": incident_form or IncidentForm(prefix="incident"),
        "maintenance_form": maintenance_form or MaintenanceForm(prefix="maintenance"),
        "services": [service.service for service in health.service_health()],
    }
    return render_page(request, "master/incidents.html", context, status=status)


@require_http_methods(["GET", "POST"])
@operator_required()
def incidents(request: HttpRequest) -> HttpResponse:
    """The list of incidents and maintenance windows; a POST opens an incident."""
    if request.method != "POST":
        return _incidents_page(request)
    form = IncidentForm(request.POST, prefix="incident")
    if not form.is_valid():
        return _incidents_page(request, incident_form=form, status=422)
    try:
        incident = health.incident_create(
            actor_id=actor_id_of(request), ip=security.client_ip(request), **form.cleaned_data
        )
    except DomainError as error:
        add_domain_error(form, error)
        return _incidents_page(request, incident_form=form, status=error_status(error))
    messages.success(request, _("Incident opened."))
    return redirect("master:incident", incident_id=incident.id)


def _incident_or_404(incident_id: uuid.UUID) -> health.IncidentView:
    try:
        return health.incident_get(incident_id=incident_id)
    except NotFound as error:
        raise Http404(_("No such incident.")) from error


@require_http_methods(["GET", "POST"])
@operator_required()
def incident(request: HttpRequest, incident_id: uuid.UUID) -> HttpResponse:
    """One incident with its updates; a POST adds an update (status "resolved" closes it)."""
    form = IncidentUpdateForm(request.POST or None, prefix="update")
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                health.incident_update_add(
                    actor_id=actor_id_of(request),
                    ip=security.client_ip(request),
                    incident_id=incident_id,
                    **form.cleaned_data,
                )
            except NotFound as error:
                raise Http404(_("No such incident.")) from error
            except DomainError as error:
                add_domain_error(form, error)
                status = error_status(error)
            else:
                messages.success(request, _("Update posted."))
                return redirect("master:incident", incident_id=incident_id)
        else:
            status = 422
    context = {"incident": _incident_or_404(incident_id), "form": form}
    return render_page(request, "master/incident.html", context, status=status)


@require_POST
@operator_required()
def maintenance_create(request: HttpRequest) -> HttpResponse:
    form = MaintenanceForm(request.POST, prefix="maintenance")
    if not form.is_valid():
        return _incidents_page(request, maintenance_form=form, status=422)
    data = form.cleaned_data
    try:
        health.maintenance_create(
            actor_id=actor_id_of(request),
            ip=security.client_ip(request),
            title=data["title"],
            services=data["services"],
            starts_at=_aware(data["starts_at"]),
            ends_at=_aware(data["ends_at"]),
        )
    except DomainError as error:
        add_domain_error(form, error)
        return _incidents_page(request, maintenance_form=form, status=error_status(error))
    messages.success(request, _("Maintenance window planned."))
    return redirect("master:incidents")


@require_POST
@operator_required()
def maintenance_delete(request: HttpRequest, window_id: uuid.UUID) -> HttpResponse:
    try:
        health.maintenance_delete(actor_id=actor_id_of(request), ip=security.client_ip(request), window_id=window_id)
    except NotFound as error:
        raise Http404(_("No such maintenance window.")) from error
    messages.success(request, _("Maintenance window removed."))
    return redirect("master:incidents")
