"""An organisation's subscription as its billing managers find it (the plan page's organisation sections): the
held one or none; an outsider and a member without a billing role are refused as the seat functions refuse them."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from azora.accounts.models import User
from azora.accounts.tests.factories import OrganisationFactory
from azora.revenue import public as revenue
from azora.revenue.models import Subscription
from azora.revenue.tests.subscriptions.conftest import T0, member_of

pytestmark = pytest.mark.django_db


def start_team(customer: User, organisation: Any, card: uuid.UUID, *, seats: int = 3) -> revenue.SubscriptionView:
    return revenue.subscription_start(
        user_id=customer.id,
        plan_code="enterprise",
        interval="month",
        currency="ZAR",
        payment_method_id=card,
        organisation_id=organisation.id,
        seats=seats,
        now=T0,
    )


def test_an_organisation_without_a_subscription_has_none(customer: User, organisation: Any) -> None:
    assert revenue.subscription_get_for_organisation(organisation_id=organisation.id, viewer_id=customer.id) is None


def test_every_billing_role_sees_the_organisations_subscription(
    customer: User, organisation: Any, card: uuid.UUID
) -> None:
    team = start_team(customer, organisation, card)
    admin = member_of(organisation, email="admin@example.test", role="admin")
    billing = member_of(organisation, email="billing@example.test", role="billing")

    for viewer in (customer, admin, billing):
        found = revenue.subscription_get_for_organisation(organisation_id=organisation.id, viewer_id=viewer.id)
        assert found == team
    assert (team.organisation_id, team.plan_code, team.seats, team.seats_assigned, team.status) == (
        organisation.id,
        "enterprise",
        3,
        1,
        "active",
    )


def test_a_member_without_a_billing_role_is_refused_as_the_seat_functions_refuse(
    customer: User, organisation: Any, card: uuid.UUID
) -> None:
    team = start_team(customer, organisation, card)
    member = member_of(organisation, email="member@example.test")

    with pytest.raises(revenue.SubscriptionNotFound) as refused:
        revenue.subscription_get_for_organisation(organisation_id=organisation.id, viewer_id=member.id)
    with pytest.raises(revenue.SubscriptionNotFound) as seats_refused:
        revenue.seats_of(subscription_id=team.id, viewer_id=member.id)
    assert (refused.value.status, refused.value.code) == (seats_refused.value.status, seats_refused.value.code)
    assert (refused.value.status, refused.value.code) == (404, "subscription_not_found")


def test_someone_outside_the_organisation_finds_nothing_whether_it_subscribes_or_not(
    customer: User, organisation: Any, card: uuid.UUID, stranger: User
) -> None:
    empty = OrganisationFactory()
    with pytest.raises(revenue.SubscriptionNotFound):
        revenue.subscription_get_for_organisation(organisation_id=empty.id, viewer_id=stranger.id)
    start_team(customer, organisation, card)
    with pytest.raises(revenue.SubscriptionNotFound):
        revenue.subscription_get_for_organisation(organisation_id=organisation.id, viewer_id=stranger.id)
    with pytest.raises(revenue.SubscriptionNotFound):  # an organisation that does not exist looks the same
        revenue.subscription_get_for_organisation(organisation_id=uuid.uuid4(), viewer_id=customer.id)


def test_a_past_due_subscription_is_found_and_an_ended_one_is_not(
    customer: User, organisation: Any, card: uuid.UUID
) -> None:
    team = start_team(customer, organisation, card)
    Subscription.objects.filter(pk=team.id).update(status="past_due")
    found = revenue.subscription_get_for_organisation(organisation_id=organisation.id, viewer_id=customer.id)
    assert found is not None
    assert (found.id, found.status) == (team.id, "past_due")

    Subscription.objects.filter(pk=team.id).update(status="canceled")
    assert revenue.subscription_get_for_organisation(organisation_id=organisation.id, viewer_id=customer.id) is None


def test_the_personal_subscription_of_a_manager_is_not_the_organisations(
    customer: User, organisation: Any, card: uuid.UUID
) -> None:
    revenue.subscription_start(
        user_id=customer.id, plan_code="pro", interval="month", currency="ZAR", payment_method_id=card, now=T0
    )
    assert revenue.subscription_get_for_organisation(organisation_id=organisation.id, viewer_id=customer.id) is None


def test_finding_it_takes_four_queries(customer: User, organisation: Any, card: uuid.UUID) -> None:
    start_team(customer, organisation, card)
    with CaptureQueriesContext(connection) as queries:
        revenue.subscription_get_for_organisation(organisation_id=organisation.id, viewer_id=customer.id)
    # the viewer's role, the subscription with its plan, its latest charge, its seats counted
    assert len(queries) == 4
