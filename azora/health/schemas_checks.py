"""Request and response schemas of the operators' HTTP check and probe endpoints."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Field, Schema

from azora.shared.schemas import StrictIn


class HealthHttpCheckIn(StrictIn):
    name: str = Field(description="Lower-case letters, digits and hyphens; its probe is named http:<name>.")
    url: str = Field(description="An http or https URL, without credentials.")
    service: str = Field(default="external", description="The service whose uptime this check counts for.")
    method: str = Field(default="GET", description="GET, HEAD or POST.")
    timeout_ms: int = Field(default=5000, description="At most AZORA_HEALTH_RESPONSE_TIME_MS (5000 by default).")
    conditions: list[str] = Field(
        description='Gatus-style, all must hold: "[STATUS] == 200", "[BODY].status == UP", "[RESPONSE_TIME] < 500", '
        '"[BODY] == pat(*ok*)", "[STATUS] == any(200, 204)", "[CONNECTED] == true".'
    )
    enabled: bool = True


class HealthHttpCheckPatchIn(StrictIn):
    """Only the fields sent change."""

    name: str | None = None
    url: str | None = None
    service: str | None = None
    method: str | None = None
    timeout_ms: int | None = None
    conditions: list[str] | None = None
    enabled: bool | None = None


class HealthHttpCheckOut(Schema):
    id: uuid.UUID
    name: str
    service: str
    url: str
    method: str
    timeout_ms: int
    conditions: list[str]
    enabled: bool


class HealthHttpCheckPageOut(Schema):
    items: list[HealthHttpCheckOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class HealthProbeOut(Schema):
    name: str
    service: str
    status: str = Field(description="up, down or unknown (after the failure and success thresholds).")
    consecutive_failures: int
    last_checked_at: dt.datetime | None
    last_latency_ms: float | None
    last_error: str
    status_changed_at: dt.datetime | None
    uptime_24h: float | None = Field(description="Share of good checks over the last 24 hours; null: none.")


class HealthProbeListOut(Schema):
    items: list[HealthProbeOut]
