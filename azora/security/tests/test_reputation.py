"""IP reputation: lowered by an address's security events, recovering with time, forgotten when clean."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from azora.security import reputation
from azora.security.models import IpReputation, SecurityEvent
from azora.security.public import ip_reputation
from azora.security.reputation import recovered_score, reputation_refresh, reputation_score

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


def event(kind: str, ip: str, at: dt.datetime) -> None:
    SecurityEvent.objects.create(kind=kind, severity="low", ip=ip, summary="test", created_at=at)


def test_a_score_recovers_five_points_an_hour_up_to_clean() -> None:
    assert recovered_score(score=40, since=NOW, now=NOW) == 40
    assert recovered_score(score=40, since=NOW, now=NOW + dt.timedelta(minutes=59)) == 44
    assert recovered_score(score=40, since=NOW, now=NOW + dt.timedelta(hours=3)) == 55
    assert recovered_score(score=40, since=NOW, now=NOW + dt.timedelta(days=2)) == 100
    assert recovered_score(score=40, since=NOW, now=NOW - dt.timedelta(hours=1)) == 40


@pytest.mark.django_db
def test_an_address_never_seen_is_clean() -> None:
    assert ip_reputation(ip="192.0.2.1") == 100
    assert ip_reputation(ip="not an address") == 100


@pytest.mark.django_db
def test_new_events_lower_the_scores_of_their_addresses() -> None:
    cache.set("azora:security:reputation:watermark", (NOW - dt.timedelta(minutes=1)).isoformat())
    event("login_failed", "198.51.100.1", NOW - dt.timedelta(seconds=30))
    event("login_failed", "198.51.100.1", NOW - dt.timedelta(seconds=20))
    event("firewall_probe", "198.51.100.1", NOW - dt.timedelta(seconds=10))
    event("credential_stuffing", "198.51.100.2", NOW - dt.timedelta(seconds=10))
    event("login_failed", "198.51.100.3", NOW - dt.timedelta(minutes=5))  # before the watermark: counted already
    event("request_blocked", "198.51.100.4", NOW - dt.timedelta(seconds=5))  # costs nothing

    reputation_refresh(now=NOW)

    assert reputation_score("198.51.100.1", now=NOW) == 100 - 2 - 2 - 10
    assert reputation_score("198.51.100.2", now=NOW) == 60
    assert reputation_score("198.51.100.3", now=NOW) == 100
    assert reputation_score("198.51.100.4", now=NOW) == 100
    assert IpReputation.objects.get(ip="198.51.100.1").events == 3


@pytest.mark.django_db
def test_each_event_is_counted_once_across_runs() -> None:
    cache.set("azora:security:reputation:watermark", (NOW - dt.timedelta(minutes=1)).isoformat())
    event("firewall_probe", "198.51.100.1", NOW - dt.timedelta(seconds=30))

    reputation_refresh(now=NOW)
    reputation_refresh(now=NOW + dt.timedelta(minutes=1))

    assert reputation_score("198.51.100.1", now=NOW + dt.timedelta(minutes=1)) == 90


@pytest.mark.django_db
def test_the_job_writes_recovery_without_losing_part_hours_and_forgets_clean_addresses() -> None:
    IpReputation.objects.create(ip="198.51.100.1", score=50, events=3)
    IpReputation.objects.filter(ip="198.51.100.1").update(updated_at=NOW)
    IpReputation.objects.create(ip="198.51.100.2", score=100, events=1)
    IpReputation.objects.filter(ip="198.51.100.2").update(updated_at=NOW - dt.timedelta(days=8))

    reputation_refresh(now=NOW + dt.timedelta(minutes=90))

    row = IpReputation.objects.get(ip="198.51.100.1")
    assert (row.score, row.updated_at) == (57, NOW + dt.timedelta(minutes=84))  # 7 points = 84 minutes earned
    assert reputation_score("198.51.100.1", now=NOW + dt.timedelta(hours=2)) == 60
    assert not IpReputation.objects.filter(ip="198.51.100.2").exists()


@pytest.mark.django_db
def test_scores_never_fall_below_zero() -> None:
    reputation.reputation_penalise(penalties={"198.51.100.9": (250, 7)}, now=NOW)

    assert reputation_score("198.51.100.9", now=NOW) == 0
