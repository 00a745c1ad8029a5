"""Fixtures of the web shell's view tests: a person and a client signed in as them."""

from __future__ import annotations

import pytest
from django.test import Client

from azora.accounts.models import User
from azora.accounts.tests.factories import UserFactory


@pytest.fixture
def person(db: None) -> User:
    return UserFactory(email="thandi@example.test", display_name="Thandi")


@pytest.fixture
def signed_in(client: Client, person: User) -> Client:
    client.force_login(person)
    return client
