"""Schemathesis fuzzes every /api/v1 operation from the OpenAPI schema: no 5xx, and responses match the schema."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from azora.accounts.models import User
from azora.accounts.tests.factories import OrganisationFactory, UserFactory
from azora.gateway.tests.conftest import access_token_for
from config.api import api


@pytest.fixture
def caller(db: None) -> User:
    user = UserFactory(email="fuzzer@example.test")
    OrganisationFactory(owner=user)
    return user


# The schema the API serves at /api/v1/openapi.json, built without a request so collection needs no database.
# (schemathesis' fixture-based lazy loader does not run under pytest 9.)
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
application = WSGIHandler()


@schema.parametrize()
@settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_never_fails_on_our_side_and_keeps_its_schema(case: Any, caller: User) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {access_token_for(caller)}"},
        checks=[not_a_server_error, response_schema_conformance],
        app=application,
    )
