"""Fixtures for the gateway's tests: the probe API, users and their real credentials."""

from __future__ import annotations

import pytest
from allauth.headless.tokens.strategies.jwt.internal import create_access_token
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from pytest_django.fixtures import Settings

from azora.accounts.models import ApiKey, User
from azora.accounts.tests.factories import ApiKeyFactory, UserFactory


@pytest.fixture
def probe_urls(settings: Settings) -> None:
    """Route /api/v1/ to the probe API (built by the real build_api) for this test."""
    settings.ROOT_URLCONF = "azora.gateway.tests.probe"


@pytest.fixture
def user(db: None) -> User:
    return UserFactory(email="caller@example.test")


def access_token_for(user: User) -> str:
    """A real allauth JWT access token, minted as the headless login would mint it."""
    session = SessionStore()
    session.create()
    token: str = create_access_token(user, session, {})
    return token


@pytest.fixture
def jwt_client(user: User) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {access_token_for(user)}")


@pytest.fixture
def api_key(user: User) -> ApiKey:
    return ApiKeyFactory(user=user, scopes=["profile:read"])


@pytest.fixture
def key_client(api_key: ApiKey) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {api_key.key}")  # type: ignore[attr-defined]
