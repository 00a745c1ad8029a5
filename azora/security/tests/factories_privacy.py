"""Test data for the audit and data-protection tests: platform operators, data exports, deletion requests."""

from __future__ import annotations

from typing import Any

from azora.accounts.models import PlatformRoleGrant
from azora.security.tests.factories import UserFactory


def operator(role: str = "platform_admin") -> Any:
    """A user holding a platform role (tests may reach into accounts' tables; application code may not)."""
    user = UserFactory()
    PlatformRoleGrant.objects.create(user=user, role=role)
    return user
