"""Rules that must hold when two requests race, on PostgreSQL's row locks."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connections

from azora.accounts import public
from azora.accounts.models import Membership
from azora.accounts.tests.conftest import as_user
from azora.accounts.tests.factories import InvitationFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(*calls: Callable[[], object]) -> list[BaseException | None]:
    """Run each call in its own thread (and database connection), released together; their outcomes in order."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[BaseException | None] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            call()
        except BaseException as error:  # the test inspects every outcome
            outcomes[index] = error
        finally:
            connections.close_all()  # this thread's connections, or the test database cannot be dropped

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_owners_demoting_each_other_at_once_leave_one_owner() -> None:
    first, second = UserFactory(), UserFactory()
    organisation = OrganisationFactory(owner=first)
    second_membership = MembershipFactory(organisation=organisation, user=second, role="owner")
    first_membership = Membership.objects.get(organisation=organisation, user=first)

    outcomes = _race(
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

    outcomes = _race(
        lambda: public.invitation_accept(user_id=user.id, token=invitation.token),
        lambda: public.invitation_accept(user_id=user.id, token=invitation.token),
    )

    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["InvitationAlreadyUsed", "NoneType"]
    assert Membership.objects.filter(organisation=organisation, user=user).count() == 1
