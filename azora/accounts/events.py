"""The events the Auth Service publishes: past-tense facts about users, organisations and API keys."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import ClassVar

from azora.shared.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class UserSignedUp(DomainEvent):
    event_type: ClassVar[str] = "accounts.user_signed_up"

    user_id: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class OrganisationCreated(DomainEvent):
    event_type: ClassVar[str] = "accounts.organisation_created"

    organisation_id: uuid.UUID
    created_by_user_id: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class MemberJoined(DomainEvent):
    event_type: ClassVar[str] = "accounts.member_joined"

    organisation_id: uuid.UUID
    user_id: uuid.UUID
    membership_id: uuid.UUID
    role: str


@dataclass(frozen=True, kw_only=True)
class ApiKeyCreated(DomainEvent):
    event_type: ClassVar[str] = "accounts.api_key_created"

    api_key_id: uuid.UUID
    user_id: uuid.UUID | None
    organisation_id: uuid.UUID | None


@dataclass(frozen=True, kw_only=True)
class ApiKeyRevoked(DomainEvent):
    event_type: ClassVar[str] = "accounts.api_key_revoked"

    api_key_id: uuid.UUID
    user_id: uuid.UUID | None
    organisation_id: uuid.UUID | None


@dataclass(frozen=True, kw_only=True)
class UserSuspended(DomainEvent):
    """A platform admin suspended a user: they cannot sign in and their sessions and API keys stop working."""

    event_type: ClassVar[str] = "accounts.user_suspended"

    user_id: uuid.UUID
    actor_id: uuid.UUID
    reason: str


@dataclass(frozen=True, kw_only=True)
class UserReactivated(DomainEvent):
    event_type: ClassVar[str] = "accounts.user_reactivated"

    user_id: uuid.UUID
    actor_id: uuid.UUID
    reason: str


@dataclass(frozen=True, kw_only=True)
class MfaReset(DomainEvent):
    """A platform admin removed a user's MFA authenticators (a lost phone), with the reason they gave."""

    event_type: ClassVar[str] = "accounts.mfa_reset"

    user_id: uuid.UUID
    actor_id: uuid.UUID
    reason: str


@dataclass(frozen=True, kw_only=True)
class PlatformRoleChanged(DomainEvent):
    """A platform role was granted (`granted` true) or revoked; `actor_id` is None for set-up and demo data."""

    event_type: ClassVar[str] = "accounts.platform_role_changed"

    user_id: uuid.UUID
    role: str
    granted: bool
    actor_id: uuid.UUID | None
