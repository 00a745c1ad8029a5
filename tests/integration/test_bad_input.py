"""Bad input at every /api/v1 operation in the OpenAPI schema: a 4xx problem, never a 500, and nothing changed.

The operations come from the schema itself, so a new endpoint is covered the day it is mounted.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client

from azora.accounts.models import ApiKey, Invitation, Membership, Organisation, User
from azora.accounts.tests.factories import (
    ApiKeyFactory,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from azora.gateway.tests.conftest import access_token_for
from config.api import api

SCHEMA: dict[str, Any] = api.get_openapi_schema(path_prefix="/api/v1/")
METHODS = ("get", "post", "put", "patch", "delete")
UNKNOWN_FIELD = "azora_unknown_field"


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    spec: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def body_schema(self) -> dict[str, Any] | None:
        content = self.spec.get("requestBody", {}).get("content", {})
        if "application/json" not in content:
            return None
        return resolve(content["application/json"]["schema"])

    @property
    def takes_upload(self) -> bool:
        return "multipart/form-data" in self.spec.get("requestBody", {}).get("content", {})

    @property
    def refuses_unknown_fields(self) -> bool:
        schema = self.body_schema
        return schema is None or schema.get("additionalProperties") is not True

    @property
    def needs_auth(self) -> bool:
        return bool(self.spec.get("security", SCHEMA.get("security", [])))

    def parameters(self, location: str) -> list[dict[str, Any]]:
        return [parameter for parameter in self.spec.get("parameters", []) if parameter["in"] == location]


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = SCHEMA["components"]["schemas"][name]
    return schema


def operations() -> list[Operation]:
    return [
        Operation(method=method, path=path, spec=spec)
        for path, item in SCHEMA["paths"].items()
        for method, spec in item.items()
        if method in METHODS
    ]


OPERATIONS = operations()


def types_of(schema: dict[str, Any]) -> set[str]:
    schema = resolve(schema)
    found: set[str] = set()
    for option in schema.get("anyOf", []) + schema.get("oneOf", []) + schema.get("allOf", []):
        found |= types_of(option)
    if "type" in schema:
        found.add(schema["type"])
    if "enum" in schema or "const" in schema:
        found.add("string")
    return found or {"string"}


def wrong_value(schema: dict[str, Any]) -> Any:
    """A JSON value no field of this schema accepts, even in pydantic's lax mode."""
    return "not-an-object" if "object" in types_of(schema) else {"wrong": "type"}


@dataclass
class World:
    """Real rows for every path parameter, so that a request that slipped through would change them."""

    caller: User
    token: str
    values: dict[str, str]


@pytest.fixture
def world(db: None) -> World:
    caller = UserFactory(email="caller@example.test")
    organisation: Organisation = OrganisationFactory(owner=caller)
    member: Membership = MembershipFactory(organisation=organisation, role="member")
    api_key: ApiKey = ApiKeyFactory(user=caller)
    invitation: Invitation = InvitationFactory(organisation=organisation, email=caller.email)
    return World(
        caller=caller,
        token=access_token_for(caller),
        values={
            "organisation_id": str(organisation.id),
            "membership_id": str(member.id),
            "api_key_id": str(api_key.id),
            "token": invitation.token,  # type: ignore[attr-defined]
        },
    )


def url_of(operation: Operation, world: World, overrides: dict[str, str] | None = None) -> str:
    url = operation.path
    for parameter in operation.parameters("path"):
        name = parameter["name"]
        value = (overrides or {}).get(name) or world.values.get(name) or str(uuid.uuid4())
        url = url.replace("{" + name + "}", value)
    return url


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def send(operation: Operation, url: str, body: bytes | None, headers: dict[str, str]) -> Any:
    client = Client()
    if body is None:
        return client.generic(operation.method.upper(), url, headers=headers)
    return client.generic(operation.method.upper(), url, data=body, content_type="application/json", headers=headers)


def assert_problem(response: Any, statuses: set[int], code: str | None = None) -> dict[str, Any]:
    assert response.status_code in statuses, response.content
    assert response["Content-Type"] == "application/problem+json"
    problem: dict[str, Any] = json.loads(response.content)
    assert problem["status"] == response.status_code
    if code is not None:
        assert problem["code"] == code
    assert "Traceback" not in response.content.decode()
    return problem


def unchanged(world: World, check: Callable[[], object]) -> None:
    before = row_counts()
    check()
    assert row_counts() == before


def bearer(world: World) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.token}"}


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.id)
class TestEveryOperation:
    def test_missing_auth_is_401(self, operation: Operation, world: World) -> None:
        if not operation.needs_auth:
            pytest.skip("a public operation")
        body = b"{}" if operation.body_schema is not None else None

        unchanged(world, lambda: assert_problem(send(operation, url_of(operation, world), body, {}), {401}))

    def test_malformed_json_is_400(self, operation: Operation, world: World) -> None:
        if operation.takes_upload:
            pytest.skip("a file upload: test_json_sent_to_an_upload_names_the_file covers it")
        response_check = lambda: assert_problem(  # noqa: E731
            send(operation, url_of(operation, world), b'{"broken": ', bearer(world)), {400}, "malformed_json"
        )
        unchanged(world, response_check)

    def test_unknown_fields_are_named(self, operation: Operation, world: World) -> None:
        if operation.takes_upload or not operation.refuses_unknown_fields:
            pytest.skip("the body is a file upload or an open object (a provider's signed webhook event)")
        body = json.dumps({UNKNOWN_FIELD: 1}).encode()

        def check() -> None:
            problem = assert_problem(send(operation, url_of(operation, world), body, bearer(world)), {422})
            assert {"field": f"body.{UNKNOWN_FIELD}", "type": "extra_forbidden"} in [
                {"field": error["field"], "type": error["type"]} for error in problem["errors"]
            ]

        unchanged(world, check)

    def test_json_sent_to_an_upload_names_the_file(self, operation: Operation, world: World) -> None:
        if not operation.takes_upload:
            pytest.skip("not a file upload")
        form = resolve(operation.spec["requestBody"]["content"]["multipart/form-data"]["schema"])

        def check() -> None:
            response = send(operation, url_of(operation, world), b'{"file": "not-a-file"}', bearer(world))
            problem = assert_problem(response, {422}, "validation_failed")
            missing = {error["field"].rsplit(".", 1)[-1] for error in problem["errors"] if error["type"] == "missing"}
            assert missing == set(form["required"])

        unchanged(world, check)

    def test_wrong_types_in_the_body_name_every_field(self, operation: Operation, world: World) -> None:
        schema = operation.body_schema
        if schema is None or "properties" not in schema:
            pytest.skip("no JSON object body")
        body = json.dumps({name: wrong_value(spec) for name, spec in schema["properties"].items()}).encode()

        def check() -> None:
            problem = assert_problem(send(operation, url_of(operation, world), body, bearer(world)), {422})
            fields = [error["field"] for error in problem["errors"]]
            for name in schema["properties"]:
                assert any(field == f"body.{name}" or field.startswith(f"body.{name}.") for field in fields), name

        unchanged(world, check)

    def test_wrong_types_in_path_and_query_are_4xx(self, operation: Operation, world: World) -> None:
        typed = [p for p in operation.parameters("path") + operation.parameters("query") if wants_non_text(p)]
        if not typed:
            pytest.skip("no typed path or query parameter")
        overrides = {p["name"]: "not-a-valid-value" for p in operation.parameters("path") if wants_non_text(p)}
        query = "&".join(f"{p['name']}=not-a-valid-value" for p in operation.parameters("query") if wants_non_text(p))
        url = url_of(operation, world, overrides) + (f"?{query}" if query else "")
        body = b"{}" if operation.body_schema is not None else None

        unchanged(world, lambda: assert_problem(send(operation, url, body, bearer(world)), {404, 422}))

    def test_oversized_body_is_413(self, operation: Operation, world: World) -> None:
        limit = settings.AZORA_MAX_REQUEST_BYTES
        body = json.dumps({"padding": "x" * limit}).encode()

        unchanged(
            world,
            lambda: assert_problem(
                send(operation, url_of(operation, world), body, bearer(world)), {413}, "payload_too_large"
            ),
        )


def wants_non_text(parameter: dict[str, Any]) -> bool:
    schema = resolve(parameter.get("schema", {}))
    kinds = types_of(schema)
    return "string" not in kinds or any(
        resolve(option).get("format") in {"uuid", "date-time", "date"} for option in [schema, *schema.get("anyOf", [])]
    )


def test_every_operation_is_covered() -> None:
    """The schema really lists the API: the accounts endpoints of the Foundation are all there."""
    ids = {operation.id for operation in OPERATIONS}

    assert {
        "GET /api/v1/me",
        "PATCH /api/v1/me",
        "POST /api/v1/organisations",
        "DELETE /api/v1/api-keys/{api_key_id}",
    } <= ids


@pytest.mark.django_db
def test_the_schema_tested_is_the_schema_served() -> None:
    assert Client().get("/api/v1/openapi.json").json() == json.loads(json.dumps(SCHEMA, default=str))
