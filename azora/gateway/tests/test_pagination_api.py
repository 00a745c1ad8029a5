"""A list endpoint built on the shared PageParams and Paged schemas, through the gateway's probe API."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from azora.accounts.models import User
from azora.shared.pagination import MAX_LIMIT

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("probe_urls")]


@pytest.fixture
def client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_pages_through_a_list(client: Client) -> None:
    Group.objects.bulk_create([Group(name=f"g{index:02d}") for index in range(5)])

    first = client.get("/api/v1/probe/groups?limit=3").json()
    second = client.get(f"/api/v1/probe/groups?limit=3&cursor={first['next_cursor']}").json()

    assert [group["name"] for group in first["items"]] == ["g00", "g01", "g02"]
    assert [group["name"] for group in second["items"]] == ["g03", "g04"]
    assert second["next_cursor"] is None


def test_an_invalid_cursor_is_a_422_problem(client: Client) -> None:
    response = client.get("/api/v1/probe/groups?cursor=garbage!")

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_cursor"


def test_a_limit_out_of_bounds_is_a_422_naming_the_field(client: Client) -> None:
    response = client.get(f"/api/v1/probe/groups?limit={MAX_LIMIT + 1}")

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["query.limit"]


def test_the_page_schema_is_in_the_openapi_document(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()

    operation = schema["paths"]["/api/v1/probe/groups"]["get"]
    assert [parameter["name"] for parameter in operation["parameters"]] == ["cursor", "limit"]
    page = schema["components"]["schemas"][
        operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    ]
    assert page["required"] == ["items", "next_cursor"]
