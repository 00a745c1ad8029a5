"""Request and response schemas of the status, incident, maintenance, SLO and alert endpoints."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Field, Schema

from azora.shared.pagination import PageParams
from azora.shared.schemas import StrictIn


class HealthDayBarOut(Schema):
    day: dt.date
    uptime_percent: float | None = Field(description="Share of good checks that day; null: nothing was checked.")
    down_minutes: int


class HealthServiceStatusOut(Schema):
    service: str
    label: str = Field(description="The service's name for people, in the request's language.")
    status: str = Field(description="operational, degraded, down or maintenance.")
    uptime_90d: float | None
    bars: list[HealthDayBarOut] = Field(description="One bar per UTC day, oldest first, today last (90 days).")


class HealthIncidentUpdateOut(Schema):
    id: uuid.UUID
    status: str
    message: str
    author_id: uuid.UUID | None
    created_at: dt.datetime


class HealthIncidentOut(Schema):
    id: uuid.UUID
    service: str
    title: str
    status: str = Field(description="investigating, identified, monitoring or resolved.")
    severity: str = Field(description="minor, major or critical.")
    automatic: bool = Field(description="Opened by the monitor when a probe went down.")
    probe: str
    opened_at: dt.datetime
    resolved_at: dt.datetime | None
    updates: list[HealthIncidentUpdateOut]


class HealthMaintenanceOut(Schema):
    id: uuid.UUID
    title: str
    services: list[str] = Field(description="The services it covers; empty: every service.")
    starts_at: dt.datetime
    ends_at: dt.datetime
    active: bool


class HealthStatusOut(Schema):
    status: str = Field(description="The worst service status: operational, maintenance, degraded or down.")
    services: list[HealthServiceStatusOut]
    incidents: list[HealthIncidentOut] = Field(description="Open incidents and those resolved in the last days.")
    maintenance: list[HealthMaintenanceOut] = Field(description="Current and planned maintenance windows.")
    generated_at: dt.datetime


class HealthIncidentPageOut(Schema):
    items: list[HealthIncidentOut]
    next_cursor: str | None


class HealthIncidentQuery(PageParams):
    open_only: bool = Field(default=False, description="Only incidents not resolved yet.")
    service: str | None = Field(default=None, max_length=64)


class HealthIncidentCreateIn(StrictIn):
    service: str = Field(max_length=64)
    title: str = Field(max_length=400)
    severity: str = Field(default="major", description="minor, major or critical.", max_length=16)
    message: str = Field(max_length=10_000, description="The first update, shown on the status page.")


class HealthIncidentUpdateIn(StrictIn):
    status: str = Field(description="investigating, identified, monitoring or resolved (closes it).", max_length=16)
    message: str = Field(max_length=10_000)


class HealthMaintenanceCreateIn(StrictIn):
    title: str = Field(max_length=400)
    services: list[str] = Field(default_factory=list, description="Empty: every service.")
    starts_at: dt.datetime
    ends_at: dt.datetime


class HealthMaintenanceQuery(Schema):
    include_past: bool = False


class HealthSloOut(Schema):
    id: uuid.UUID
    service: str
    kind: str = Field(description="availability or latency.")
    objective_percent: float
    latency_threshold_ms: int | None
    window_days: int
    attained_percent: float | None
    budget_remaining_percent: float | None = Field(description="Of the error budget; negative: spent beyond it.")
    burn_rates: dict[str, float | None] = Field(description="Over 5m, 30m, 1h and 6h; 1.0 spends exactly the budget.")
    alerting: bool


class HealthAlertOut(Schema):
    id: uuid.UUID
    key: str
    rule: str
    service: str
    severity: str = Field(description="page or ticket.")
    summary: str
    status: str = Field(description="firing or resolved.")
    started_at: dt.datetime
    resolved_at: dt.datetime | None
    last_notified_at: dt.datetime | None
    flaps: int


class HealthAlertPageOut(Schema):
    items: list[HealthAlertOut]
    next_cursor: str | None


class HealthAlertQuery(PageParams):
    status: str | None = Field(default=None, description="firing or resolved.", max_length=16)


class HealthAlertChannelOut(Schema):
    id: uuid.UUID
    name: str
    kind: str = Field(description="email or webhook.")
    target: str
    enabled: bool


class HealthAlertChannelCreatedOut(HealthAlertChannelOut):
    signing_secret: str = Field(
        description="A webhook's HMAC-SHA256 key for X-Azora-Signature; shown only now. Empty for email."
    )


class HealthAlertChannelCreateIn(StrictIn):
    name: str = Field(max_length=200)
    kind: str = Field(description="email or webhook.", max_length=16)
    target: str = Field(description="An email address, or the webhook's http(s) URL.", max_length=1000)


class HealthAlertChannelTestOut(Schema):
    outcome: str = Field(description='"sent", or why it failed ("timeout", "HTTP 500").')
