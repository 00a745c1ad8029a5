"""Test data for security events and the moderation queue: platform operators and open cases."""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from azora.accounts.models import PlatformRoleGrant
from azora.security.models import ModerationCase
from azora.security.tests.factories import UserFactory


def platform_admin() -> Any:
    """A user holding platform_admin (tests may reach into accounts' tables; application code may not)."""
    user = UserFactory()
    PlatformRoleGrant.objects.create(user=user, role="platform_admin")
    return user


# mypy skips factory_boy (pyproject), so its base is Any here.
class ModerationCaseFactory(DjangoModelFactory):  # type: ignore[misc,unused-ignore]
    class Meta:
        model = ModerationCase

    source = "test.note"
    object_id = factory.Sequence(lambda n: f"note-{n}")
    excerpt = "Buy cheap watches"
    reason = "spam"
