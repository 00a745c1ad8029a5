"""IP rules and security events in the Master UI: a rule added from the page, a bad range and a lockout shown
beside the form with nothing saved, and the events list with its filters."""

from __future__ import annotations

import pytest
from django.test import Client

import azora.security.public as security
from azora.accounts.models import User

pytestmark = pytest.mark.django_db


def test_a_deny_rule_added_from_the_page_is_listed(operator_client: Client) -> None:
    response = operator_client.post(
        "/master/security/ip-rules/",
        {"action": "deny", "cidr": "203.0.113.0/24", "reason": "Credential stuffing", "expires_in_hours": "24"},
    )

    assert response.status_code == 302
    rules = security.ip_rule_list()
    assert [(rule.action, rule.cidr, rule.reason) for rule in rules] == [
        ("deny", "203.0.113.0/24", "Credential stuffing")
    ]
    assert rules[0].expires_at is not None
    assert "203.0.113.0/24" in operator_client.get("/master/security/ip-rules/").content.decode()


def test_a_range_that_does_not_parse_is_shown_and_nothing_is_saved(operator_client: Client) -> None:
    response = operator_client.post(
        "/master/security/ip-rules/", {"action": "deny", "cidr": "10.0.0.300/8", "reason": "Typo"}
    )

    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()
    assert security.ip_rule_list() == []


def test_a_rule_that_would_lock_out_the_operator_is_refused_with_the_reason(operator_client: Client) -> None:
    # The test client's address is 127.0.0.1: a deny rule covering it would lock the operator out.
    response = operator_client.post(
        "/master/security/ip-rules/", {"action": "deny", "cidr": "127.0.0.0/8", "reason": "Oops"}
    )

    assert response.status_code == 409
    assert security.ip_rule_list() == []
    assert 'role="alert"' in response.content.decode()


def test_removing_a_rule_from_the_page(operator_client: Client, operator: User) -> None:
    rule = security.ip_rule_create(actor_id=operator.id, action="deny", cidr="198.51.100.7", reason="Scraper")

    response = operator_client.post(f"/master/security/ip-rules/{rule.id}/delete/")

    assert response.status_code == 302
    assert security.ip_rule_list() == []


def test_security_events_are_listed_and_filtered_by_kind(operator_client: Client) -> None:
    security.security_event_record(kind="login_failed", summary="Failed sign-in", ip="192.0.2.1")
    security.security_event_record(kind="rate_limited", summary="Too many requests", ip="192.0.2.2")

    everything = operator_client.get("/master/security/events/").content.decode()
    only_logins = operator_client.get("/master/security/events/", {"kind": "login_failed"}).content.decode()

    assert "192.0.2.1" in everything
    assert "192.0.2.2" in everything
    assert "192.0.2.1" in only_logins
    assert "192.0.2.2" not in only_logins


def test_a_bad_filter_is_a_422_beside_the_form(operator_client: Client) -> None:
    response = operator_client.get("/master/security/events/", {"kind": "no_such_kind"})

    assert response.status_code == 422
