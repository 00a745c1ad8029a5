"""Health Monitor's /api/v1 routes for operators' HTTP checks and the probes' current states (platform admins)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

import azora.accounts.public as accounts
from azora.health import history, http_checks
from azora.health.schemas_checks import (
    HealthHttpCheckIn,
    HealthHttpCheckOut,
    HealthHttpCheckPageOut,
    HealthHttpCheckPatchIn,
    HealthProbeListOut,
)
from azora.shared.pagination import PageParams

router = Router()

# API keys carry no such scope, so these endpoints are for signed-in platform admins only.
OPERATOR_SCOPE = "health"


def _operator(request: HttpRequest) -> uuid.UUID:
    return accounts.request_platform_admin_id(request, scope=OPERATOR_SCOPE)


@router.get("/health/checks", response=HealthHttpCheckPageOut, summary="Operators' HTTP checks, by name")
def check_list(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    _operator(request)
    result = http_checks.http_check_page(cursor=page.cursor, limit=page.limit)
    return {"items": [dataclasses.asdict(item) for item in result.items], "next_cursor": result.next_cursor}


@router.post("/health/checks", response={201: HealthHttpCheckOut}, summary="Add an HTTP check (platform admins)")
def check_create(request: HttpRequest, payload: HealthHttpCheckIn) -> Status[dict[str, Any]]:
    view = http_checks.http_check_create(actor_id=_operator(request), request=request, **payload.model_dump())
    return Status(201, dataclasses.asdict(view))


@router.get("/health/checks/{uuid:check_id}", response=HealthHttpCheckOut, summary="One HTTP check")
def check_get(request: HttpRequest, check_id: uuid.UUID) -> dict[str, Any]:
    _operator(request)
    return dataclasses.asdict(http_checks.http_check_get(check_id=check_id))


@router.patch("/health/checks/{uuid:check_id}", response=HealthHttpCheckOut, summary="Change an HTTP check")
def check_update(request: HttpRequest, check_id: uuid.UUID, payload: HealthHttpCheckPatchIn) -> dict[str, Any]:
    changes = payload.model_dump(exclude_unset=True)
    view = http_checks.http_check_update(actor_id=_operator(request), check_id=check_id, request=request, **changes)
    return dataclasses.asdict(view)


@router.delete("/health/checks/{uuid:check_id}", response={204: None}, summary="Remove an HTTP check")
def check_delete(request: HttpRequest, check_id: uuid.UUID) -> Status[None]:
    http_checks.http_check_delete(actor_id=_operator(request), check_id=check_id, request=request)
    return Status(204, None)


@router.get("/health/probes", response=HealthProbeListOut, summary="Every probe's state now (platform admins)")
def probe_list(request: HttpRequest) -> dict[str, Any]:
    """A short list (one row per registered probe and HTTP check), so it comes whole, by service and name."""
    _operator(request)
    uptimes = history.uptime_by_probe(window=dt.timedelta(hours=24))
    items = [{**dataclasses.asdict(state), "uptime_24h": uptimes.get(state.name)} for state in history.probe_states()]
    return {"items": items}
