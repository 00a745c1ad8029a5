"""The edge middleware: denied addresses are refused before any app code runs, as a problem or an HTML page."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from prometheus_client import REGISTRY

import azora.accounts.public as accounts
from azora.security import edge
from azora.security.models import IpRule, SecurityEvent
from azora.security.tests.factories import DEFAULT_PASSWORD, UserFactory
from azora.shared.models import OutboxEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


def deny(cidr: str, *, source: str = "manual") -> None:
    """A rule as an operator or abuse detection saved it (the services are tested in test_ip_rules)."""
    IpRule.objects.create(action="deny", cidr=cidr, reason="Test", source=source)
    edge.rules_forget()


def allow(cidr: str) -> None:
    IpRule.objects.create(action="allow", cidr=cidr, reason="Test")
    edge.rules_forget()


def blocked_count(reason: str) -> float:
    return REGISTRY.get_sample_value("azora_edge_blocked_total", {"reason": reason}) or 0.0


def test_a_denied_address_gets_a_403_problem_before_any_view() -> None:
    deny("203.0.113.0/24")
    before = blocked_count("ip_rule")
    outbox_before = OutboxEvent.objects.count()

    response = Client().post("/api/v1/me/data-export", REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert (body["status"], body["code"]) == (403, "request_blocked")
    assert blocked_count("ip_rule") == before + 1
    assert OutboxEvent.objects.count() == outbox_before
    event = SecurityEvent.objects.get(kind="request_blocked")
    assert (event.ip, event.detail) == ("203.0.113.9", {"reason": "ip_rule"})


def test_a_browser_gets_an_html_page() -> None:
    deny("203.0.113.9")

    response = Client().get("/", REMOTE_ADDR="203.0.113.9", HTTP_ACCEPT="text/html,application/xhtml+xml")

    assert response.status_code == 403
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert b"<h1>Requests from your address are blocked.</h1>" in response.content


def test_other_addresses_pass() -> None:
    deny("203.0.113.0/24")

    assert Client().get("/livez", REMOTE_ADDR="203.0.114.1").status_code == 200


def test_automatic_blocks_are_counted_apart() -> None:
    deny("198.51.100.4", source="automatic")
    before = blocked_count("automatic_block")

    assert Client().get("/livez", REMOTE_ADDR="198.51.100.4").status_code == 403
    assert blocked_count("automatic_block") == before + 1


def test_an_allow_rule_wins_over_a_deny_rule() -> None:
    deny("203.0.113.0/24")
    allow("203.0.113.5")

    assert Client().get("/livez", REMOTE_ADDR="203.0.113.5").status_code == 200
    assert Client().get("/livez", REMOTE_ADDR="203.0.113.6").status_code == 403


def test_ipv6_ranges_block_ipv6_clients() -> None:
    deny("2001:db8:aa::/48")

    assert Client().get("/livez", REMOTE_ADDR="2001:db8:aa:1::7").status_code == 403
    assert Client().get("/livez", REMOTE_ADDR="2001:db8:ab::7").status_code == 200


@override_settings(AZORA_TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_the_forwarded_address_counts() -> None:
    deny("203.0.113.9")

    refused = Client().get("/livez", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    passed = Client().get("/livez", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.1")

    assert refused.status_code == 403
    assert passed.status_code == 200


def test_without_trusted_proxies_a_forwarded_header_changes_nothing() -> None:
    deny("203.0.113.9")

    response = Client().get("/livez", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.1")

    assert response.status_code == 403


@override_settings(AZORA_SECURITY_EDGE_ENABLED=False)
def test_the_edge_can_be_switched_off() -> None:
    deny("203.0.113.9")

    assert Client().get("/livez", REMOTE_ADDR="203.0.113.9").status_code == 200
    assert Client().get("/livez?q=<script>alert(1)</script>").status_code == 200


def test_a_flood_from_a_blocked_address_writes_one_event() -> None:
    deny("203.0.113.9")
    client = Client()

    statuses = [client.get("/livez", REMOTE_ADDR="203.0.113.9").status_code for _ in range(10)]

    assert statuses == [403] * 10
    assert SecurityEvent.objects.filter(kind="request_blocked").count() == 1


def test_the_steady_state_costs_no_query(django_assert_num_queries: Any) -> None:
    deny("203.0.113.0/24")
    client = Client()
    client.get("/livez", REMOTE_ADDR="192.0.2.1")  # compiles the rules

    with django_assert_num_queries(0):
        assert client.get("/livez", REMOTE_ADDR="192.0.2.1").status_code == 200


def test_a_rule_an_operator_adds_over_the_api_refuses_the_next_request(django_capture_on_commit_callbacks: Any) -> None:
    operator = UserFactory(email="operator@example.test")
    accounts.platform_role_grant(user_id=operator.id, role="platform_admin")
    client = Client()
    assert client.login(email=operator.email, password=DEFAULT_PASSWORD)
    assert Client().get("/livez", REMOTE_ADDR="203.0.113.40").status_code == 200  # rules compiled, none matching

    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            "/api/v1/security/ip-rules",
            json.dumps({"action": "deny", "cidr": "203.0.113.40", "reason": "Abuse report"}),
            content_type="application/json",
            REMOTE_ADDR="192.0.2.1",
        )

    assert created.status_code == 201
    assert Client().get("/livez", REMOTE_ADDR="203.0.113.40").status_code == 403
    assert client.get("/api/v1/security/ip-rules", REMOTE_ADDR="192.0.2.1").status_code == 200
