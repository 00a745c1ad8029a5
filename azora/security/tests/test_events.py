"""Security events: recording (defaults, request context, secrets redacted, never raising), listing, counting."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import structlog
from django.test import RequestFactory, override_settings
from django.utils import timezone

from azora.security.errors import InvalidSecurityEventFilter
from azora.security.metrics import SECURITY_EVENTS
from azora.security.models import SecurityEvent
from azora.security.public import (
    security_event_counts,
    security_event_kinds,
    security_event_list,
    security_event_record,
)
from azora.security.tests.factories import UserFactory
from azora.shared.pagination import InvalidCursor

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


def _only_event() -> SecurityEvent:
    events = list(SecurityEvent.objects.all())
    assert len(events) == 1
    return events[0]


def test_an_event_takes_ip_path_and_request_id_from_the_request() -> None:
    request = RequestFactory().get("/api/v1/finance/wallets", REMOTE_ADDR="198.51.100.7")
    request.request_id = "req-123"  # type: ignore[attr-defined]  # the request-context middleware sets it

    security_event_record(kind="permission_denied", summary="Denied", request=request, now=NOW)

    event = _only_event()
    assert (event.kind, event.severity, event.ip, event.path, event.request_id, event.created_at) == (
        "permission_denied", "low", "198.51.100.7", "/api/v1/finance/wallets", "req-123", NOW,
    )  # fmt: skip
    assert event.actor_id is None


def test_the_ip_follows_trusted_proxies_and_the_actor_comes_from_a_loaded_user() -> None:
    user = UserFactory()
    request = RequestFactory().get("/x", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    request.user = user
    with override_settings(AZORA_TRUSTED_PROXY_COUNT=1):
        security_event_record(kind="rate_limited", summary="Slow down", request=request)
    event = _only_event()
    assert (event.ip, event.actor_id) == ("203.0.113.9", user.pk)


def test_without_a_request_the_logging_context_gives_request_id_and_actor() -> None:
    actor = uuid.uuid4()
    structlog.contextvars.bind_contextvars(request_id="ctx-9", user_id=str(actor))
    try:
        security_event_record(kind="login_failed", summary="Wrong password", ip="2001:db8::1")
    finally:
        structlog.contextvars.clear_contextvars()
    event = _only_event()
    assert (event.request_id, event.actor_id, event.ip, event.path) == ("ctx-9", actor, "2001:db8::1", "")


def test_severity_defaults_by_kind_and_an_explicit_one_wins() -> None:
    security_event_record(kind="suspicious_money_movement", summary="Large")
    security_event_record(kind="login_failed", summary="x", severity="critical")
    security_event_record(kind="mfa_failed", summary="x", severity="nonsense")
    assert sorted(SecurityEvent.objects.values_list("kind", "severity")) == [
        ("login_failed", "critical"), ("mfa_failed", "medium"), ("suspicious_money_movement", "high"),
    ]  # fmt: skip


def test_credentials_in_detail_are_redacted() -> None:
    security_event_record(
        kind="api_key_misuse",
        summary="Unknown key",
        detail={
            "password": "hunter2",
            "Authorization": "Bearer abc",
            "nested": {"api_key": "azk_secret", "note": "azk_live_leaked"},
            "header": "Bearer eyJhbGciOi",
            "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig",
            "prefix": "azk_abcd",
            "key_prefix": "abcd",
            "api_key_id": "0190-key-row",
            "key_fingerprint": "a1b2c3",
            "session_key": "s3cr3t",
            "scope": "finance:read",
            "count": 3,
        },
    )
    assert _only_event().detail == {
        "password": "[redacted]",
        "Authorization": "[redacted]",
        "nested": {"api_key": "[redacted]", "note": "[redacted]"},
        "header": "[redacted]",
        "jwt": "[redacted]",
        "prefix": "[redacted]",
        "key_prefix": "abcd",
        "api_key_id": "0190-key-row",
        "key_fingerprint": "a1b2c3",
        "session_key": "[redacted]",
        "scope": "finance:read",
        "count": 3,
    }


def test_long_texts_are_cut_and_huge_details_replaced_by_their_keys() -> None:
    security_event_record(kind="firewall_probe", summary="s" * 1000, detail={"blob": "x" * 10_000, "a": 1})
    event = _only_event()
    assert len(event.summary) == 300
    assert event.detail == {"truncated": True, "keys": ["a", "blob"]}


def test_an_unknown_kind_or_an_unparsable_ip_never_raises() -> None:
    security_event_record(kind="not_a_kind", summary="x")
    assert SecurityEvent.objects.count() == 0
    security_event_record(kind="login_failed", summary="x", ip="unknown")
    assert _only_event().ip is None


def test_a_failed_save_is_logged_and_the_callers_transaction_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    # A time the database cannot store makes the save fail; the test's own transaction must stay usable.
    security_event_record(kind="login_failed", summary="x", now="not a time")  # type: ignore[arg-type]
    assert SecurityEvent.objects.count() == 0
    assert "could not be recorded" in caplog.text
    security_event_record(kind="login_failed", summary="after")
    assert _only_event().summary == "after"


def test_the_metric_counts_by_kind_and_severity() -> None:
    counter = SECURITY_EVENTS.labels(kind="brute_force", severity="high")
    before = counter._value.get()
    security_event_record(kind="brute_force", summary="x")
    assert counter._value.get() == before + 1


def test_dedupe_saves_the_first_event_of_a_window_and_counts_all() -> None:
    key = str(uuid.uuid4())
    counter = SECURITY_EVENTS.labels(kind="rate_limited", severity="low")
    before = counter._value.get()
    for _ in range(3):
        security_event_record(kind="rate_limited", summary="x", dedupe_key=key)
    security_event_record(kind="rate_limited", summary="other", dedupe_key=str(uuid.uuid4()))
    assert SecurityEvent.objects.count() == 2
    assert counter._value.get() == before + 4


def _record(kind: str, *, ip: str = "192.0.2.1", at: dt.datetime = NOW, actor: uuid.UUID | None = None) -> None:
    security_event_record(kind=kind, summary=kind, ip=ip, now=at, actor_id=actor)


def test_the_list_is_newest_first_filtered_and_paginated() -> None:
    actor = uuid.uuid4()
    for minutes in range(5):
        _record("login_failed", at=NOW + dt.timedelta(minutes=minutes))
    _record("rate_limited", ip="192.0.2.2", at=NOW + dt.timedelta(minutes=10), actor=actor)

    first = security_event_list(limit=4)
    assert [event.created_at.minute for event in first.items] == [10, 4, 3, 2]
    second = security_event_list(limit=4, cursor=first.next_cursor)
    assert [event.created_at.minute for event in second.items] == [1, 0]
    assert second.next_cursor is None

    assert [e.kind for e in security_event_list(ip="192.0.2.2").items] == ["rate_limited"]
    assert [e.kind for e in security_event_list(actor_id=actor).items] == ["rate_limited"]
    assert len(security_event_list(kind="login_failed").items) == 5
    assert len(security_event_list(severity="low", since=NOW + dt.timedelta(minutes=3)).items) == 3


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"kind": "nope"}, "query.kind"),
        ({"severity": "urgent"}, "query.severity"),
        ({"ip": "300.1.1.1"}, "query.ip"),
        ({"since": dt.datetime(2026, 1, 1)}, "query.since"),  # a naive time is the bad input
    ],
)
def test_bad_filters_are_refused_by_name(filters: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidSecurityEventFilter) as raised:
        security_event_list(**filters)  # type: ignore[arg-type]
    assert [error["field"] for error in raised.value.extra["errors"]] == [field]


def test_a_foreign_cursor_is_refused() -> None:
    with pytest.raises(InvalidCursor):
        security_event_list(cursor="bm90LWEtY3Vyc29y")


def test_counts_per_kind_since_a_time() -> None:
    _record("login_failed", at=NOW - dt.timedelta(days=2))
    _record("login_failed")
    _record("login_failed")
    _record("rate_limited")
    assert security_event_counts(since=NOW - dt.timedelta(hours=1)) == {"login_failed": 2, "rate_limited": 1}


def test_every_kind_has_a_label() -> None:
    kinds = dict(security_event_kinds())
    assert kinds["suspicious_money_movement"] == "Suspicious money movement"
    assert len(kinds) == 11


def test_a_recorded_event_time_defaults_to_now() -> None:
    before = timezone.now()
    security_event_record(kind="login_failed", summary="x")
    assert _only_event().created_at >= before
