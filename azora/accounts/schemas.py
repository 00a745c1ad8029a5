"""Request and response shapes of the Auth Service's API; requests refuse fields they do not know."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import AwareDatetime, field_validator

from azora.shared.schemas import StrictIn

OrganisationRoleName = Literal["owner", "admin", "instructor", "member", "billing"]
ApiKeyScope = Literal[
    "profile:read",
    "profile:write",
    "organisations:read",
    "organisations:write",
    "api_keys:read",
    "api_keys:write",
    "ai:chat",
]


class UserOut(Schema):
    id: uuid.UUID
    email: str
    display_name: str
    preferred_language: str
    country: str
    time_zone: str
    date_joined: datetime
    platform_roles: list[str]
    date_of_birth: date | None = Field(
        description="Optional; only the person sees it (it decides whether they are under 18)."
    )

    @field_validator("platform_roles", mode="before")
    @classmethod
    def _roles_in_stable_order(cls, roles: Iterable[str]) -> list[str]:
        return sorted(roles)


class UserUpdateIn(StrictIn):
    display_name: str | None = Field(default=None, max_length=120)
    preferred_language: str | None = Field(default=None, max_length=16)
    country: str | None = Field(default=None, max_length=2)
    time_zone: str | None = Field(default=None, max_length=64)
    date_of_birth: str | None = Field(
        default=None, max_length=10, description="YYYY-MM-DD; null or an empty string removes it."
    )


class OrganisationCreateIn(StrictIn):
    name: str = Field(min_length=1, max_length=160)
    slug: str | None = Field(default=None, min_length=1, max_length=80)


class OrganisationOut(Schema):
    id: uuid.UUID
    name: str
    slug: str
    role: str | None
    created_at: datetime


class OrganisationPageOut(Schema):
    items: list[OrganisationOut]
    next_cursor: str | None


class InvitationCreateIn(StrictIn):
    email: str = Field(min_length=3, max_length=254)
    role: OrganisationRoleName = "member"


class InvitationOut(Schema):
    """The token is returned this once; it is also emailed to the invited address."""

    id: uuid.UUID
    organisation_id: uuid.UUID
    email: str
    role: str
    expires_at: datetime
    token: str


class MembershipOut(Schema):
    id: uuid.UUID
    organisation_id: uuid.UUID
    user_id: uuid.UUID
    email: str
    display_name: str
    role: str
    created_at: datetime


class MembershipPageOut(Schema):
    items: list[MembershipOut]
    next_cursor: str | None


class MembershipUpdateIn(StrictIn):
    role: OrganisationRoleName


class ApiKeyCreateIn(StrictIn):
    name: str = Field(min_length=1, max_length=120)
    scopes: list[ApiKeyScope] = Field(min_length=1, max_length=16)
    organisation_id: uuid.UUID | None = None
    expires_at: AwareDatetime | None = None


class ApiKeyOut(Schema):
    id: uuid.UUID
    name: str
    prefix: str
    scopes: list[str]
    user_id: uuid.UUID | None
    organisation_id: uuid.UUID | None
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None


class ApiKeyCreatedOut(ApiKeyOut):
    """The full key is in `key`, returned this once and never again."""

    key: str


class ApiKeyPageOut(Schema):
    items: list[ApiKeyOut]
    next_cursor: str | None
