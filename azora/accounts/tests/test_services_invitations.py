"""Invitations by email: one-time hashed tokens, the invitation email, and accepting."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.mail import EmailMessage
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

from azora.accounts import public
from azora.accounts.errors import (
    AlreadyMember,
    InvitationAlreadyUsed,
    InvitationEmailMismatch,
    InvitationExpired,
    InvitationInvalid,
    InvitationNotFound,
    InvitationRevoked,
    OrganisationRoleRequired,
)
from azora.accounts.models import Invitation, Membership, Organisation, User
from azora.accounts.tests.conftest import published
from azora.accounts.tests.factories import InvitationFactory, UserFactory
from azora.shared.errors import NotFound

pytestmark = pytest.mark.django_db


@override_settings(AZORA_SITE_URL="https://azora.example")
def test_invitation_create_stores_only_a_hash_and_emails_the_link_after_commit(
    owner: User,
    organisation: Organisation,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
    mailoutbox: list[EmailMessage],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        created = public.invitation_create(
            actor_user_id=owner.id, organisation_id=organisation.id, email="New.Person@Example.test", role="instructor"
        )

    invitation = Invitation.objects.get()
    assert invitation.token_hash == hashlib.sha256(created.token.encode()).hexdigest()
    assert created.token not in invitation.token_hash
    assert (invitation.email, invitation.role, invitation.invited_by_id) == (
        "New.Person@Example.test",
        "instructor",
        owner.id,
    )
    assert invitation.expires_at == created.expires_at
    assert timedelta(days=7) - timedelta(minutes=1) < invitation.expires_at - timezone.now() <= timedelta(days=7)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["New.Person@Example.test"]
    assert "Ubuntu Academy" in message.subject
    assert f"https://azora.example/organisations/invitations/{created.token}/" in message.body
    assert "Olu Owner" in message.body


def test_invitation_email_is_not_sent_when_the_transaction_rolls_back(
    owner: User, organisation: Organisation, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    def invite_then_fail() -> None:
        with transaction.atomic():
            public.invitation_create(
                actor_user_id=owner.id, organisation_id=organisation.id, email="a@example.test", role="member"
            )
            raise RuntimeError("roll back")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        invite_then_fail()

    assert callbacks == []
    assert mail.outbox == []
    assert Invitation.objects.count() == 0


def test_a_new_invitation_withdraws_the_pending_one(owner: User, organisation: Organisation) -> None:
    first = public.invitation_create(
        actor_user_id=owner.id, organisation_id=organisation.id, email="a@example.test", role="member"
    )
    public.invitation_create(
        actor_user_id=owner.id, organisation_id=organisation.id, email="A@example.test", role="admin"
    )
    user = UserFactory(email="a@example.test")

    with pytest.raises(InvitationRevoked):
        public.invitation_accept(user_id=user.id, token=first.token)


@pytest.mark.parametrize(
    ("email", "role", "field"), [("not-an-email", "member", "email"), ("a@example.test", "emperor", "role")]
)
def test_invitation_create_rejects_bad_input(
    owner: User, organisation: Organisation, email: str, role: str, field: str, mailoutbox: list[EmailMessage]
) -> None:
    with pytest.raises(InvitationInvalid) as caught:
        public.invitation_create(actor_user_id=owner.id, organisation_id=organisation.id, email=email, role=role)

    assert caught.value.extra["errors"][0]["field"] == field
    assert Invitation.objects.count() == 0
    assert mailoutbox == []


def test_only_owners_and_admins_invite_and_only_owners_invite_owners(
    admin_user: User, member: User, outsider: User, organisation: Organisation
) -> None:
    with pytest.raises(OrganisationRoleRequired):
        public.invitation_create(
            actor_user_id=member.id, organisation_id=organisation.id, email="x@example.test", role="member"
        )
    with pytest.raises(NotFound):
        public.invitation_create(
            actor_user_id=outsider.id, organisation_id=organisation.id, email="x@example.test", role="member"
        )
    with pytest.raises(OrganisationRoleRequired):
        public.invitation_create(
            actor_user_id=admin_user.id, organisation_id=organisation.id, email="x@example.test", role="owner"
        )
    assert Invitation.objects.count() == 0

    public.invitation_create(
        actor_user_id=admin_user.id, organisation_id=organisation.id, email="x@example.test", role="admin"
    )
    assert Invitation.objects.count() == 1


def test_inviting_a_member_is_a_conflict(owner: User, member: User, organisation: Organisation) -> None:
    with pytest.raises(AlreadyMember):
        public.invitation_create(
            actor_user_id=owner.id, organisation_id=organisation.id, email=member.email.upper(), role="member"
        )
    assert Invitation.objects.count() == 0


def test_invitation_accept_creates_the_membership_and_publishes_member_joined(organisation: Organisation) -> None:
    invitation = InvitationFactory(organisation=organisation, email="Invitee@Example.test", role="instructor")
    user = UserFactory(email="invitee@example.test")

    summary = public.invitation_accept(user_id=user.id, token=invitation.token)

    membership = Membership.objects.get(organisation=organisation, user=user)
    assert summary == public.MembershipSummary(
        id=membership.id,
        organisation_id=organisation.id,
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        role="instructor",
        created_at=membership.created_at,
    )
    invitation.refresh_from_db()
    assert invitation.accepted_by_id == user.id
    assert invitation.accepted_at is not None
    assert published("accounts.member_joined")[-1] == {
        "organisation_id": str(organisation.id),
        "user_id": str(user.id),
        "membership_id": str(membership.id),
        "role": "instructor",
    }


def test_invitation_accept_with_a_verified_secondary_address(organisation: Organisation) -> None:
    invitation = InvitationFactory(organisation=organisation, email="work@example.test")
    user = UserFactory(email="home@example.test")
    EmailAddress.objects.create(user=user, email="WORK@example.test", verified=True, primary=False)

    assert public.invitation_accept(user_id=user.id, token=invitation.token).user_id == user.id


def test_invitation_accept_refuses_an_unverified_secondary_address(organisation: Organisation) -> None:
    invitation = InvitationFactory(organisation=organisation, email="work@example.test")
    user = UserFactory(email="home@example.test")
    EmailAddress.objects.create(user=user, email="work@example.test", verified=False, primary=False)

    with pytest.raises(InvitationEmailMismatch):
        public.invitation_accept(user_id=user.id, token=invitation.token)

    assert not Membership.objects.filter(user=user).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


@pytest.mark.parametrize(
    ("state", "error"),
    [
        ({"expires_at": timezone.now() - timedelta(seconds=1)}, InvitationExpired),
        ({"revoked_at": timezone.now()}, InvitationRevoked),
        ({"accepted_at": timezone.now()}, InvitationAlreadyUsed),
    ],
)
def test_invitation_accept_refuses_expired_revoked_and_used_invitations(
    organisation: Organisation, state: dict[str, object], error: type[Exception]
) -> None:
    invitation = InvitationFactory(organisation=organisation, email="invitee@example.test", **state)
    user = UserFactory(email="invitee@example.test")
    members_before = Membership.objects.count()

    with pytest.raises(error):
        public.invitation_accept(user_id=user.id, token=invitation.token)

    assert Membership.objects.count() == members_before
    assert published("accounts.member_joined") == []


@pytest.mark.parametrize("token", ["", "nope", "x" * 500])
def test_invitation_accept_with_an_unknown_token_is_not_found(organisation: Organisation, token: str) -> None:
    InvitationFactory(organisation=organisation, email="invitee@example.test")
    user = UserFactory(email="invitee@example.test")

    with pytest.raises(InvitationNotFound):
        public.invitation_accept(user_id=user.id, token=token)
    assert not Membership.objects.filter(user=user).exists()


def test_an_invitation_works_once(organisation: Organisation) -> None:
    invitation = InvitationFactory(organisation=organisation, email="invitee@example.test")
    user = UserFactory(email="invitee@example.test")
    public.invitation_accept(user_id=user.id, token=invitation.token)

    with pytest.raises(InvitationAlreadyUsed):
        public.invitation_accept(user_id=user.id, token=invitation.token)
    assert Membership.objects.filter(user=user).count() == 1


def test_accepting_when_already_a_member_is_a_conflict(member: User, organisation: Organisation) -> None:
    invitation = InvitationFactory(organisation=organisation, email=member.email, role="admin")

    with pytest.raises(AlreadyMember):
        public.invitation_accept(user_id=member.id, token=invitation.token)
    assert Membership.objects.get(user=member, organisation=organisation).role == "member"


def test_a_failing_mail_server_does_not_undo_or_fail_the_invitation(
    owner: User,
    organisation: Organisation,
    settings: Settings,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Port 1 on loopback refuses connections at once: a mail server that is down.
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 1, "timeout": 2},
        }
    }

    with django_capture_on_commit_callbacks(execute=True):
        created = public.invitation_create(
            actor_user_id=owner.id, organisation_id=organisation.id, email="a@example.test", role="member"
        )

    assert Invitation.objects.get().id == created.id
    assert any("on_commit" in record.getMessage() for record in caplog.records)
