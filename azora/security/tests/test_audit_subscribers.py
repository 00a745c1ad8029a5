"""The Auth Service's operator and access events become audit records once they are dispatched."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import transaction

from azora.accounts import events as accounts_events
from azora.security import public as security
from azora.security.models import AuditRecord
from azora.shared.events import DomainEvent, dispatch_event, publish

pytestmark = pytest.mark.django_db

USER = uuid.UUID(int=1)
ACTOR = uuid.UUID(int=2)
KEY = uuid.UUID(int=3)
ORGANISATION = uuid.UUID(int=4)
MEMBERSHIP = uuid.UUID(int=5)


def _publish_and_dispatch(event: DomainEvent, capture: Any) -> None:
    with capture(execute=True), transaction.atomic():
        publish(event)


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (
            accounts_events.UserSuspended(user_id=USER, actor_id=ACTOR, reason="spam"),
            ("accounts.user_suspended", ACTOR, "", "user", str(USER), {"reason": "spam"}),
        ),
        (
            accounts_events.UserReactivated(user_id=USER, actor_id=ACTOR, reason="appeal"),
            ("accounts.user_reactivated", ACTOR, "", "user", str(USER), {"reason": "appeal"}),
        ),
        (
            accounts_events.MfaReset(user_id=USER, actor_id=ACTOR, reason="lost phone"),
            ("accounts.mfa_reset", ACTOR, "", "user", str(USER), {"reason": "lost phone"}),
        ),
        (
            accounts_events.PlatformRoleChanged(user_id=USER, role="platform_admin", granted=True, actor_id=ACTOR),
            ("accounts.platform_role_granted", ACTOR, "", "user", str(USER), {"role": "platform_admin"}),
        ),
        (
            accounts_events.PlatformRoleChanged(user_id=USER, role="finance_admin", granted=False, actor_id=None),
            ("accounts.platform_role_revoked", None, "system", "user", str(USER), {"role": "finance_admin"}),
        ),
        (
            accounts_events.ApiKeyCreated(api_key_id=KEY, user_id=USER, organisation_id=ORGANISATION),
            ("accounts.api_key_created", USER, "", "api_key", str(KEY), {"organisation_id": str(ORGANISATION)}),
        ),
        (
            accounts_events.ApiKeyRevoked(api_key_id=KEY, user_id=USER, organisation_id=None),
            ("accounts.api_key_revoked", USER, "", "api_key", str(KEY), {}),
        ),
        (
            accounts_events.MemberJoined(
                organisation_id=ORGANISATION, user_id=USER, membership_id=MEMBERSHIP, role="member"
            ),
            (
                "accounts.member_joined",
                USER,
                "",
                "membership",
                str(MEMBERSHIP),
                {"organisation_id": str(ORGANISATION), "role": "member"},
            ),
        ),
    ],
)
def test_each_event_becomes_one_record(
    event: DomainEvent, expected: tuple[object, ...], django_capture_on_commit_callbacks: Any
) -> None:
    _publish_and_dispatch(event, django_capture_on_commit_callbacks)

    record = AuditRecord.objects.get()
    assert (
        record.action,
        record.actor_id,
        record.actor_label,
        record.target_type,
        record.target_id,
        record.detail,
    ) == expected
    assert security.audit_verify().ok


def test_a_redelivered_event_is_recorded_once(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event_id = publish(accounts_events.MfaReset(user_id=USER, actor_id=ACTOR, reason="lost phone"))

    dispatch_event(event_id)

    assert AuditRecord.objects.count() == 1
