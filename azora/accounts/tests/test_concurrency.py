"""Rules that must hold when two requests race, on PostgreSQL's row locks."""

from __future__ import annotations

import pytest

from azora.accounts import public
from azora.accounts.models import Membership
from azora.accounts.tests.conftest import as_user
from azora.accounts.tests.factories import InvitationFactory, MembershipFactory, OrganisationFactory, UserFactory
from azora.shared.testing.concurrency import race_errors

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_owners_demoting_each_other_at_once_leave_one_owner() -> None:
    first, second = UserFactory(), UserFactory()
    organisation = OrganisationFactory(owner=first)
    second_membership = MembershipFactory(organisation=organisation, user=second, role="owner")
    first_membership = Membership.objects.get(organisation=organisation, user=first)

    outcomes = race_errors(
        lambda: public.membership_update(
            principal=as_user(first), organisation_id=organisation.id,
            membership_id=second_membership.id, role="member",
        ),
        lambda: public.membership_update(
            principal=as_user(second), organisation_id=organisation.id,
            membership_id=first_membership.id, role="member",
        ),
    )  # fmt: skip

    # One demotion wins; the other is refused, either as the last owner's demotion or because its
    # actor is no longer an owner, depending on which statement the winner's commit came before.
    outcome_names = sorted(type(outcome).__name__ for outcome in outcomes)
    assert outcome_names in (["LastOwner", "NoneType"], ["NoneType", "OrganisationRoleRequired"])
    assert Membership.objects.filter(organisation=organisation, role="owner").count() == 1


def test_an_invitation_accepted_twice_at_once_makes_one_membership() -> None:
    organisation = OrganisationFactory()
    user = UserFactory(email="invitee@example.test")
    invitation = InvitationFactory(organisation=organisation, email=user.email)

    outcomes = race_errors(
        lambda: public.invitation_accept(user_id=user.id, token=invitation.token),
        lambda: public.invitation_accept(user_id=user.id, token=invitation.token),
    )

    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["InvitationAlreadyUsed", "NoneType"]
    assert Membership.objects.filter(organisation=organisation, user=user).count() == 1
