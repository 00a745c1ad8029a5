"""The plan page (/pay/subscription/, where the dunning emails point): Free without a subscription, the
subscription's status, price and period end, cancel at period end and reactivate, a change of plan or period (refused
with the reason and nothing changed, or charged to the saved card), and the card the plan renews with."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

import azora.payments.public as payments
from azora.accounts.models import User
from azora.revenue.models import Subscription, SubscriptionCharge
from azora.revenue.tests.pricing.factories import plan_catalogue, subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _catalogue(db: None) -> None:
    plan_catalogue()


@pytest.fixture
def subscription(person: User) -> Subscription:
    return subscribe(person, "pro")


def test_the_plan_page_needs_sign_in(client: Client) -> None:
    assert client.get("/pay/subscription/")["Location"].startswith("/accounts/login/")


def test_a_learner_on_free_is_pointed_to_the_plans(signed_in: Client) -> None:
    html = signed_in.get("/pay/subscription/").content.decode()

    assert '<h2 id="current-heading">You are on Free</h2>' in html
    assert '<a class="button" href="/pricing/">Compare plans</a>' in html
    assert "Cancel the plan" not in html
    assert "style=" not in html


def test_a_subscriber_sees_status_price_and_renewal_date(signed_in: Client, subscription: Subscription) -> None:
    html = signed_in.get("/pay/subscription/").content.decode()

    assert '<h2 id="current-heading">You are on Pro</h2>' in html
    assert "<div><dt>Status</dt><dd>Active</dd></div>" in html
    assert "<dd>R149 a month</dd>" in html
    assert f'<dt>Renews on</dt><dd><time datetime="{subscription.current_period_end.isoformat()}">' in html
    assert f'action="/pay/subscription/{subscription.id}/cancel/"' in html
    assert f'action="/pay/subscription/{subscription.id}/change/"' in html
    assert '<option value="pro" selected>Pro</option>' in html
    assert '<option value="enterprise"' not in html  # per seat: for organisations


def test_cancel_at_period_end_then_reactivate(signed_in: Client, subscription: Subscription) -> None:
    cancelled = signed_in.post(f"/pay/subscription/{subscription.id}/cancel/")

    assert cancelled.status_code == 302
    assert cancelled["Location"] == "/pay/subscription/"
    subscription.refresh_from_db()
    assert (subscription.cancel_at_period_end, subscription.status) == (True, "active")
    html = signed_in.get("/pay/subscription/").content.decode()
    assert "<dt>Ends on</dt>" in html
    assert "Your plan is cancelled: you keep it until" in html
    assert f'action="/pay/subscription/{subscription.id}/reactivate/"' in html

    reactivated = signed_in.post(f"/pay/subscription/{subscription.id}/reactivate/")

    assert reactivated["Location"] == "/pay/subscription/"
    subscription.refresh_from_db()
    assert subscription.cancel_at_period_end is False
    assert "<dt>Renews on</dt>" in signed_in.get("/pay/subscription/").content.decode()


def test_someone_elses_subscription_is_a_404_and_unchanged(
    client: Client, other: User, subscription: Subscription
) -> None:
    client.force_login(other)

    for action in ("cancel", "reactivate", "change"):
        assert (
            client.post(
                f"/pay/subscription/{subscription.id}/{action}/", {"plan": "pro", "interval": "year"}
            ).status_code
            == 404
        )
    assert client.post(f"/pay/subscription/{uuid.uuid4()}/cancel/").status_code == 404
    subscription.refresh_from_db()
    assert (subscription.cancel_at_period_end, subscription.interval) == (False, "month")


def test_a_plan_change_the_form_cannot_read_is_refused_and_nothing_changes(
    signed_in: Client, subscription: Subscription
) -> None:
    response = signed_in.post(f"/pay/subscription/{subscription.id}/change/", {"plan": "gold", "interval": "weekly"})

    assert response.status_code == 422
    html = response.content.decode()
    assert '<a href="#id_plan">Plan: Select a valid choice. gold is not one of the available choices.</a>' in html
    assert '<a href="#id_interval">Billing period: Select a valid choice.' in html
    subscription.refresh_from_db()
    assert (subscription.plan.code, subscription.interval) == ("pro", "month")


def test_a_change_whose_payment_fails_comes_back_with_the_reason_and_the_plan_is_unchanged(
    signed_in: Client, subscription: Subscription
) -> None:
    response = signed_in.post(f"/pay/subscription/{subscription.id}/change/", {"plan": "pro", "interval": "year"})

    assert response.status_code == 422
    assert "<li>The payment for the subscription failed.</li>" in response.content.decode()
    subscription.refresh_from_db()
    assert (subscription.plan.code, subscription.interval, subscription.status) == ("pro", "month", "active")
    assert list(SubscriptionCharge.objects.values_list("status", flat=True)) == ["failed"]  # the attempt, on record


def test_switching_to_annual_with_a_saved_card_charges_the_difference(signed_in: Client, person: User) -> None:
    card = payments.payment_method_save(
        customer_id=person.id,
        payment_method={
            "type": "card",
            "number": "4242424242424242",
            "exp_month": "12",
            "exp_year": "2040",
            "cvc": "123",
        },
    )
    subscription = subscribe(person, "pro", payment_method_id=card.id)

    response = signed_in.post(f"/pay/subscription/{subscription.id}/change/", {"plan": "pro", "interval": "year"})

    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.interval == "year"
    html = signed_in.get("/pay/subscription/").content.decode()
    assert "Your plan was changed." in html
    assert "<dd>R1,499 a year</dd>" in html


CARD = {"method": "new", "number": "4242 4242 4242 4242", "exp_month": "12", "exp_year": "2035", "cvc": "123"}


def test_a_new_card_becomes_the_card_the_plan_renews_with(
    signed_in: Client, person: User, subscription: Subscription
) -> None:
    html = signed_in.get("/pay/subscription/").content.decode()
    assert "No card is set: add one, or the plan ends when the period or trial is over." in html

    response = signed_in.post(f"/pay/subscription/{subscription.id}/card/", CARD)

    assert response.status_code == 302
    [card] = payments.payment_methods_of(customer_id=person.id)
    subscription.refresh_from_db()
    assert subscription.payment_method_id == card.id
    html = signed_in.get("/pay/subscription/").content.decode()
    assert "Your plan renews with this card from now on." in html
    assert "Your plan renews with Visa ••••4242, 12/2035." in html
    assert "4242 4242 4242 4242" not in html


def test_a_card_with_missing_details_is_refused_and_nothing_is_saved(
    signed_in: Client, person: User, subscription: Subscription
) -> None:
    response = signed_in.post(f"/pay/subscription/{subscription.id}/card/", {**CARD, "cvc": ""})

    assert response.status_code == 422
    assert '<a href="#id_cvc">Security code: This field is required.</a>' in response.content.decode()
    assert payments.payment_methods_of(customer_id=person.id) == []
    subscription.refresh_from_db()
    assert subscription.payment_method_id is None


def test_a_card_for_someone_elses_subscription_is_a_404_and_nothing_is_saved(
    client: Client, other: User, subscription: Subscription
) -> None:
    client.force_login(other)

    response = client.post(f"/pay/subscription/{subscription.id}/card/", CARD)

    assert response.status_code == 404
    assert payments.payment_methods_of(customer_id=other.id) == []
    subscription.refresh_from_db()
    assert subscription.payment_method_id is None
