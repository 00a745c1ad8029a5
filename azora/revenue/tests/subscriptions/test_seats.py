"""Organisation seats on ENTERPRISE (per seat): the buyer holds the first seat, members only, within the count;
a seat gives its holder the plan; more seats are charged for the rest of the period, fewer become credit."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from azora.accounts.models import User
from azora.accounts.tests.factories import OrganisationFactory
from azora.revenue import public as revenue
from azora.revenue.services import subscriptions as services
from azora.revenue.tests.subscriptions.conftest import (
    ENTERPRISE_MONTH_ZAR,
    T0,
    events_of,
    member_of,
    revenue_account_minor,
    save_card,
)
from azora.shared.errors import NotFound, PermissionDenied

pytestmark = pytest.mark.django_db
HALFWAY = dt.datetime(2026, 2, 14, 9, tzinfo=dt.UTC)


@pytest.fixture
def team(customer: User, organisation: Any, card: uuid.UUID) -> revenue.SubscriptionView:
    return revenue.subscription_start(
        user_id=customer.id,
        plan_code="enterprise",
        interval="month",
        currency="ZAR",
        payment_method_id=card,
        organisation_id=organisation.id,
        seats=3,
        now=T0,
    )


def test_an_organisation_pays_per_seat_and_the_buyer_holds_the_first(
    customer: User, team: revenue.SubscriptionView
) -> None:
    assert (team.status, team.seats, team.seats_assigned) == ("active", 3, 1)
    assert team.latest_charge is not None
    assert team.latest_charge.amount.minor == 3 * ENTERPRISE_MONTH_ZAR
    assert revenue_account_minor() == 3 * ENTERPRISE_MONTH_ZAR
    assert revenue.subscription_live_plan_code(user_id=customer.id) == "enterprise"
    assert revenue.subscription_get_for_user(user_id=customer.id) is None  # not a personal subscription


def test_members_take_seats_within_the_count(
    customer: User, organisation: Any, team: revenue.SubscriptionView, snapshot: Callable[[], dict[str, Any]]
) -> None:
    amara = member_of(organisation, email="amara@example.test")
    bongani = member_of(organisation, email="bongani@example.test")
    carla = member_of(organisation, email="carla@example.test")
    outsider = member_of(OrganisationFactory(), email="out@example.test")
    seat = revenue.seat_assign(subscription_id=team.id, actor_id=customer.id, user_id=amara.id)
    assert (seat.user_id, seat.email, seat.assigned_by_id) == (amara.id, "amara@example.test", customer.id)
    assert revenue.seat_assign(subscription_id=team.id, actor_id=customer.id, user_id=amara.id) == seat  # same seat
    revenue.seat_assign(subscription_id=team.id, actor_id=customer.id, user_id=bongani.id)
    assert revenue.subscription_live_plan_code(user_id=amara.id) == "enterprise"
    before = snapshot()
    with pytest.raises(revenue.SeatsExhausted):
        revenue.seat_assign(subscription_id=team.id, actor_id=customer.id, user_id=carla.id)
    with pytest.raises(revenue.NotAnOrganisationMember):
        revenue.seat_assign(subscription_id=team.id, actor_id=customer.id, user_id=outsider.id)
    with pytest.raises(revenue.SubscriptionNotFound):  # a plain member may not hand out seats
        revenue.seat_assign(subscription_id=team.id, actor_id=amara.id, user_id=carla.id)
    with pytest.raises(revenue.SeatsBelowAssigned):
        services.subscription_update(subscription_id=team.id, user_id=customer.id, seats=2, now=HALFWAY)
    assert snapshot() == before
    assert revenue.subscription_live_plan_code(user_id=carla.id) is None
    revenue.seat_unassign(subscription_id=team.id, actor_id=customer.id, user_id=bongani.id)
    assert revenue.subscription_live_plan_code(user_id=bongani.id) is None
    with pytest.raises(revenue.SeatAssignmentNotFound):
        revenue.seat_unassign(subscription_id=team.id, actor_id=customer.id, user_id=bongani.id)
    revenue.seat_assign(subscription_id=team.id, actor_id=customer.id, user_id=carla.id)
    assert [seat.email for seat in revenue.seats_of(subscription_id=team.id, viewer_id=customer.id)] == [
        "naledi@example.test",
        "amara@example.test",
        "carla@example.test",
    ]


def test_more_seats_are_charged_for_the_rest_of_the_period_and_fewer_become_credit(
    customer: User, team: revenue.SubscriptionView
) -> None:
    more = services.subscription_update(subscription_id=team.id, user_id=customer.id, seats=5, now=HALFWAY)
    assert more.seats == 5
    assert more.latest_charge is not None
    # two more seats for half of February: 2 x R299.00 / 2
    assert (more.latest_charge.kind, more.latest_charge.amount.minor) == ("seats", ENTERPRISE_MONTH_ZAR)
    fewer = services.subscription_update(subscription_id=team.id, user_id=customer.id, seats=4, now=HALFWAY)
    assert (fewer.seats, fewer.credit.minor) == (4, 14_950)  # one seat's half month: R149.50
    assert [e["change"] for e in events_of("subscription_changed")] == ["seats", "seats"]
    assert revenue_account_minor() == 3 * ENTERPRISE_MONTH_ZAR + ENTERPRISE_MONTH_ZAR


def test_starting_for_an_organisation_needs_a_billing_role(
    organisation: Any, snapshot: Callable[[], dict[str, Any]]
) -> None:
    member = member_of(organisation, email="member@example.test")
    card = save_card(member)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        revenue.subscription_start(
            user_id=member.id,
            plan_code="enterprise",
            interval="month",
            currency="ZAR",
            payment_method_id=card,
            organisation_id=organisation.id,
            seats=2,
            now=T0,
        )
    with pytest.raises(NotFound):
        revenue.subscription_start(
            user_id=member.id,
            plan_code="enterprise",
            interval="month",
            currency="ZAR",
            payment_method_id=card,
            organisation_id=uuid.UUID(int=99),
            seats=2,
            now=T0,
        )
    assert snapshot() == before


def test_when_the_organisation_subscription_ends_its_seats_are_back_on_free(
    customer: User, organisation: Any, team: revenue.SubscriptionView
) -> None:
    amara = member_of(organisation, email="amara@example.test")
    revenue.seat_assign(subscription_id=team.id, actor_id=customer.id, user_id=amara.id)
    revenue.subscription_cancel(subscription_id=team.id, user_id=customer.id)
    assert revenue.subscription_live_plan_code(user_id=amara.id) == "enterprise"
    services.subscriptions_renew_due(now=team.current_period_end)
    assert revenue.subscription_live_plan_code(user_id=amara.id) is None
    assert revenue.subscription_live_plan_code(user_id=customer.id) is None
    with pytest.raises(revenue.SubscriptionNotChangeable):
        revenue.seat_assign(subscription_id=team.id, actor_id=customer.id, user_id=amara.id)
