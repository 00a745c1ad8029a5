"""The public pricing page: plans in rank order with their limits, monthly or annual (a link, no script needed),
prices for the visitor's country when known, the current plan marked, and a way to buy each paid plan."""

from __future__ import annotations

import pytest
from django.test import Client

from azora.accounts.models import User
from azora.portals.shell.tests.helpers import HTMX, is_fragment
from azora.revenue.tests.pricing.factories import CountryPriceFactory, plan_catalogue, subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _catalogue(db: None) -> None:
    plan_catalogue()


def _plans(html: str) -> str:
    return html.split('<ul class="plan-grid">')[1].split('<form method="get"')[0]


def test_a_visitor_sees_every_plan_monthly_in_rand(client: Client) -> None:
    response = client.get("/pricing/")

    assert response.status_code == 200
    html = response.content.decode()
    plans = _plans(html)
    assert plans.index(">Free</h2>") < plans.index(">Pro</h2>") < plans.index(">Enterprise</h2>")
    assert '<strong class="price-amount">R149</strong>\n              <span>a month</span>' in plans
    assert '<strong class="price-amount">R299</strong>\n              <span>per seat a month</span>' in plans
    assert '<strong class="price-amount">R0</strong> <span>free for ever</span>' in plans
    assert "Also: $8.99" in plans
    assert '<p class="student-price">Verified students pay R74.50.</p>' in plans
    assert plans.count('class="student-price"') == 1  # PRO only
    assert "<li>5 new courses a month</li>" in plans
    assert "<li>Unlimited new courses a month</li>" in plans
    assert "<li>Earn up to 500.00 AZR a month</li>" in plans
    assert "<li>Sell your courses and keep 70%</li>" in plans
    assert '<span class="feature-no">✗ Selling courses</span>' in plans
    assert 'href="/accounts/login/?next=/pay/buy/plan/pro/%3Finterval%3Dmonth"' in plans
    assert 'href="/pricing/?interval=year"' in html
    assert '<a href="/pricing/?interval=month" hx-get="/pricing/?interval=month"' in html
    assert 'aria-current="true">Monthly</a>' in html
    assert "style=" not in html


def test_the_annual_link_shows_annual_prices(client: Client) -> None:
    plans = _plans(client.get("/pricing/?interval=year").content.decode())

    assert '<strong class="price-amount">R1,499</strong>\n              <span>a year</span>' in plans
    assert "Also: $89.99" in plans


def test_the_toggle_under_htmx_redraws_the_plans_only(client: Client) -> None:
    response = client.get("/pricing/?interval=year", headers=HTMX)

    assert response.status_code == 200
    assert is_fragment(response.content)
    assert response.content.decode().lstrip().startswith('<div id="plans">')


def test_an_unknown_interval_falls_back_to_monthly(client: Client) -> None:
    html = client.get("/pricing/?interval=weekly").content.decode()

    assert 'aria-current="true">Monthly</a>' in html


def test_a_signed_in_learner_sees_their_countrys_prices_and_can_choose_a_plan(client: Client, learner: User) -> None:
    CountryPriceFactory(country="KE", currency="KES", amount_minor=99_900)
    learner.country = "KE"
    learner.save(update_fields=["country"])
    client.force_login(learner)

    html = client.get("/pricing/").content.decode()

    assert "Prices for KE." in html
    assert '<strong class="price-amount">999 KES</strong>' in _plans(html)
    assert '<span class="badge badge-free">✓ Your plan</span>' in _plans(html).split(">Pro</h2>")[0]
    assert 'href="/pay/buy/plan/pro/?interval=month&amp;currency=KES"' in html
    assert "Start with a 14-day trial" in html


def test_a_visitor_can_choose_a_country(client: Client) -> None:
    html = client.get("/pricing/?country=us").content.decode()

    assert "Prices for US." in html
    assert '<strong class="price-amount">$8.99</strong>' in _plans(html)


def test_a_country_code_that_is_not_one_is_refused_and_base_prices_are_shown(client: Client) -> None:
    response = client.get("/pricing/?country=1")

    assert response.status_code == 422
    html = response.content.decode()
    assert '<p class="form-errors" role="alert">' in html
    assert '<strong class="price-amount">R149</strong>' in _plans(html)


def test_a_subscriber_sees_their_plan_marked_with_a_link_to_manage_it(client: Client, learner: User) -> None:
    subscribe(learner, "pro")
    client.force_login(learner)

    pro = _plans(client.get("/pricing/").content.decode()).split(">Pro</h2>")[1].split("</li>\n        \n")[0]

    assert '<span class="badge badge-free">✓ Your plan</span>' in pro
    assert '<a class="button button-secondary" href="/pay/subscription/">Manage your plan</a>' in pro
