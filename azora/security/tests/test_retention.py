"""Retention: activity logs and sessions past their periods go, expired data exports lose their files; the audit
trail and anything younger stay."""

from __future__ import annotations

import datetime as dt

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from azora.security import public as security
from azora.security import retention
from azora.security.jobs_retention import apply_retention_task
from azora.security.models import AuditRecord, DataExport, SecurityEvent
from azora.security.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
POLICY = retention.RetentionPolicy(activity_days=90, sessions_days=30)


def _event(age: dt.timedelta) -> SecurityEvent:
    return SecurityEvent.objects.create(kind="login_failed", severity="low", summary="x", created_at=NOW - age)


def _user_session(user: object, *, started: dt.datetime, last_seen: dt.datetime) -> str:
    store = SessionStore()
    store["marker"] = "1"
    store.create()
    UserSession.objects.create(
        user=user, ip="192.0.2.1", session_key=store.session_key, user_agent="x", created_at=started,
        last_seen_at=last_seen,
    )  # fmt: skip
    return str(store.session_key)


def test_security_events_older_than_the_activity_period_go() -> None:
    old = _event(dt.timedelta(days=91))
    young = _event(dt.timedelta(days=89))
    security.audit_record(action="security.x_done", occurred_at=NOW - dt.timedelta(days=400))

    removed = retention.security_events_prune(now=NOW, policy=POLICY)

    assert removed == 1
    assert list(SecurityEvent.objects.filter(pk__in=[old.pk, young.pk]).values_list("pk", flat=True)) == [young.pk]
    assert AuditRecord.objects.count() == 1  # the audit trail is never pruned


def test_sessions_started_or_idle_beyond_the_period_end() -> None:
    user = UserFactory()
    stale = _user_session(user, started=NOW - dt.timedelta(days=31), last_seen=NOW - dt.timedelta(days=1))
    idle = _user_session(user, started=NOW - dt.timedelta(days=40), last_seen=NOW - dt.timedelta(days=35))
    fresh = _user_session(user, started=NOW - dt.timedelta(days=2), last_seen=NOW - dt.timedelta(hours=1))

    ended = retention.sessions_prune(now=NOW, policy=POLICY)

    assert ended >= 2
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [fresh]
    assert not Session.objects.filter(session_key__in=[stale, idle]).exists()


def test_expired_django_sessions_go() -> None:
    Session.objects.create(session_key="old", session_data="", expire_date=NOW - dt.timedelta(seconds=1))
    Session.objects.create(session_key="live", session_data="", expire_date=NOW + dt.timedelta(days=1))

    retention.sessions_prune(now=NOW, policy=POLICY)

    assert list(Session.objects.filter(session_key__in=["old", "live"]).values_list("session_key", flat=True)) == [
        "live"
    ]


def test_expired_exports_lose_their_file() -> None:
    user = UserFactory()
    key = default_storage.save("privacy/exports/test/old.json", ContentFile(b"{}"))
    expired = DataExport.objects.create(
        user=user, status="ready", storage_key=key, size_bytes=2, ready_at=NOW - dt.timedelta(days=8),
        expires_at=NOW - dt.timedelta(days=1),
    )  # fmt: skip
    live_key = default_storage.save("privacy/exports/test/new.json", ContentFile(b"{}"))
    live = DataExport.objects.create(
        user=user, status="ready", storage_key=live_key, ready_at=NOW, expires_at=NOW + dt.timedelta(days=7)
    )

    assert retention.data_exports_expire(now=NOW) == 1

    expired.refresh_from_db()
    live.refresh_from_db()
    assert (expired.status, expired.storage_key) == ("expired", "")
    assert not default_storage.exists(key)
    assert (live.status, default_storage.exists(live_key)) == ("ready", True)


def test_the_job_applies_the_configured_periods_and_a_second_run_finds_nothing() -> None:
    _event(dt.timedelta(days=3650))

    first = apply_retention_task.call()
    second = apply_retention_task.call()

    assert first["security_events"] == 1
    assert second == {"security_events": 0, "sessions": 0, "data_exports": 0}
