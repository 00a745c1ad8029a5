"""The admin pages of the Auth Service render, and never show a password, token or key hash."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from azora.accounts.models import User
from azora.accounts.tests.factories import (
    ApiKeyFactory,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator() -> Client:
    user = User.objects.create_superuser(email="root@example.test", password="an-operator-password-1")
    client = Client()
    client.force_login(user)
    return client


def test_every_accounts_admin_page_renders_without_secrets(operator: Client) -> None:
    user = UserFactory()
    organisation = OrganisationFactory(owner=user)
    membership = MembershipFactory(organisation=organisation)
    invitation = InvitationFactory(organisation=organisation)
    api_key = ApiKeyFactory(user=user)
    rows = {
        "user": user,
        "organisation": organisation,
        "membership": membership,
        "invitation": invitation,
        "apikey": api_key,
        "platformrolegrant": user.platform_roles.get(),
    }
    secrets = [invitation.token, invitation.token_hash, api_key.key, api_key.secret_hash, user.password]

    for model, row in rows.items():
        for url in (
            reverse(f"admin:accounts_{model}_changelist"),
            reverse(f"admin:accounts_{model}_change", args=[row.pk]),
        ):
            response = operator.get(url)
            assert response.status_code == 200, url
            content = response.content.decode()
            assert all(secret not in content for secret in secrets), url


def test_invitations_and_keys_cannot_be_added_in_the_admin(operator: Client) -> None:
    assert operator.get(reverse("admin:accounts_invitation_add")).status_code == 403
    assert operator.get(reverse("admin:accounts_apikey_add")).status_code == 403
