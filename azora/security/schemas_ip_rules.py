"""Request and response schemas of Aegis's IP rules API."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from ninja import Field, Schema

from azora.shared.pagination import PageParams
from azora.shared.schemas import StrictIn


class SecurityIpRuleIn(StrictIn):
    action: Literal["allow", "deny"] = Field(description="deny: refused with 403 at the edge; allow: never blocked.")
    cidr: str = Field(max_length=64, description="An IPv4 or IPv6 address or CIDR range, e.g. 203.0.113.0/24.")
    reason: str = Field(max_length=300, description="Why the rule exists (shown to operators and audited).")
    expires_at: dt.datetime | None = Field(default=None, description="When the rule stops applying; null: never.")


class SecurityIpRuleOut(Schema):
    id: uuid.UUID
    action: str
    cidr: str
    reason: str
    source: str = Field(description="manual (an operator) or automatic (abuse detection).")
    expires_at: dt.datetime | None
    created_by_id: uuid.UUID | None
    created_at: dt.datetime


class SecurityIpRuleQuery(PageParams):
    include_expired: bool = Field(default=False, description="Also list rules that have expired.")
