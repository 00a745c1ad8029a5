"""Fixtures for the Auth Service's tests."""

from __future__ import annotations

import pytest
from django.test import Client

from azora.accounts.models import Membership, Organisation, User
from azora.accounts.public import Principal, principal_for_user
from azora.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture
def owner(db: None) -> User:
    return UserFactory(email="owner@example.test", display_name="Olu Owner")


@pytest.fixture
def organisation(owner: User) -> Organisation:
    return OrganisationFactory(name="Ubuntu Academy", slug="ubuntu-academy", owner=owner)


@pytest.fixture
def admin_user(organisation: Organisation) -> User:
    membership: Membership = MembershipFactory(
        organisation=organisation, role="admin", user__email="admin@example.test"
    )
    return membership.user


@pytest.fixture
def member(organisation: Organisation) -> User:
    membership: Membership = MembershipFactory(
        organisation=organisation, role="member", user__email="member@example.test"
    )
    return membership.user


@pytest.fixture
def outsider(db: None) -> User:
    return UserFactory(email="outsider@example.test")


def as_user(user: User) -> Principal:
    return principal_for_user(user_id=user.id)


def published(event_type: str) -> list[dict[str, object]]:
    """Payloads of the events of `event_type` written to the outbox, oldest first."""
    from azora.shared.models import OutboxEvent

    return list(OutboxEvent.objects.filter(event_type=event_type).order_by("id").values_list("payload", flat=True))


def session_client(user: User) -> Client:
    """A browser-like client signed in with a real session (the test client skips CSRF, as curl would not)."""
    client = Client()
    client.force_login(user)
    return client


def key_client(raw_key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw_key}")


def jwt_client(user: User) -> Client:
    """A client holding a real allauth access token, minted as the headless login mints it."""
    from allauth.headless.tokens.strategies.jwt.internal import create_access_token
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session.create()
    return Client(HTTP_AUTHORIZATION=f"Bearer {create_access_token(user, session, {})}")
