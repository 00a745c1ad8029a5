"""The Auth Service's data protection: its export section, the anonymisation of an account, and the blocker for
an organisation that would be left without an owner."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session

from azora.accounts import privacy
from azora.accounts.models import Invitation, Membership, PlatformRoleGrant, User
from azora.accounts.tests.factories import (
    ApiKeyFactory,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _session_for(user: User) -> str:
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store.create()
    UserSession.objects.create(user=user, ip="203.0.113.5", session_key=store.session_key, user_agent="Firefox")
    return str(store.session_key)


def test_the_export_holds_the_profile_and_no_secret() -> None:
    user = UserFactory(email="thandi@example.test", display_name="Thandi", country="ZA")
    organisation = OrganisationFactory(name="Ubuntu Academy")
    MembershipFactory(organisation=organisation, user=user, role="admin")
    key = ApiKeyFactory(user=user, name="laptop")
    _session_for(user)

    data = privacy.user_data_export(user_id=user.pk)

    assert data["profile"]["email"] == "thandi@example.test"
    assert (data["profile"]["display_name"], data["profile"]["country"]) == ("Thandi", "ZA")
    assert data["email_addresses"] == [{"email": "thandi@example.test", "verified": True, "primary": True}]
    assert [(row["organisation"], row["role"]) for row in data["organisations"]] == [("Ubuntu Academy", "admin")]
    assert [(row["name"], row["prefix"]) for row in data["api_keys"]] == [("laptop", key.prefix)]
    assert [(row["ip"], row["user_agent"]) for row in data["sessions"]] == [("203.0.113.5", "Firefox")]
    text = json.dumps(data, default=str)
    assert key.key not in text
    assert key.secret_hash not in text
    assert "password" not in text


def test_an_unknown_user_exports_nothing() -> None:
    assert privacy.user_data_export(user_id=uuid.uuid4()) == {}


def test_anonymising_leaves_a_row_with_no_personal_data(django_capture_on_commit_callbacks: Any) -> None:
    user = UserFactory(email="thandi@example.test", display_name="Thandi", country="ZA")
    user.date_of_birth = dt.date(1990, 5, 1)
    user.save()
    PlatformRoleGrant.objects.create(user=user, role="instructor")
    Authenticator.objects.create(user=user, type="totp", data={"secret": "x"})
    organisation = OrganisationFactory()
    MembershipFactory(organisation=organisation, user=user)
    key = ApiKeyFactory(user=user, name="Thandi's laptop")
    invitation = InvitationFactory(organisation=organisation, email="THANDI@example.test")
    other_invitation = InvitationFactory(organisation=organisation, email="someone@example.test")
    session_key = _session_for(user)

    with django_capture_on_commit_callbacks(execute=True):
        privacy.user_anonymise(user_id=user.pk)

    user.refresh_from_db()
    assert user.email == f"deleted-{user.pk.hex}@deleted.invalid"
    assert (user.display_name, user.country, user.date_of_birth, user.is_active) == ("", "", None, False)
    assert not user.has_usable_password()
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Authenticator.objects.filter(user=user).exists()
    assert not PlatformRoleGrant.objects.filter(user=user).exists()
    assert not Membership.objects.filter(user=user).exists()
    key.refresh_from_db()
    assert (key.name, key.revoked_at is not None) == ("", True)
    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    assert Invitation.objects.filter(pk=other_invitation.pk).exists()
    assert not UserSession.objects.filter(user=user).exists()
    assert not Session.objects.filter(session_key=session_key).exists()


def test_an_only_owner_with_other_members_is_blocked() -> None:
    owner, member = UserFactory(), UserFactory()
    shared = OrganisationFactory(name="Ubuntu Academy", owner=owner)
    MembershipFactory(organisation=shared, user=member)
    OrganisationFactory(name="Just Me", owner=owner)  # alone in it: deleting leaves nobody to strand

    assert privacy.user_deletion_blocker(user_id=owner.pk) == (
        "You are the only owner of Ubuntu Academy: make another member an owner first."
    )
    assert privacy.user_deletion_blocker(user_id=member.pk) is None

    MembershipFactory(organisation=shared, user=UserFactory(), role="owner")
    assert privacy.user_deletion_blocker(user_id=owner.pk) is None
