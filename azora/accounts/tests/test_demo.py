"""The demo accounts: created once, with the documented password and roles, and never duplicated."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress

from azora.accounts import public
from azora.accounts.demo import DEMO_PASSWORD, load_demo_data
from azora.accounts.models import Membership, Organisation, PlatformRoleGrant, User
from azora.shared import demo
from azora.shared.models import OutboxEvent

pytestmark = pytest.mark.django_db


def _state() -> tuple[list[tuple[str, bool]], list[tuple[str, str]], list[tuple[str, str]], int, int]:
    return (
        list(User.objects.order_by("email").values_list("email", "is_staff")),
        list(PlatformRoleGrant.objects.order_by("user__email", "role").values_list("user__email", "role")),
        list(Membership.objects.order_by("user__email").values_list("user__email", "role")),
        Organisation.objects.count(),
        OutboxEvent.objects.count(),
    )


def test_load_demo_data_creates_the_demo_accounts_and_organisation() -> None:
    load_demo_data()

    users, roles, memberships, organisation_count, _events = _state()
    assert users == [("admin@azora.local", True), ("instructor@azora.local", False), ("learner@azora.local", False)]
    assert roles == [
        ("admin@azora.local", "learner"),
        ("admin@azora.local", "platform_admin"),
        ("instructor@azora.local", "instructor"),
        ("instructor@azora.local", "learner"),
        ("learner@azora.local", "learner"),
    ]
    assert memberships == [
        ("admin@azora.local", "owner"),
        ("instructor@azora.local", "instructor"),
        ("learner@azora.local", "member"),
    ]
    assert organisation_count == 1
    assert Organisation.objects.get().name == "Ubuntu Academy"
    for user in User.objects.all():
        assert user.check_password(DEMO_PASSWORD)
        assert EmailAddress.objects.filter(user=user, email=user.email, verified=True, primary=True).exists()
    admin = User.objects.get(email="admin@azora.local")
    assert public.user_has_platform_role(user_id=admin.id, role="platform_admin")


def test_load_demo_data_twice_changes_nothing() -> None:
    load_demo_data()
    before = _state()

    load_demo_data()

    assert _state() == before


def test_the_accounts_loader_is_registered_first() -> None:
    entry = next(entry for entry in demo.registered_loaders() if entry.name == "accounts")
    assert (entry.loader, entry.order) == (load_demo_data, 10)
    assert demo.load_demo_data(only=["accounts"]) == ["accounts"]
    assert User.objects.count() == 3
