"""Schemathesis fuzzes every /api/v1 operation from the OpenAPI schema: no 5xx, and responses match the schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from azora.accounts.tests.factories import OrganisationFactory, UserFactory
from azora.gateway.tests.conftest import access_token_for
from config.api import api


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Iterator[None]:
    """Called straight through WSGI, Django would close the test's database connection after each request.

    Django's own test client does the same: it detaches close_old_connections while it runs a request.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(db: None) -> dict[str, str]:
    """A real access token of a user who owns an organisation, so lists and lookups have rows to find."""
    user = UserFactory(email="fuzzer@example.test")
    OrganisationFactory(owner=user)
    return {"Authorization": f"Bearer {access_token_for(user)}"}


# The schema the API serves at /api/v1/openapi.json, built without a request so collection needs no database.
# (schemathesis' fixture-based lazy loader does not run under pytest 9.)
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
application = WSGIHandler()


@schema.parametrize()
@settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_never_fails_on_our_side_and_keeps_its_schema(case: Any, bearer: dict[str, str]) -> None:
    case.call_and_validate(
        headers=bearer,
        checks=[not_a_server_error, response_schema_conformance],
        app=application,
    )
