"""The organisation sections of the plan page (/pay/subscription/): a billing manager sees each organisation's
subscription and its seat holders, gives a seat to a member who holds none, takes one back and changes the number
of seats (prorated; fewer than assigned is refused beside the field, nothing changed). A member without a billing
role and an outsider see no section, and their POSTs are refused as the revenue engine refuses them (404)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import azora.payments.public as payments
import azora.revenue.public as revenue
from azora.accounts.models import User
from azora.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from azora.portals.pay.tests.conftest import card
from azora.revenue.models import SeatAssignment, Subscription, SubscriptionCharge
from azora.revenue.tests.pricing.factories import plan_catalogue, subscribe
from azora.revenue.tests.subscriptions.conftest import ENTERPRISE_MONTH_ZAR, subscriptions_snapshot

pytestmark = pytest.mark.django_db

SECTION_QUERIES = 10  # one organisation's section, however many seats and members it has


@pytest.fixture(autouse=True)
def _catalogue(db: None) -> None:
    plan_catalogue()


@pytest.fixture
def organisation(person: User) -> Any:
    return OrganisationFactory(owner=person, name="Ubuntu Academy", slug="ubuntu-academy")


def member(organisation: Any, email: str, name: str, role: str = "member") -> User:
    user: User = UserFactory(email=email, display_name=name)
    MembershipFactory(organisation=organisation, user=user, role=role)
    return user


@pytest.fixture
def amara(organisation: Any) -> User:
    return member(organisation, "amara@example.test", "Amara")


@pytest.fixture
def bongani(organisation: Any) -> User:
    return member(organisation, "bongani@example.test", "Bongani")


@pytest.fixture
def team(person: User, organisation: Any) -> revenue.SubscriptionView:
    """ENTERPRISE for the organisation, 3 seats, paid by the person's saved card; the person holds the first seat."""
    method = payments.payment_method_save(customer_id=person.id, payment_method=card())
    return revenue.subscription_start(
        user_id=person.id,
        plan_code="enterprise",
        interval="month",
        currency="ZAR",
        payment_method_id=method.id,
        organisation_id=organisation.id,
        seats=3,
    )


def seat_holders(team: revenue.SubscriptionView) -> list[uuid.UUID]:
    return list(SeatAssignment.objects.filter(subscription_id=team.id).order_by("id").values_list("user_id", flat=True))


def test_a_manager_sees_the_organisations_subscription_and_its_seats(
    signed_in: Client, person: User, amara: User, bongani: User, team: revenue.SubscriptionView
) -> None:
    html = signed_in.get("/pay/subscription/").content.decode()

    assert '<h2 id="current-heading">You are on Enterprise</h2>' in html  # the seat gives the person the plan
    organisation_id = team.organisation_id
    assert f'<h2 id="org-{organisation_id}-heading">Seats of Ubuntu Academy</h2>' in html
    assert "<div><dt>Plan</dt><dd>Enterprise</dd></div>" in html
    assert "<div><dt>Seats used</dt><dd>1 of 3 seats</dd></div>" in html
    assert f"<dd>R{3 * ENTERPRISE_MONTH_ZAR // 100} a month</dd>" in html
    assert f'<dt>Renews on</dt><dd><time datetime="{team.current_period_end.isoformat()}">' in html
    assert "<span>Lindiwe (lindiwe@example.test)</span>" in html
    assert f'action="/pay/subscription/{team.id}/seats/{person.id}/remove/"' in html
    assert f'action="/pay/subscription/{team.id}/seats/"' in html
    assert f'<option value="{amara.id}">Amara (amara@example.test)</option>' in html
    assert f'<option value="{bongani.id}">Bongani (bongani@example.test)</option>' in html
    assert f'<option value="{person.id}"' not in html  # holds a seat already
    assert f'<label for="id_assign-{team.id}-user">Member:</label>' in html
    assert f'action="/pay/subscription/{team.id}/seat-count/"' in html
    assert f'name="seats-{team.id}-seats" value="3"' in html
    assert f'aria-describedby="id_seats-{team.id}-seats_helptext"' in html
    assert "style=" not in html


def test_an_organisation_without_a_subscription_says_so(signed_in: Client, organisation: Any) -> None:
    html = signed_in.get("/pay/subscription/").content.decode()

    assert f'<h2 id="org-{organisation.id}-heading">Seats of Ubuntu Academy</h2>' in html
    assert "The organisation has no subscription: its members are on their own plans." in html


def _start(organisation: Any, **fields: str) -> dict[str, str]:
    prefix = f"start-{organisation.id}"
    data = {"plan": "enterprise", "seats": "3", "interval": "month", "currency": "ZAR", "method": "new"}
    data |= {"number": "4242424242424242", "exp_month": "12", "exp_year": "2035", "cvc": "123"}
    return {f"{prefix}-{name}": value for name, value in (data | fields).items()}


def test_a_manager_starts_enterprise_for_the_organisation_from_the_plan_page(
    signed_in: Client, person: User, organisation: Any
) -> None:
    html = signed_in.get("/pay/subscription/").content.decode()
    assert f'action="/pay/subscription/organisations/{organisation.id}/start/"' in html
    assert f'name="start-{organisation.id}-seats"' in html

    response = signed_in.post(f"/pay/subscription/organisations/{organisation.id}/start/", _start(organisation))

    assert response.status_code == 302
    started = Subscription.objects.get(organisation_id=organisation.id)
    assert (started.plan.code, started.seats, started.status, started.user_id) == ("enterprise", 3, "active", person.id)
    charge = SubscriptionCharge.objects.get(subscription=started)
    assert (charge.amount_minor, charge.status) == (3 * ENTERPRISE_MONTH_ZAR, "paid")
    html = signed_in.get("/pay/subscription/").content.decode()
    assert "<div><dt>Seats used</dt><dd>1 of 3 seats</dd></div>" in html  # the person who started it holds one
    assert list(SeatAssignment.objects.filter(subscription=started).values_list("user_id", flat=True)) == [person.id]
    assert f"/pay/subscription/organisations/{organisation.id}/start/" not in html


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"seats": "0"}, "seats"), ({"seats": "many"}, "seats"), ({"currency": "XYZ"}, "currency")],
)
def test_a_start_the_engine_or_the_form_refuses_changes_nothing(
    signed_in: Client, organisation: Any, fields: dict[str, str], field: str | None
) -> None:
    before = subscriptions_snapshot()

    response = signed_in.post(
        f"/pay/subscription/organisations/{organisation.id}/start/", _start(organisation, **fields)
    )

    assert response.status_code == 422
    assert Subscription.objects.filter(organisation_id=organisation.id).count() == 0
    assert subscriptions_snapshot() == before
    assert f'aria-describedby="id_start-{organisation.id}-{field}_error' in response.content.decode()


def test_a_declined_first_charge_starts_nothing_and_offers_the_form_again(
    signed_in: Client, person: User, organisation: Any
) -> None:
    response = signed_in.post(
        f"/pay/subscription/organisations/{organisation.id}/start/", _start(organisation, number="4000000000000002")
    )

    assert response.status_code == 422
    assert not revenue.subscription_get_for_organisation(organisation_id=organisation.id, viewer_id=person.id)
    assert list(SubscriptionCharge.objects.values_list("status", flat=True)) == ["failed"]
    assert f'action="/pay/subscription/organisations/{organisation.id}/start/"' in response.content.decode()


def test_a_member_without_a_billing_role_cannot_start_a_plan_for_the_organisation(
    client: Client, organisation: Any
) -> None:
    client.force_login(member(organisation, "plain@example.test", "Plain"))
    before = subscriptions_snapshot()

    response = client.post(f"/pay/subscription/organisations/{organisation.id}/start/", _start(organisation))

    assert response.status_code == 404
    assert subscriptions_snapshot() == before


def test_a_manager_gives_a_member_a_seat(
    signed_in: Client, person: User, amara: User, team: revenue.SubscriptionView
) -> None:
    response = signed_in.post(f"/pay/subscription/{team.id}/seats/", {f"assign-{team.id}-user": str(amara.id)})

    assert response.status_code == 302
    assert response["Location"] == "/pay/subscription/"
    assert seat_holders(team) == [person.id, amara.id]
    assert revenue.subscription_live_plan_code(user_id=amara.id) == "enterprise"
    html = signed_in.get("/pay/subscription/").content.decode()
    assert "Amara now holds a seat." in html
    assert "<div><dt>Seats used</dt><dd>2 of 3 seats</dd></div>" in html
    assert "<span>Amara (amara@example.test)</span>" in html
    assert f'<option value="{amara.id}"' not in html


def test_someone_who_is_not_a_member_cannot_be_given_a_seat_and_nothing_changes(
    signed_in: Client, team: revenue.SubscriptionView, other: User
) -> None:
    before = subscriptions_snapshot()

    response = signed_in.post(f"/pay/subscription/{team.id}/seats/", {f"assign-{team.id}-user": str(other.id)})

    assert response.status_code == 422
    html = response.content.decode()
    assert f'<a href="#id_assign-{team.id}-user">Member: Select a valid choice.' in html
    assert f'aria-describedby="id_assign-{team.id}-user_error"' in html
    assert subscriptions_snapshot() == before


def test_every_seat_taken_is_said_and_another_assignment_is_refused_with_nothing_changed(
    signed_in: Client, person: User, organisation: Any, amara: User, bongani: User, team: revenue.SubscriptionView
) -> None:
    carla = member(organisation, "carla@example.test", "Carla")
    for user in (amara, bongani):
        revenue.seat_assign(subscription_id=team.id, actor_id=person.id, user_id=user.id)
    html = signed_in.get("/pay/subscription/").content.decode()
    assert "Every seat is taken: add seats below, or take one back first." in html
    assert f'action="/pay/subscription/{team.id}/seats/"' not in html
    before = subscriptions_snapshot()

    response = signed_in.post(f"/pay/subscription/{team.id}/seats/", {f"assign-{team.id}-user": str(carla.id)})

    assert response.status_code == 409
    assert "<li>Every seat of the subscription is assigned; add seats first.</li>" in response.content.decode()
    assert subscriptions_snapshot() == before


def test_a_manager_takes_a_seat_back(
    signed_in: Client, person: User, amara: User, team: revenue.SubscriptionView
) -> None:
    revenue.seat_assign(subscription_id=team.id, actor_id=person.id, user_id=amara.id)

    response = signed_in.post(f"/pay/subscription/{team.id}/seats/{amara.id}/remove/")

    assert response.status_code == 302
    assert response["Location"] == "/pay/subscription/"
    assert seat_holders(team) == [person.id]
    assert revenue.subscription_live_plan_code(user_id=amara.id) is None
    assert Subscription.objects.get(pk=team.id).seats == 3  # the seat stays paid for
    html = signed_in.get("/pay/subscription/").content.decode()
    assert "The seat is free again; you can give it to another member." in html
    assert f'<option value="{amara.id}">Amara (amara@example.test)</option>' in html


def test_taking_back_a_seat_nobody_holds_is_a_404(
    signed_in: Client, amara: User, team: revenue.SubscriptionView
) -> None:
    before = subscriptions_snapshot()

    assert signed_in.post(f"/pay/subscription/{team.id}/seats/{amara.id}/remove/").status_code == 404
    assert subscriptions_snapshot() == before


def test_more_seats_are_charged_for_the_rest_of_the_period(signed_in: Client, team: revenue.SubscriptionView) -> None:
    response = signed_in.post(f"/pay/subscription/{team.id}/seat-count/", {f"seats-{team.id}-seats": "5"})

    assert response.status_code == 302
    assert response["Location"] == "/pay/subscription/"
    assert Subscription.objects.get(pk=team.id).seats == 5
    charge = SubscriptionCharge.objects.filter(subscription_id=team.id).order_by("-created_at").first()
    assert charge is not None
    assert (charge.kind, charge.status) == ("seats", "paid")
    assert 0 < charge.amount_minor <= 2 * ENTERPRISE_MONTH_ZAR  # prorated: two seats, at most a whole period
    html = signed_in.get("/pay/subscription/").content.decode()
    assert "The organisation now pays for 5 seats." in html
    assert "<div><dt>Seats used</dt><dd>1 of 5 seats</dd></div>" in html


def test_fewer_seats_than_assigned_is_refused_beside_the_field_and_nothing_changes(
    signed_in: Client, person: User, amara: User, bongani: User, team: revenue.SubscriptionView
) -> None:
    for user in (amara, bongani):
        revenue.seat_assign(subscription_id=team.id, actor_id=person.id, user_id=user.id)
    before = subscriptions_snapshot()

    response = signed_in.post(f"/pay/subscription/{team.id}/seat-count/", {f"seats-{team.id}-seats": "2"})

    assert response.status_code == 409
    html = response.content.decode()
    message = "3 seats are assigned: take some back before paying for fewer."
    assert f'<a href="#id_seats-{team.id}-seats">Number of seats: {message}</a>' in html
    assert f'<ul class="errorlist" id="id_seats-{team.id}-seats_error"><li>{message}</li></ul>' in html
    assert f'aria-describedby="id_seats-{team.id}-seats_helptext id_seats-{team.id}-seats_error"' in html
    assert subscriptions_snapshot() == before


def test_a_seat_count_the_form_cannot_read_is_refused_and_nothing_changes(
    signed_in: Client, team: revenue.SubscriptionView
) -> None:
    before = subscriptions_snapshot()

    response = signed_in.post(f"/pay/subscription/{team.id}/seat-count/", {f"seats-{team.id}-seats": "0"})

    assert response.status_code == 422
    assert (
        f'<a href="#id_seats-{team.id}-seats">Number of seats: Ensure this value is greater than or equal to 1.</a>'
        in response.content.decode()
    )
    assert subscriptions_snapshot() == before


@pytest.mark.parametrize("role", ["member", None])
def test_a_member_without_a_billing_role_or_an_outsider_sees_no_section_and_is_refused(
    client: Client, organisation: Any, amara: User, bongani: User, team: revenue.SubscriptionView, role: str | None
) -> None:
    viewer = member(organisation, "plain@example.test", "Plain", role) if role else UserFactory()
    client.force_login(viewer)
    html = client.get("/pay/subscription/").content.decode()
    assert "Seats of Ubuntu Academy" not in html
    assert f"/pay/subscription/{team.id}/" not in html
    before = subscriptions_snapshot()

    posts = [
        (f"/pay/subscription/{team.id}/seats/", {f"assign-{team.id}-user": str(bongani.id)}),
        (f"/pay/subscription/{team.id}/seats/{team.user_id}/remove/", {}),
        (f"/pay/subscription/{team.id}/seat-count/", {f"seats-{team.id}-seats": "9"}),
    ]
    assert [client.post(path, data).status_code for path, data in posts] == [404, 404, 404]
    assert subscriptions_snapshot() == before


def test_a_personal_subscription_has_no_seats_to_manage(signed_in: Client, person: User) -> None:
    personal = subscribe(person, "pro")
    before = subscriptions_snapshot()

    assert signed_in.post(f"/pay/subscription/{personal.id}/seat-count/", {"seats": "2"}).status_code == 404
    assert signed_in.post(f"/pay/subscription/{personal.id}/seats/{person.id}/remove/").status_code == 404
    assert subscriptions_snapshot() == before


def _page_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/pay/subscription/").status_code == 200
    return len(captured.captured_queries)


def test_the_organisation_section_costs_the_same_queries_with_many_seats_as_with_one(
    signed_in: Client, person: User, organisation: Any, team: revenue.SubscriptionView
) -> None:
    signed_in.get("/pay/subscription/")
    with_one = _page_queries(signed_in)
    revenue.subscription_update(subscription_id=team.id, user_id=person.id, seats=12)
    for number in range(10):
        user = member(organisation, f"m{number}@example.test", f"Member {number}")
        revenue.seat_assign(subscription_id=team.id, actor_id=person.id, user_id=user.id)
    for number in range(5):
        member(organisation, f"free{number}@example.test", f"Free {number}")

    with_many = _page_queries(signed_in)

    assert with_many == with_one
    # another organisation the person manages costs a fixed share: its role and subscription query without one, and
    # once for all organisations without one the per-seat plans (plans, prices) and saved cards for the start form...
    second = OrganisationFactory(owner=person, name="Zulu College", slug="zulu-college")
    with_second = _page_queries(signed_in)
    assert with_second - with_many == 2 + 3
    third = OrganisationFactory(owner=person, name="Xhosa School", slug="xhosa-school")
    assert _page_queries(signed_in) - with_second == 2
    third.delete()
    revenue.subscription_start(
        user_id=person.id,
        plan_code="enterprise",
        interval="month",
        currency="ZAR",
        payment_method_id=team.payment_method_id,
        organisation_id=second.id,
        seats=2,
    )
    # ...and with one: its role, subscription, latest charge and seats counted (the view), its seat holders (the
    # subscription, the role again, the seats, their people from accounts) and its members (the role, the list)
    assert _page_queries(signed_in) - with_many == SECTION_QUERIES
