"""GET /api/v1/security/events: platform admins only, filters, cursor, problems for bad filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from django.test import Client

from azora.security.public import security_event_record
from azora.security.tests.factories import UserFactory
from azora.security.tests.factories_events import platform_admin

pytestmark = pytest.mark.django_db

URL = "/api/v1/security/events"
NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def operator_client() -> Client:
    client = Client()
    client.force_login(platform_admin())
    return client


def _events() -> None:
    security_event_record(kind="login_failed", summary="Wrong password", ip="192.0.2.1", now=NOW)
    security_event_record(
        kind="rate_limited", summary="Too many", ip="192.0.2.2", now=NOW + dt.timedelta(minutes=1), detail={"n": 1}
    )


def test_an_operator_lists_events_newest_first_with_filters(operator_client: Client) -> None:
    _events()
    response = operator_client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert [(item["kind"], item["ip"], item["summary"]) for item in body["items"]] == [
        ("rate_limited", "192.0.2.2", "Too many"),
        ("login_failed", "192.0.2.1", "Wrong password"),
    ]
    assert body["items"][0]["detail"] == {"n": 1}
    assert body["next_cursor"] is None

    filtered = operator_client.get(URL, {"kind": "login_failed", "since": "2026-03-02T11:00:00Z"}).json()
    assert [item["ip"] for item in filtered["items"]] == ["192.0.2.1"]

    first = operator_client.get(URL, {"limit": 1}).json()
    second = operator_client.get(URL, {"limit": 1, "cursor": first["next_cursor"]}).json()
    assert [first["items"][0]["kind"], second["items"][0]["kind"]] == ["rate_limited", "login_failed"]


def test_the_list_costs_a_fixed_number_of_queries(
    operator_client: Client, django_assert_max_num_queries: Callable[[int], AbstractContextManager[object]]
) -> None:
    # Session, user, role check and one page query; never one per event.
    for minute in range(30):
        security_event_record(kind="login_failed", summary="x", now=NOW + dt.timedelta(minutes=minute))
    with django_assert_max_num_queries(10):
        assert len(operator_client.get(URL, {"limit": 30}).json()["items"]) == 30


def test_a_bad_filter_is_a_problem_naming_it(operator_client: Client) -> None:
    response = operator_client.get(URL, {"severity": "urgent", "ip": "nope"})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "invalid_event_filter"
    assert [error["field"] for error in body["errors"]] == ["query.severity", "query.ip"]


def test_someone_without_the_role_is_refused_and_anonymous_is_unauthenticated() -> None:
    _events()
    client = Client()
    assert client.get(URL).status_code == 401
    client.force_login(UserFactory())
    response = client.get(URL)
    assert (response.status_code, response.json()["code"]) == (403, "platform_admin_required")
