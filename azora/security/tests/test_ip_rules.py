"""IP allow/deny rules: parsing, the compiled ranges, the lockout guard, audit records, expiry and the API."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import uuid
from typing import Any

import pytest
from allauth.usersessions.models import UserSession
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

import azora.accounts.public as accounts
from azora.security import edge, ip_rules
from azora.security.errors import InvalidIpRule, IpRuleNotFound, LockoutRefused
from azora.security.ip_rules import RangeSet, RuleSpec, compile_rules, parse_network
from azora.security.models import AuditRecord, IpRule
from azora.security.public import edge as public_edge
from azora.security.tests.factories import DEFAULT_PASSWORD, UserFactory

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)


def spec(action: str, cidr: str, source: str = "manual") -> RuleSpec:
    return RuleSpec(action=action, network=ipaddress.ip_network(cidr), source=source)


# --- pure: ranges and compiling ------------------------------------------------------------------------------


def test_overlapping_and_adjacent_ranges_merge_into_disjoint_spans() -> None:
    ranges = RangeSet.of(
        [ipaddress.ip_network(c) for c in ("10.0.0.0/25", "10.0.0.128/25", "10.0.0.64/26", "192.0.2.7/32")]
    )

    assert len(ranges) == 2
    assert int(ipaddress.ip_address("10.0.0.255")) in ranges
    assert int(ipaddress.ip_address("10.0.1.0")) not in ranges
    assert int(ipaddress.ip_address("192.0.2.7")) in ranges
    assert int(ipaddress.ip_address("192.0.2.8")) not in ranges
    assert 0 not in ranges


def test_compiled_rules_tell_manual_from_automatic_and_allow_wins() -> None:
    rules = compile_rules(
        [
            spec("deny", "203.0.113.0/24"),
            spec("deny", "198.51.100.9/32", "automatic"),
            spec("allow", "203.0.113.5/32"),
            spec("deny", "2001:db8::/32"),
        ]
    )

    assert rules.block_reason("203.0.113.4") == "ip_rule"
    assert rules.block_reason("203.0.113.5") is None
    assert rules.block_reason("198.51.100.9") == "automatic_block"
    assert rules.block_reason("198.51.100.10") is None
    assert rules.block_reason("2001:db8:1::1") == "ip_rule"
    assert rules.block_reason("2001:db9::1") is None
    assert rules.block_reason("::ffff:203.0.113.4") == "ip_rule"  # IPv4-mapped counts as IPv4
    assert rules.block_reason("not-an-ip") is None


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("203.0.113.7", "203.0.113.7/32"),
        (" 203.0.113.0/24 ", "203.0.113.0/24"),
        ("2001:DB8::/48", "2001:db8::/48"),
        ("::ffff:192.0.2.0/120", "192.0.2.0/24"),
    ],
)
def test_addresses_and_ranges_are_normalised(text: str, stored: str) -> None:
    assert str(parse_network(text)) == stored


@pytest.mark.parametrize("text", ["", "10.0.0.300", "10.0.0.7/8", "203.0.113.0/33", "example.com", "1.2.3.4/x"])
def test_a_cidr_that_does_not_parse_is_invalid(text: str) -> None:
    with pytest.raises(InvalidIpRule) as raised:
        parse_network(text)

    assert raised.value.code == "invalid_ip_rule"
    assert raised.value.extra["errors"][0]["field"] == "cidr"


# --- services ------------------------------------------------------------------------------------------------


@pytest.fixture
def operator(db: Any) -> Any:
    user = UserFactory(email="operator@example.test")
    accounts.platform_role_grant(user_id=user.id, role="platform_admin")
    return user


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    """Runs the after-commit callbacks (the version bump) as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def seen_at(user: Any, ip: str, *, when: dt.datetime | None = None) -> None:
    """A session of `user` last seen from `ip` (what accounts reads for the operators' addresses)."""
    UserSession.objects.create(
        user=user, ip=ip, session_key=uuid.uuid4().hex, user_agent="test", last_seen_at=when or timezone.now()
    )


def counts() -> tuple[int, int]:
    return IpRule.objects.count(), AuditRecord.objects.count()


@pytest.mark.django_db
def test_a_deny_rule_is_saved_audited_and_blocks_at_once(operator: Any, committed: Any) -> None:
    edge.current_rules(now=timezone.now())  # compiled before the rule exists
    version_before = ip_rules.rules_version()

    with committed():
        rule = public_edge.ip_rule_create(
            actor_id=operator.id, action="deny", cidr="203.0.113.0/24", reason=" Scanner  farm ", actor_ip="192.0.2.1"
        )

    assert (rule.action, rule.cidr, rule.reason, rule.source) == ("deny", "203.0.113.0/24", "Scanner farm", "manual")
    assert rule.created_by_id == operator.id
    record = AuditRecord.objects.get()
    assert (record.action, record.target_type, record.target_id) == (
        "security.ip_rule_created",
        "ip_rule",
        str(rule.id),
    )
    assert record.actor_id == operator.id
    assert record.detail["cidr"] == "203.0.113.0/24"
    assert record.ip == "192.0.2.1"
    assert ip_rules.rules_version() != version_before
    assert public_edge.ip_block_reason(ip="203.0.113.99") == "ip_rule"
    assert [view.id for view in public_edge.ip_rule_list()] == [rule.id]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"cidr": "10.0.0.300"}, "cidr"),
        ({"action": "block"}, "action"),
        ({"reason": "   "}, "reason"),
        ({"reason": "x" * 301}, "reason"),
        ({"expires_at": NOW - dt.timedelta(minutes=1)}, "expires_at"),
        ({"expires_at": dt.datetime(2030, 1, 1)}, "expires_at"),  # naive
    ],
)
def test_an_invalid_rule_is_refused_and_nothing_is_saved(operator: Any, fields: dict[str, Any], field: str) -> None:
    before = counts()
    arguments: dict[str, Any] = {"action": "deny", "cidr": "203.0.113.0/24", "reason": "Scanner", **fields}

    with pytest.raises(InvalidIpRule) as raised:
        ip_rules.ip_rule_create(actor_id=operator.id, now=NOW, **arguments)

    assert raised.value.extra["errors"][0]["field"] == field
    assert counts() == before


@pytest.mark.django_db
def test_a_deny_rule_covering_the_operators_own_address_is_refused(operator: Any) -> None:
    before = counts()

    with pytest.raises(LockoutRefused) as raised:
        public_edge.ip_rule_create(
            actor_id=operator.id, action="deny", cidr="192.0.2.0/24", reason="Oops", actor_ip="192.0.2.1"
        )

    assert raised.value.code == "ip_rule_lockout"
    assert counts() == before


@pytest.mark.django_db
def test_a_deny_rule_covering_every_operators_recent_addresses_is_refused(operator: Any) -> None:
    second = UserFactory(email="second-operator@example.test")
    accounts.platform_role_grant(user_id=second.id, role="platform_admin")
    seen_at(operator, "198.51.100.10")
    seen_at(second, "198.51.100.20")
    seen_at(second, "198.51.100.30")
    before = counts()

    with pytest.raises(LockoutRefused):
        public_edge.ip_rule_create(actor_id=None, action="deny", cidr="198.51.100.0/24", reason="Everyone")
    assert counts() == before

    # Leaving one operator one address is allowed: someone can still undo it.
    rule = public_edge.ip_rule_create(actor_id=None, action="deny", cidr="198.51.100.0/28", reason="Part")
    assert rule.cidr == "198.51.100.0/28"


@pytest.mark.django_db
def test_old_operator_sessions_do_not_count_for_the_guard(operator: Any) -> None:
    seen_at(operator, "198.51.100.10", when=timezone.now() - dt.timedelta(days=60))

    rule = public_edge.ip_rule_create(actor_id=None, action="deny", cidr="198.51.100.0/24", reason="Old")

    assert rule.action == "deny"


@pytest.mark.django_db
def test_an_allow_rule_over_the_operator_lets_a_wider_deny_through_but_not_its_own_removal(
    operator: Any, committed: Any
) -> None:
    with committed():
        allow = public_edge.ip_rule_create(
            actor_id=operator.id, action="allow", cidr="192.0.2.1", reason="Office", actor_ip="192.0.2.1"
        )
        public_edge.ip_rule_create(
            actor_id=operator.id, action="deny", cidr="192.0.2.0/24", reason="Range", actor_ip="192.0.2.1"
        )
    before = counts()

    with pytest.raises(LockoutRefused):
        public_edge.ip_rule_delete(actor_id=operator.id, rule_id=allow.id, actor_ip="192.0.2.1")

    assert counts() == before
    assert public_edge.ip_block_reason(ip="192.0.2.1") is None
    assert public_edge.ip_block_reason(ip="192.0.2.2") == "ip_rule"


@pytest.mark.django_db
def test_deleting_a_rule_is_audited_and_unblocks_at_once(operator: Any, committed: Any) -> None:
    with committed():
        rule = public_edge.ip_rule_create(actor_id=operator.id, action="deny", cidr="203.0.113.0/24", reason="Scan")
    assert public_edge.ip_block_reason(ip="203.0.113.1") == "ip_rule"

    with committed():
        public_edge.ip_rule_delete(actor_id=operator.id, rule_id=rule.id)

    assert not IpRule.objects.exists()
    assert list(AuditRecord.objects.order_by("sequence").values_list("action", flat=True)) == [
        "security.ip_rule_created",
        "security.ip_rule_deleted",
    ]
    assert public_edge.ip_block_reason(ip="203.0.113.1") is None


@pytest.mark.django_db
def test_deleting_an_unknown_rule_is_not_found(operator: Any) -> None:
    before = counts()

    with pytest.raises(IpRuleNotFound):
        public_edge.ip_rule_delete(actor_id=operator.id, rule_id=uuid.uuid4())

    assert counts() == before


@pytest.mark.django_db
def test_a_rule_stops_applying_when_it_expires_and_is_pruned_later(operator: Any, committed: Any) -> None:
    expires = NOW + dt.timedelta(hours=1)
    with committed():
        ip_rules.ip_rule_create(
            actor_id=operator.id, action="deny", cidr="203.0.113.8", reason="Short", expires_at=expires, now=NOW
        )

    assert edge.current_rules(now=NOW).block_reason("203.0.113.8") == "ip_rule"
    assert edge.current_rules(now=expires).block_reason("203.0.113.8") is None
    assert ip_rules.ip_rule_rows(now=expires) == []
    assert len(ip_rules.ip_rule_rows(include_expired=True, now=expires)) == 1
    assert ip_rules.ip_rules_prune(now=expires + dt.timedelta(days=1), keep_expired_for=dt.timedelta(days=2)) == 0
    assert ip_rules.ip_rules_prune(now=expires + dt.timedelta(days=3), keep_expired_for=dt.timedelta(days=2)) == 1


@pytest.mark.django_db
def test_the_steady_state_reads_no_database(django_assert_num_queries: Any) -> None:
    IpRule.objects.create(action="deny", cidr="203.0.113.0/24", reason="Seed")
    edge.rules_forget()  # as a process that has not compiled yet
    now = timezone.now()
    edge.current_rules(now=now)

    with django_assert_num_queries(0):
        for _ in range(3):
            assert edge.current_rules(now=now).block_reason("203.0.113.1") == "ip_rule"


@pytest.mark.django_db
def test_another_process_publishing_a_new_version_makes_this_one_recompile_within_a_second() -> None:
    now = timezone.now()
    assert edge.current_rules(now=now).block_reason("203.0.113.1") is None
    # Another process saved a rule and published a new version; this process's compiled rules are stale.
    IpRule.objects.create(action="deny", cidr="203.0.113.0/24", reason="Elsewhere")
    cache.set(ip_rules.VERSION_KEY, "from-another-process", timeout=None)

    assert edge.current_rules(now=now + dt.timedelta(milliseconds=500)).block_reason("203.0.113.1") is None
    assert edge.current_rules(now=now + edge.VERSION_CHECK_INTERVAL).block_reason("203.0.113.1") == "ip_rule"


@pytest.mark.django_db
def test_an_unchanged_version_keeps_the_compiled_rules(django_assert_num_queries: Any) -> None:
    now = timezone.now()
    edge.current_rules(now=now)

    with django_assert_num_queries(0):
        edge.current_rules(now=now + dt.timedelta(seconds=5))


# --- the API -------------------------------------------------------------------------------------------------

URL = "/api/v1/security/ip-rules"


def signed_in(user: Any) -> Client:
    client = Client()
    assert client.login(email=user.email, password=DEFAULT_PASSWORD)
    return client


@pytest.mark.django_db
def test_an_operator_adds_lists_and_removes_rules_over_the_api(operator: Any) -> None:
    client = signed_in(operator)

    created = client.post(
        URL,
        json.dumps({"action": "deny", "cidr": "2001:db8::/32", "reason": "Abuse", "expires_at": None}),
        content_type="application/json",
        REMOTE_ADDR="192.0.2.1",
    )
    listed = client.get(URL, REMOTE_ADDR="192.0.2.1")

    assert created.status_code == 201
    body = created.json()
    assert (body["action"], body["cidr"], body["source"]) == ("deny", "2001:db8::/32", "manual")
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["items"]] == [body["id"]]
    assert listed.json()["next_cursor"] is None
    assert AuditRecord.objects.get().ip == "192.0.2.1"

    deleted = client.delete(f"{URL}/{body['id']}", REMOTE_ADDR="192.0.2.1")

    assert deleted.status_code == 204
    assert not IpRule.objects.exists()


@pytest.mark.django_db
def test_the_api_answers_a_lockout_and_a_bad_cidr_with_problems(operator: Any) -> None:
    client = signed_in(operator)
    before = counts()

    lockout = client.post(
        URL,
        json.dumps({"action": "deny", "cidr": "192.0.2.0/24", "reason": "Oops"}),
        content_type="application/json",
        REMOTE_ADDR="192.0.2.1",
    )
    bad = client.post(
        URL,
        json.dumps({"action": "deny", "cidr": "192.0.2.0/40", "reason": "Typo"}),
        content_type="application/json",
        REMOTE_ADDR="192.0.2.1",
    )

    assert lockout.status_code == 409
    assert lockout["Content-Type"] == "application/problem+json"
    assert lockout.json()["code"] == "ip_rule_lockout"
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid_ip_rule"
    assert counts() == before


@pytest.mark.django_db
def test_only_platform_admins_reach_the_rules(operator: Any) -> None:
    learner = signed_in(UserFactory(email="learner@example.test"))
    before = counts()

    listed = learner.get(URL)
    created = learner.post(
        URL, json.dumps({"action": "deny", "cidr": "203.0.113.0/24", "reason": "x"}), content_type="application/json"
    )
    anonymous = Client().get(URL)

    assert listed.status_code == 403
    assert created.status_code == 403
    assert anonymous.status_code == 401
    assert counts() == before


@pytest.mark.django_db
def test_deleting_an_unknown_rule_over_the_api_is_a_404(operator: Any) -> None:
    response = signed_in(operator).delete(f"{URL}/{uuid.uuid4()}")

    assert response.status_code == 404
    assert response.json()["code"] == "ip_rule_not_found"
