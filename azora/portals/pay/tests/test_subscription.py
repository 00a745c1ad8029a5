"""The learner's plan page: Free without a subscription, the subscription's status, price and period end, cancel
at period end and reactivate, and a change of plan or period refused with the engine's reason (nothing changed)."""

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
def subscription(learner: User) -> Subscription:
    return subscribe(learner, "pro")


def test_the_plan_page_needs_sign_in(client: Client) -> None:
    assert client.get("/my/plan/")["Location"].startswith("/accounts/login/")


def test_a_learner_on_free_is_pointed_to_the_plans(as_learner: Client) -> None:
    html = as_learner.get("/my/plan/").content.decode()

    assert '<h2 id="current-heading">You are on Free</h2>' in html
    assert '<a class="button" href="/pricing/">Compare plans</a>' in html
    assert "Cancel the plan" not in html
    assert "style=" not in html


def test_a_subscriber_sees_status_price_and_renewal_date(as_learner: Client, subscription: Subscription) -> None:
    html = as_learner.get("/my/plan/").content.decode()

    assert '<h2 id="current-heading">You are on Pro</h2>' in html
    assert "<div><dt>Status</dt><dd>Active</dd></div>" in html
    assert "<dd>R149 a month</dd>" in html
    assert f'<dt>Renews on</dt><dd><time datetime="{subscription.current_period_end.isoformat()}">' in html
    assert f'action="/my/plan/{subscription.id}/cancel/"' in html
    assert f'action="/my/plan/{subscription.id}/change/"' in html
    assert '<option value="pro" selected>Pro</option>' in html
    assert '<option value="enterprise"' not in html  # per seat: for organisations


def test_cancel_at_period_end_then_reactivate(as_learner: Client, subscription: Subscription) -> None:
    cancelled = as_learner.post(f"/my/plan/{subscription.id}/cancel/")

    assert cancelled.status_code == 302
    assert cancelled["Location"] == "/my/plan/"
    subscription.refresh_from_db()
    assert (subscription.cancel_at_period_end, subscription.status) == (True, "active")
    html = as_learner.get("/my/plan/").content.decode()
    assert "<dt>Ends on</dt>" in html
    assert "Your plan is cancelled: you keep it until" in html
    assert f'action="/my/plan/{subscription.id}/reactivate/"' in html

    reactivated = as_learner.post(f"/my/plan/{subscription.id}/reactivate/")

    assert reactivated["Location"] == "/my/plan/"
    subscription.refresh_from_db()
    assert subscription.cancel_at_period_end is False
    assert "<dt>Renews on</dt>" in as_learner.get("/my/plan/").content.decode()


def test_someone_elses_subscription_is_a_404_and_unchanged(
    client: Client, stranger: User, subscription: Subscription
) -> None:
    client.force_login(stranger)

    for action in ("cancel", "reactivate", "change"):
        assert (
            client.post(f"/my/plan/{subscription.id}/{action}/", {"plan": "pro", "interval": "year"}).status_code == 404
        )
    assert client.post(f"/my/plan/{uuid.uuid4()}/cancel/").status_code == 404
    subscription.refresh_from_db()
    assert (subscription.cancel_at_period_end, subscription.interval) == (False, "month")


def test_a_plan_change_the_form_cannot_read_is_refused_and_nothing_changes(
    as_learner: Client, subscription: Subscription
) -> None:
    response = as_learner.post(f"/my/plan/{subscription.id}/change/", {"plan": "gold", "interval": "weekly"})

    assert response.status_code == 422
    html = response.content.decode()
    assert '<a href="#id_plan">Plan: Select a valid choice. gold is not one of the available choices.</a>' in html
    assert '<a href="#id_interval">Billing period: Select a valid choice.' in html
    subscription.refresh_from_db()
    assert (subscription.plan.code, subscription.interval) == ("pro", "month")


def test_a_change_whose_payment_fails_comes_back_with_the_reason_and_the_plan_is_unchanged(
    as_learner: Client, subscription: Subscription
) -> None:
    response = as_learner.post(f"/my/plan/{subscription.id}/change/", {"plan": "pro", "interval": "year"})

    assert response.status_code == 422
    assert "<li>The payment for the subscription failed.</li>" in response.content.decode()
    subscription.refresh_from_db()
    assert (subscription.plan.code, subscription.interval, subscription.status) == ("pro", "month", "active")
    assert list(SubscriptionCharge.objects.values_list("status", flat=True)) == ["failed"]  # the attempt, on record


def test_switching_to_annual_with_a_saved_card_charges_the_difference(as_learner: Client, learner: User) -> None:
    card = payments.payment_method_save(
        customer_id=learner.id,
        payment_method={
            "type": "card",
            "number": "4242424242424242",
            "exp_month": "12",
            "exp_year": "2040",
            "cvc": "123",
        },
    )
    subscription = subscribe(learner, "pro", payment_method_id=card.id)

    response = as_learner.post(f"/my/plan/{subscription.id}/change/", {"plan": "pro", "interval": "year"})

    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.interval == "year"
    html = as_learner.get("/my/plan/").content.decode()
    assert "Your plan was changed." in html
    assert "<dd>R1,499 a year</dd>" in html
