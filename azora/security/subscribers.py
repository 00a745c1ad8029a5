"""Aegis's handlers for the Auth Service's events: each operator or access change becomes an audit record.

The event reached the outbox in the same transaction as the change, so its record is certain to follow; the
dispatcher runs each handler once per event (the event id is the dedupe key). Users are named by id only.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from azora.accounts.events import (
    ApiKeyCreated,
    ApiKeyRevoked,
    MemberJoined,
    MfaReset,
    PlatformRoleChanged,
    UserReactivated,
    UserSuspended,
)
from azora.security.public.audit import audit_record
from azora.shared.events import subscriber

SYSTEM_ACTOR = "system"


def _record(
    *, action: str, actor_id: uuid.UUID | None, target_type: str, target_id: uuid.UUID, detail: Mapping[str, Any]
) -> None:
    audit_record(
        action=action,
        actor_id=actor_id,
        actor_label="" if actor_id is not None else SYSTEM_ACTOR,
        target_type=target_type,
        target_id=str(target_id),
        detail=detail,
    )


@subscriber(UserSuspended, name="security.audit_on_user_suspended")
def audit_on_user_suspended(event: UserSuspended) -> None:
    _record(
        action="accounts.user_suspended",
        actor_id=event.actor_id,
        target_type="user",
        target_id=event.user_id,
        detail={"reason": event.reason},
    )


@subscriber(UserReactivated, name="security.audit_on_user_reactivated")
def audit_on_user_reactivated(event: UserReactivated) -> None:
    _record(
        action="accounts.user_reactivated",
        actor_id=event.actor_id,
        target_type="user",
        target_id=event.user_id,
        detail={"reason": event.reason},
    )


@subscriber(MfaReset, name="security.audit_on_mfa_reset")
def audit_on_mfa_reset(event: MfaReset) -> None:
    _record(
        action="accounts.mfa_reset",
        actor_id=event.actor_id,
        target_type="user",
        target_id=event.user_id,
        detail={"reason": event.reason},
    )


@subscriber(PlatformRoleChanged, name="security.audit_on_platform_role_changed")
def audit_on_platform_role_changed(event: PlatformRoleChanged) -> None:
    _record(
        action="accounts.platform_role_granted" if event.granted else "accounts.platform_role_revoked",
        actor_id=event.actor_id,
        target_type="user",
        target_id=event.user_id,
        detail={"role": event.role},
    )


@subscriber(ApiKeyCreated, name="security.audit_on_api_key_created")
def audit_on_api_key_created(event: ApiKeyCreated) -> None:
    _record(
        action="accounts.api_key_created",
        actor_id=event.user_id,
        target_type="api_key",
        target_id=event.api_key_id,
        detail=_organisation_detail(event.organisation_id),
    )


@subscriber(ApiKeyRevoked, name="security.audit_on_api_key_revoked")
def audit_on_api_key_revoked(event: ApiKeyRevoked) -> None:
    _record(
        action="accounts.api_key_revoked",
        actor_id=event.user_id,
        target_type="api_key",
        target_id=event.api_key_id,
        detail=_organisation_detail(event.organisation_id),
    )


@subscriber(MemberJoined, name="security.audit_on_member_joined")
def audit_on_member_joined(event: MemberJoined) -> None:
    _record(
        action="accounts.member_joined",
        actor_id=event.user_id,
        target_type="membership",
        target_id=event.membership_id,
        detail={"organisation_id": str(event.organisation_id), "role": event.role},
    )


def _organisation_detail(organisation_id: uuid.UUID | None) -> dict[str, str]:
    return {} if organisation_id is None else {"organisation_id": str(organisation_id)}
