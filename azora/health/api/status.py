"""Health Monitor's /api/v1 routes for the public status (no sign-in) and, for platform admins, SLOs, incidents,
maintenance windows, alerts and alert channels."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

import azora.accounts.public as accounts
import azora.security.public as security
from azora.health import alerts, incidents, maintenance, slo, status_page
from azora.health.schemas_status import (
    HealthAlertChannelCreatedOut,
    HealthAlertChannelCreateIn,
    HealthAlertChannelOut,
    HealthAlertChannelTestOut,
    HealthAlertPageOut,
    HealthAlertQuery,
    HealthIncidentCreateIn,
    HealthIncidentOut,
    HealthIncidentPageOut,
    HealthIncidentQuery,
    HealthIncidentUpdateIn,
    HealthMaintenanceCreateIn,
    HealthMaintenanceOut,
    HealthMaintenanceQuery,
    HealthSloOut,
    HealthStatusOut,
)

router = Router()

# API keys carry no such scope, so operators' endpoints are for signed-in platform admins only.
OPERATOR_SCOPE = "health"


def _operator(request: HttpRequest) -> uuid.UUID:
    return accounts.request_platform_admin_id(request, scope=OPERATOR_SCOPE)


def _plain(view: Any) -> dict[str, Any]:
    """A contract dataclass as a dict a response schema validates (tuples become lists)."""
    return dataclasses.asdict(view)


@router.get(
    "/status",
    response=HealthStatusOut,
    auth=None,
    summary="The platform's public status: services with 90-day bars, incidents and maintenance (no sign-in)",
)
def status_get(request: HttpRequest, response: HttpResponse) -> dict[str, Any]:
    # Everyone sees the same page, so shared caches may keep it as long as the server does.
    response["Cache-Control"] = f"public, max-age={status_page.CACHE_SECONDS}"
    return _plain(status_page.status_page_cached())


@router.get("/health/slos", response=list[HealthSloOut], summary="Every SLO with its error budget and burn rates")
def slo_list(request: HttpRequest) -> list[dict[str, Any]]:
    _operator(request)
    return [_plain(view) for view in slo.slo_report()]


@router.get("/health/incidents", response=HealthIncidentPageOut, summary="Incidents, newest first (platform admins)")
def incident_list(request: HttpRequest, filters: Query[HealthIncidentQuery]) -> dict[str, Any]:
    _operator(request)
    page = incidents.incident_page(
        cursor=filters.cursor, limit=filters.limit, open_only=filters.open_only, service=filters.service
    )
    return {"items": [_plain(item) for item in page.items], "next_cursor": page.next_cursor}


@router.post("/health/incidents", response={201: HealthIncidentOut}, summary="Open an incident (platform admins)")
def incident_create(request: HttpRequest, payload: HealthIncidentCreateIn) -> Status[dict[str, Any]]:
    view = incidents.incident_create(
        actor_id=_operator(request),
        ip=security.client_ip(request),
        service=payload.service,
        title=payload.title,
        severity=payload.severity,
        message=payload.message,
    )
    return Status(201, _plain(view))


@router.get("/health/incidents/{uuid:incident_id}", response=HealthIncidentOut, summary="One incident")
def incident_get(request: HttpRequest, incident_id: uuid.UUID) -> dict[str, Any]:
    _operator(request)
    return _plain(incidents.incident_get(incident_id=incident_id))


@router.post(
    "/health/incidents/{uuid:incident_id}/updates",
    response={201: HealthIncidentOut},
    summary='Add an update to an incident; status "resolved" closes it (platform admins)',
)
def incident_update_add(
    request: HttpRequest, incident_id: uuid.UUID, payload: HealthIncidentUpdateIn
) -> Status[dict[str, Any]]:
    view = incidents.incident_update_add(
        actor_id=_operator(request),
        ip=security.client_ip(request),
        incident_id=incident_id,
        status=payload.status,
        message=payload.message,
    )
    return Status(201, _plain(view))


@router.get("/health/maintenance", response=list[HealthMaintenanceOut], summary="Maintenance windows")
def maintenance_list(request: HttpRequest, filters: Query[HealthMaintenanceQuery]) -> list[dict[str, Any]]:
    _operator(request)
    return [_plain(view) for view in maintenance.maintenance_list(include_past=filters.include_past)]


@router.post(
    "/health/maintenance",
    response={201: HealthMaintenanceOut},
    summary="Plan a maintenance window: alerts of its services are silenced, probing goes on (platform admins)",
)
def maintenance_create(request: HttpRequest, payload: HealthMaintenanceCreateIn) -> Status[dict[str, Any]]:
    view = maintenance.maintenance_create(
        actor_id=_operator(request),
        ip=security.client_ip(request),
        title=payload.title,
        services=payload.services,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
    )
    return Status(201, _plain(view))


@router.delete("/health/maintenance/{uuid:window_id}", response={204: None}, summary="Cancel a maintenance window")
def maintenance_delete(request: HttpRequest, window_id: uuid.UUID) -> Status[None]:
    maintenance.maintenance_delete(actor_id=_operator(request), ip=security.client_ip(request), window_id=window_id)
    return Status(204, None)


@router.get("/health/alerts", response=HealthAlertPageOut, summary="Alerts, newest first (platform admins)")
def alert_list(request: HttpRequest, filters: Query[HealthAlertQuery]) -> dict[str, Any]:
    _operator(request)
    page = alerts.alert_page(status=filters.status, cursor=filters.cursor, limit=filters.limit)
    return {"items": [_plain(item) for item in page.items], "next_cursor": page.next_cursor}


@router.get("/health/alert-channels", response=list[HealthAlertChannelOut], summary="Where alerts go")
def alert_channel_list(request: HttpRequest) -> list[dict[str, Any]]:
    _operator(request)
    return [_plain(view) for view in alerts.alert_channel_list()]


@router.post(
    "/health/alert-channels",
    response={201: HealthAlertChannelCreatedOut},
    summary="Add an email or signed-webhook alert channel; a webhook's signing secret is shown only here",
)
def alert_channel_create(request: HttpRequest, payload: HealthAlertChannelCreateIn) -> Status[dict[str, Any]]:
    view, secret = alerts.alert_channel_create(
        actor_id=_operator(request),
        ip=security.client_ip(request),
        name=payload.name,
        kind=payload.kind,
        target=payload.target,
    )
    return Status(201, {**_plain(view), "signing_secret": secret})


@router.delete("/health/alert-channels/{uuid:channel_id}", response={204: None}, summary="Remove an alert channel")
def alert_channel_delete(request: HttpRequest, channel_id: uuid.UUID) -> Status[None]:
    alerts.alert_channel_delete(actor_id=_operator(request), ip=security.client_ip(request), channel_id=channel_id)
    return Status(204, None)


@router.post(
    "/health/alert-channels/{uuid:channel_id}/test",
    response=HealthAlertChannelTestOut,
    summary="Send a test alert to a channel now and say how it went",
)
def alert_channel_test(request: HttpRequest, channel_id: uuid.UUID) -> dict[str, str]:
    outcome = alerts.alert_channel_test(
        actor_id=_operator(request), ip=security.client_ip(request), channel_id=channel_id
    )
    return {"outcome": outcome}
