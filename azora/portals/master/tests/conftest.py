"""Fixtures of the Master UI's view tests: a platform admin, a finance admin and a learner, signed in."""

from __future__ import annotations

import pytest
from django.test import Client

import azora.accounts.public as accounts
from azora.accounts.models import User
from azora.accounts.tests.factories import UserFactory


@pytest.fixture
def operator(db: None) -> User:
    user = UserFactory(email="nomsa@example.test", display_name="Nomsa Operator")
    accounts.platform_role_grant(user_id=user.id, role="platform_admin")
    return user


@pytest.fixture
def finance_admin(db: None) -> User:
    user = UserFactory(email="farai@example.test", display_name="Farai Finance")
    accounts.platform_role_grant(user_id=user.id, role="finance_admin")
    return user


@pytest.fixture
def learner(db: None) -> User:
    return UserFactory(email="thabo@example.test", display_name="Thabo Learner")


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def operator_client(operator: User) -> Client:
    return signed_in(operator)


@pytest.fixture
def finance_client(finance_admin: User) -> Client:
    return signed_in(finance_admin)


@pytest.fixture
def learner_client(learner: User) -> Client:
    return signed_in(learner)
