"""Who a request is for rate limiting: client IP, submitted email, session account, API credential."""

from __future__ import annotations

import json
import re

import pytest
from django.test import RequestFactory

from azora.security.identity import (
    api_credential,
    client_ip,
    digest,
    identities,
    ip_identity,
    submitted_email,
)


@pytest.fixture
def factory() -> RequestFactory:
    return RequestFactory()


def test_without_trusted_proxies_x_forwarded_for_is_ignored(factory: RequestFactory) -> None:
    request = factory.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert client_ip(request, trusted_proxy_count=0) == "203.0.113.9"


@pytest.mark.parametrize(
    ("forwarded", "proxies", "expected"),
    [
        ("198.51.100.1", 1, "198.51.100.1"),
        ("6.6.6.6, 198.51.100.1", 1, "198.51.100.1"),  # the client's own spoofed entry is to the left
        ("6.6.6.6, 198.51.100.1, 10.0.0.2", 2, "198.51.100.1"),
        ("198.51.100.1", 2, "198.51.100.1"),  # fewer entries than proxies: the leftmost a proxy wrote
        ("not-an-ip", 1, "10.0.0.1"),
        ("", 1, "10.0.0.1"),
    ],
)
def test_behind_n_proxies_the_nth_entry_from_the_right_is_the_client(
    factory: RequestFactory, forwarded: str, proxies: int, expected: str
) -> None:
    request = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request, trusted_proxy_count=proxies) == expected


def test_ipv6_clients_count_by_their_64_prefix() -> None:
    assert ip_identity("2001:db8:1:2:aaaa::1") == ip_identity("2001:db8:1:2:bbbb::9") == "ip6:2001:db8:1:2::"
    assert ip_identity("2001:db8:1:3::1") != ip_identity("2001:db8:1:2::1")
    assert ip_identity("192.0.2.7") == "ip:192.0.2.7"


def test_the_login_form_field_names_the_account_lower_cased(factory: RequestFactory) -> None:
    request = factory.post("/accounts/login/", {"login": "  Ann@Example.COM ", "password": "x"})
    assert submitted_email(request) == "ann@example.com"


def test_a_json_body_names_the_account(factory: RequestFactory) -> None:
    request = factory.post(
        "/_allauth/app/v1/auth/login", json.dumps({"email": "Bo@Example.com"}), content_type="application/json"
    )
    assert submitted_email(request) == "bo@example.com"


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", '{"email": 42}', '{"email": "   "}', "\xff"])
def test_bodies_that_name_no_email_give_none(factory: RequestFactory, body: str) -> None:
    request = factory.post("/_allauth/app/v1/auth/login", body, content_type="application/json")
    assert submitted_email(request) is None


def test_bearer_tokens_and_api_keys_are_distinct_credentials(factory: RequestFactory) -> None:
    bearer = factory.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer abc")
    key = factory.get("/api/v1/me", HTTP_X_API_KEY="abc")
    assert api_credential(bearer) != api_credential(key)
    assert api_credential(factory.get("/api/v1/me")) is None


def test_an_anonymous_api_call_counts_by_ip_only(factory: RequestFactory) -> None:
    request = factory.get("/api/v1/me", REMOTE_ADDR="192.0.2.7")
    assert identities(request, action="api", trusted_proxy_count=0) == {"anonymous_ip": digest("ip:192.0.2.7")}


def test_a_credentialed_api_call_counts_by_its_credential_only(factory: RequestFactory) -> None:
    request = factory.get("/api/v1/me", REMOTE_ADDR="192.0.2.7", HTTP_AUTHORIZATION="Bearer abc")
    assert identities(request, action="api", trusted_proxy_count=0) == {"credential": digest("credential:Bearer abc\n")}


def test_a_login_counts_by_ip_and_email_and_stores_neither_in_the_clear(factory: RequestFactory) -> None:
    request = factory.post("/accounts/login/", {"login": "ann@example.com"}, REMOTE_ADDR="192.0.2.7")
    found = identities(request, action="login", trusted_proxy_count=0)
    assert found == {"ip": digest("ip:192.0.2.7"), "account": digest("email:ann@example.com")}
    # A 32-character lowercase hex digest cannot hold an address or an email: it has no "." and no "@".
    assert all(re.fullmatch(r"[0-9a-f]{32}", value) for value in found.values())
