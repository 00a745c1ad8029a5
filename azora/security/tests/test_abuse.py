"""Abuse detection: failed sign-ins become events, progressive delays (429 with Retry-After), automatic blocks for
credential stuffing, account locks and the user's notice for brute force."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone

from azora.security import abuse, edge
from azora.security.abuse import AbuseLimits, delay_after, sign_in_failed, sign_in_wait, stuffing_threshold
from azora.security.identity import digest
from azora.security.models import AuditRecord, IpReputation, IpRule, SecurityEvent
from azora.security.tests.factories import DEFAULT_PASSWORD, UserFactory

LIMITS = AbuseLimits(
    window_seconds=900,
    stuffing_accounts=3,
    brute_force_ips=3,
    failures_before_delay=2,
    max_delay_seconds=8,
    block_minutes=60,
)
NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


# --- pure rules ----------------------------------------------------------------------------------------------


def test_delays_double_after_the_threshold_up_to_the_maximum() -> None:
    limits = AbuseLimits(900, 10, 10, 5, 8, 60)

    assert [delay_after(n, limits=limits) for n in range(4, 11)] == [0, 1, 2, 4, 8, 8, 8]
    assert delay_after(10_000, limits=limits) == 8


def test_a_poor_reputation_lowers_the_stuffing_threshold() -> None:
    limits = AbuseLimits(900, 10, 10, 5, 8, 60)

    assert [stuffing_threshold(limits=limits, reputation=score) for score in (100, 50, 35, 0)] == [10, 5, 4, 2]


# --- delays --------------------------------------------------------------------------------------------------


def test_failures_for_one_account_slow_it_progressively() -> None:
    waits = []
    # Thresholds out of reach here: only the delays are under test.
    limits = AbuseLimits(900, 100, 100, 2, 8, 60)
    for _attempt in range(5):
        sign_in_failed(ip="198.51.100.1", account="victim@example.test", now=NOW, limits=limits)
        waits.append(sign_in_wait(ip="198.51.100.1", account="victim@example.test", now=NOW, limits=limits))

    assert waits == [None, 1, 2, 4, 8]
    later = NOW + dt.timedelta(seconds=8)
    assert sign_in_wait(ip="198.51.100.1", account="victim@example.test", now=later, limits=limits) is None


def test_the_delay_follows_the_account_from_anywhere_and_spares_other_accounts() -> None:
    for _attempt in range(3):
        sign_in_failed(ip="198.51.100.1", account="victim@example.test", now=NOW, limits=LIMITS)

    assert sign_in_wait(ip="203.0.113.1", account="victim@example.test", now=NOW, limits=LIMITS) == 2
    assert sign_in_wait(ip="198.51.100.1", account="other@example.test", now=NOW, limits=LIMITS) is None
    assert sign_in_wait(ip="198.51.100.1", account=None, now=NOW, limits=LIMITS) is None


def test_a_correct_sign_in_ends_the_accounts_delay() -> None:
    for _attempt in range(3):
        sign_in_failed(ip="198.51.100.1", account="me@example.test", now=NOW, limits=LIMITS)

    abuse.sign_in_succeeded(account="me@example.test")

    assert sign_in_wait(ip="203.0.113.1", account="me@example.test", now=NOW, limits=LIMITS) is None


def test_counters_keep_no_email_or_address_in_the_clear() -> None:
    keys = abuse._Keys(ip="198.51.100.1", account="me@example.test")

    assert "me@example.test" not in keys.pair
    assert "198.51.100.1" not in keys.pair
    assert keys.account == digest("email:me@example.test")


# --- through sign-in -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_wrong_password_is_a_login_failed_event_without_the_email() -> None:
    user = UserFactory(email="learner@example.test")

    response = Client().post(LOGIN, {"login": "Learner@example.test", "password": "wrong"}, REMOTE_ADDR="198.51.100.9")
    Client().post(LOGIN, {"login": "nobody@example.test", "password": "wrong"}, REMOTE_ADDR="198.51.100.9")

    assert response.status_code == 200
    known, unknown = SecurityEvent.objects.filter(kind="login_failed").order_by("id")
    assert (known.actor_id, known.ip, known.path, known.severity) == (user.id, "198.51.100.9", LOGIN, "low")
    assert known.detail == {"account": digest("email:learner@example.test"), "account_exists": True}
    assert (unknown.actor_id, unknown.detail["account_exists"]) == (None, False)
    assert "example.test" not in json.dumps([known.detail, unknown.detail, known.summary])


@pytest.mark.django_db
@override_settings(AZORA_ABUSE_FAILURES_BEFORE_DELAY=2, AZORA_ABUSE_MAX_DELAY_SECONDS=60)
def test_a_sign_in_that_must_wait_is_answered_429_before_the_form_runs() -> None:
    UserFactory(email="learner@example.test")
    for _ in range(5):
        sign_in_failed(ip="198.51.100.9", account="learner@example.test", now=timezone.now())
    events_before = SecurityEvent.objects.filter(kind="login_failed").count()

    page = Client().post(LOGIN, {"login": "learner@example.test", "password": DEFAULT_PASSWORD}, REMOTE_ADDR="10.1.1.1")
    api = Client().post(
        "/_allauth/browser/v1/auth/login",
        json.dumps({"email": "learner@example.test", "password": DEFAULT_PASSWORD}),
        content_type="application/json",
        REMOTE_ADDR="10.1.1.2",
    )

    assert page.status_code == 429
    assert 1 <= int(page["Retry-After"]) <= 8  # 2 ** (5 - 2) seconds after the last failure
    assert b"Too many attempts" in page.content
    assert api.status_code == 429
    assert api["Content-Type"] == "application/problem+json"
    assert (api.json()["code"], api.json()["policies"]) == ("rate_limited", ["sign-in-delay"])
    assert api.json()["retry_after"] == int(api["Retry-After"])
    assert SecurityEvent.objects.filter(kind="login_failed").count() == events_before  # the form never ran


@pytest.mark.django_db
def test_a_wrong_second_factor_code_is_an_mfa_failed_event() -> None:
    user = UserFactory(email="mfa@example.test")
    TOTP.activate(user, generate_totp_secret())
    client = Client()
    assert client.post(LOGIN, {"login": user.email, "password": DEFAULT_PASSWORD}).status_code == 302

    client.post("/accounts/2fa/authenticate/", {"code": "000000"}, REMOTE_ADDR="198.51.100.3")

    event = SecurityEvent.objects.get(kind="mfa_failed")
    assert (event.actor_id, event.ip, event.detail) == (user.id, "198.51.100.3", {"reauthentication": False})


# --- credential stuffing -------------------------------------------------------------------------------------


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.mark.django_db
def test_failures_for_many_accounts_from_one_address_block_it(committed: Any) -> None:
    ip = "198.51.100.50"
    outcomes = []
    with committed():
        for attempt in range(4):
            outcomes.append(
                sign_in_failed(ip=ip, account=f"user{attempt}@example.test", now=NOW, limits=LIMITS).ip_blocked
            )

    assert outcomes == [False, False, True, False]
    rule = IpRule.objects.get()
    assert (rule.action, rule.cidr, rule.source) == ("deny", "198.51.100.50/32", "automatic")
    assert rule.expires_at == NOW + dt.timedelta(minutes=60)
    event = SecurityEvent.objects.get(kind="credential_stuffing")
    assert (event.ip, event.severity, event.detail["accounts"]) == (ip, "high", 3)
    assert AuditRecord.objects.get().action == "security.ip_rule_created"
    assert edge.current_rules(now=NOW).block_reason(ip) == "automatic_block"


@pytest.mark.django_db
def test_a_poorly_reputed_address_is_blocked_sooner(committed: Any) -> None:
    ip = "198.51.100.51"
    IpReputation.objects.create(ip=ip, score=40, events=9)
    limits = AbuseLimits(900, 10, 10, 5, 8, 60)

    with committed():
        blocked = [sign_in_failed(ip=ip, account=f"u{n}@example.test", limits=limits).ip_blocked for n in range(4)]

    assert blocked == [False, False, False, True]  # ceil(10 * 40 / 100) = 4 accounts


@pytest.mark.django_db
def test_an_allowed_address_is_never_blocked_automatically() -> None:
    IpRule.objects.create(action="allow", cidr="198.51.100.0/24", reason="Office")
    edge.rules_forget()

    outcomes = [
        sign_in_failed(ip="198.51.100.52", account=f"u{n}@example.test", now=NOW, limits=LIMITS).ip_blocked
        for n in range(5)
    ]

    assert outcomes == [False] * 5
    assert IpRule.objects.filter(source="automatic").count() == 0
    assert not SecurityEvent.objects.filter(kind="credential_stuffing").exists()


# --- brute force ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_failures_for_one_account_from_many_addresses_lock_it_and_tell_the_user(committed: Any) -> None:
    user = UserFactory(email="victim@example.test")
    with committed():
        locked = [
            sign_in_failed(ip=f"203.0.113.{n}", account="victim@example.test", now=NOW, limits=LIMITS).account_locked
            for n in range(4)
        ]

    assert locked == [False, False, True, False]
    assert sign_in_wait(ip="192.0.2.1", account="victim@example.test", now=NOW, limits=LIMITS) == 3600
    event = SecurityEvent.objects.get(kind="brute_force")
    assert (event.actor_id, event.severity, event.detail["addresses"]) == (user.id, "high", 3)
    assert len(mail.outbox) == 1
    notice = mail.outbox[0]
    assert notice.to == ["victim@example.test"]
    assert notice.subject == "Sign-in to your Azora account was paused"
    assert "paused sign-in for 60 minutes" in notice.body
    assert not IpRule.objects.exists()  # brute force locks the account, never the addresses


@pytest.mark.django_db
def test_many_failures_from_one_address_lock_the_account_too(committed: Any) -> None:
    UserFactory(email="victim@example.test")
    with committed():
        locked = [
            sign_in_failed(ip="203.0.113.1", account="victim@example.test", now=NOW, limits=LIMITS).account_locked
            for _ in range(LIMITS.brute_force_failures)
        ]

    assert locked == [False] * (LIMITS.brute_force_failures - 1) + [True]
    assert len(mail.outbox) == 1


@pytest.mark.django_db
@override_settings(AZORA_ABUSE_BRUTE_FORCE_IPS=2)
def test_a_lock_answers_the_same_whether_or_not_the_account_exists(committed: Any) -> None:
    UserFactory(email="real@example.test")
    with committed():
        for account in ("real@example.test", "ghost@example.test"):
            for n in range(2):
                sign_in_failed(ip=f"203.0.113.{n}", account=account)

    answers = [
        Client().post(
            "/_allauth/browser/v1/auth/login",
            json.dumps({"email": account, "password": "guess"}),
            content_type="application/json",
            REMOTE_ADDR="192.0.2.77",
        )
        for account in ("real@example.test", "ghost@example.test")
    ]

    assert [answer.status_code for answer in answers] == [429, 429]
    bodies = [{k: v for k, v in answer.json().items() if k not in ("request_id", "instance")} for answer in answers]
    assert bodies[0] == bodies[1]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["real@example.test"]
    assert SecurityEvent.objects.filter(kind="brute_force").count() == 2


@pytest.mark.django_db
def test_an_operator_can_lift_a_lock() -> None:
    from azora.security.public import sign_in_lock_clear

    for n in range(3):
        sign_in_failed(ip=f"203.0.113.{n}", account="victim@example.test", now=NOW, limits=LIMITS)
    assert sign_in_wait(ip="192.0.2.1", account="victim@example.test", now=NOW, limits=LIMITS) == 3600

    sign_in_lock_clear(email=" Victim@example.test ")

    assert sign_in_wait(ip="192.0.2.1", account="victim@example.test", now=NOW, limits=LIMITS) is None
