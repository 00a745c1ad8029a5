"""The one reading of the API edge's caller: scopes held by sessions and keys, organisation keys refused as users."""

from __future__ import annotations

import uuid

import pytest
from django.http import HttpRequest

from azora.accounts.errors import InsufficientScope, UserPrincipalRequired
from azora.accounts.public import Principal, request_principal, request_user_id

USER = uuid.uuid4()


def request_by(principal: object) -> HttpRequest:
    request = HttpRequest()
    request.auth = principal  # type: ignore[attr-defined]  # what ninja sets after authentication
    return request


def test_a_session_holds_every_scope_and_is_its_user() -> None:
    session = Principal(via="session", user_id=USER)
    assert request_principal(request_by(session), scope="education") is session
    assert request_user_id(request_by(session), scope="revenue") == USER


def test_an_api_key_holds_only_its_scopes() -> None:
    key = Principal(via="api_key", user_id=USER, scopes=frozenset({"ai:chat"}))
    assert request_user_id(request_by(key), scope="ai:chat") == USER
    with pytest.raises(InsufficientScope) as refused:
        request_user_id(request_by(key), scope="education")
    assert refused.value.extra == {"required_scope": "education"}


def test_an_organisation_key_is_not_a_user() -> None:
    organisation_key = Principal(via="api_key", user_id=None, organisation_id=uuid.uuid4(), scopes=frozenset())
    assert request_principal(request_by(organisation_key)).organisation_id is not None
    with pytest.raises(UserPrincipalRequired):
        request_user_id(request_by(organisation_key))


def test_a_request_the_edge_did_not_authenticate_is_a_programming_error() -> None:
    with pytest.raises(TypeError, match="authenticated"):
        request_principal(HttpRequest())
