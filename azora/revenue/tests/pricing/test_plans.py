"""The plan catalogue: its data migration, prices per currency and country, and `GET /api/v1/plans`."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client, override_settings

from azora.accounts.tests.factories import UserFactory
from azora.revenue.models import Plan, PlanPrice
from azora.revenue.public import pricing
from azora.revenue.selectors.pricing import free_plan_fallback
from azora.revenue.tests.pricing.factories import CountryPriceFactory, plan_catalogue, subscribe
from azora.shared.money import Money

pytestmark = pytest.mark.django_db
migration = importlib.import_module("azora.revenue.migrations.0002_plan_catalogue")


def amount(minor: int, currency: str) -> dict[str, Any]:
    return {"amount": f"{minor // 100}.{minor % 100:02d}", "currency": currency, "minor": minor}


# --- The data migration ---


def test_the_data_migration_seeds_the_catalogue_with_the_issues_limits_and_prices() -> None:
    Plan.objects.all().delete()

    migration.seed_plan_catalogue(apps)

    rows = {
        plan.code: (
            plan.rank,
            plan.is_per_seat,
            plan.enrolments_per_month,
            plan.elara_questions_per_month,
            plan.azr_earn_per_month_minor,
            plan.may_sell,
            plan.instructor_share_bp,
            plan.certificates,
            plan.offline_access,
        )
        for plan in Plan.objects.all()
    }
    assert rows == {
        "free": (0, False, 5, 10, 5_000, False, 0, True, False),
        "pro": (10, False, None, 500, 50_000, True, 7_000, True, True),
        "enterprise": (20, True, None, 1_000, 500_000, True, 7_500, True, True),
    }
    prices = {(p.plan.code, p.interval, p.currency): p.amount_minor for p in PlanPrice.objects.select_related("plan")}
    assert prices == migration.PRICES
    assert prices[("pro", "month", "ZAR")] == 14_900
    assert prices[("enterprise", "year", "USD")] == 17_999


def test_the_data_migration_runs_on_the_models_as_they_were_at_that_migration() -> None:
    state = MigrationLoader(connection).project_state(("revenue", "0002_plan_catalogue"))
    Plan.objects.all().delete()

    migration.seed_plan_catalogue(state.apps)

    assert sorted(Plan.objects.values_list("code", flat=True)) == ["enterprise", "free", "pro"]
    assert PlanPrice.objects.count() == len(migration.PRICES)


def test_the_data_migration_adds_what_is_missing_and_keeps_an_admins_edits() -> None:
    catalogue = plan_catalogue()
    Plan.objects.filter(code="pro").update(name="Pro (edited)")
    PlanPrice.objects.filter(plan=catalogue["pro"], interval="month", currency="ZAR").update(amount_minor=19_900)
    PlanPrice.objects.filter(plan=catalogue["free"], currency="USD").delete()

    migration.seed_plan_catalogue(apps)

    assert Plan.objects.count() == 3
    assert Plan.objects.get(code="pro").name == "Pro (edited)"
    assert PlanPrice.objects.get(plan=catalogue["pro"], interval="month", currency="ZAR").amount_minor == 19_900
    assert PlanPrice.objects.filter(plan=catalogue["free"], currency="USD").count() == 2


def test_backing_out_the_migration_keeps_a_plan_that_a_subscription_uses() -> None:
    plan_catalogue()
    subscribe(UserFactory(), "pro")

    migration.remove_plan_catalogue(apps)

    assert list(Plan.objects.values_list("code", flat=True)) == ["pro"]


def test_the_free_fallback_matches_the_seeded_free_plan() -> None:
    seeded = next(plan for plan in migration.PLANS if plan["code"] == "free")
    fallback = free_plan_fallback()

    for field, value in seeded.items():
        if field not in ("description", "trial_days", "is_per_seat"):
            assert getattr(fallback, field) == value, field


def test_a_user_without_a_subscription_is_on_free_even_with_an_empty_catalogue() -> None:
    Plan.objects.all().delete()
    user = UserFactory()

    assert pricing.plan_of_user(user_id=user.id).code == "free"
    assert pricing.entitlement_check(user_id=user.id, name="enrolments_per_month").limit == 5


# --- Prices ---


def test_plan_price_prefers_the_country_price_then_the_currency_then_converts(catalogue: dict[str, Plan]) -> None:
    CountryPriceFactory(plan=catalogue["pro"], interval="month", country="KE", currency="KES", amount_minor=79_900)

    assert pricing.plan_price(plan_code="pro", interval="month", currency="KES", country="ke") == Money(79_900, "KES")
    # No country price for Kenya's annual plan: R1 499.00 = KSh 10 452.43 (1 USD = 18.50 ZAR = 129.00 KES),
    # at the price point KSh 10 499.00.
    assert pricing.plan_price(plan_code="pro", interval="year", currency="KES", country="KE") == Money(1_049_900, "KES")
    assert pricing.plan_price(plan_code="PRO", interval="month", currency="USD") == Money(899, "USD")
    assert pricing.plan_price(plan_code="pro", interval="month", currency="ZAR", country="KE") == Money(14_900, "ZAR")
    assert pricing.plan_price(plan_code="pro", interval="month", currency="EUR") == Money(699, "EUR")


@override_settings(AZORA_REVENUE_FX="USD:ZAR=18.50")
def test_plan_price_without_a_rate_is_not_available(catalogue: dict[str, Plan]) -> None:
    with pytest.raises(pricing.PriceNotAvailable):
        pricing.plan_price(plan_code="pro", interval="month", currency="KES")


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"plan_code": "gold", "interval": "month", "currency": "ZAR"}, pricing.PlanNotFound),
        ({"plan_code": "pro", "interval": "week", "currency": "ZAR"}, pricing.PriceNotAvailable.__base__),
        ({"plan_code": "pro", "interval": "month", "currency": "AZR"}, pricing.PriceNotAvailable),
        ({"plan_code": "pro", "interval": "month", "currency": "XYZ"}, pricing.PriceNotAvailable),
        ({"plan_code": "pro", "interval": "month", "currency": "ZAR", "country": "ZAF"}, pricing.CountryInvalid),
    ],
)
def test_plan_price_refusals(catalogue: dict[str, Plan], fields: dict[str, str], error: type[Exception]) -> None:
    with pytest.raises(error):
        pricing.plan_price(**fields)


def test_an_inactive_plan_is_not_sold_but_still_counts_for_its_subscribers(catalogue: dict[str, Plan]) -> None:
    user = UserFactory()
    subscribe(user, "enterprise")
    Plan.objects.filter(code="enterprise").update(is_active=False)

    assert [view.code for view in pricing.plan_list()] == ["free", "pro"]
    with pytest.raises(pricing.PlanNotFound):
        pricing.plan_get(code="enterprise")
    assert pricing.plan_of_user(user_id=user.id).code == "enterprise"
    assert pricing.seller_share_bp(user_id=user.id) == 7_500


# --- GET /api/v1/plans ---


def test_get_plans_needs_no_sign_in_and_lists_every_base_price(
    catalogue: dict[str, Plan], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(2):
        response = Client().get("/api/v1/plans")

    assert response.status_code == 200
    body = response.json()
    assert body["country"] is None
    assert [plan["code"] for plan in body["plans"]] == ["free", "pro", "enterprise"]
    pro = body["plans"][1]
    assert pro["limits"] == {
        "enrolments_per_month": None,
        "elara_questions_per_month": 500,
        "azr_earn_per_month": amount(50_000, "AZR"),
    }
    assert pro["features"] == {
        "may_sell": True,
        "instructor_share_bp": 7_000,
        "certificates": True,
        "offline_access": True,
    }
    assert pro["student_discount_bp"] == 5_000
    assert pro["prices"] == [
        {"interval": "month", "price": amount(14_900, "ZAR"), "source": "base", "country": None,
         "student_price": amount(7_450, "ZAR")},
        {"interval": "month", "price": amount(899, "USD"), "source": "base", "country": None,
         "student_price": amount(449, "USD")},
        {"interval": "year", "price": amount(149_900, "ZAR"), "source": "base", "country": None,
         "student_price": amount(74_950, "ZAR")},
        {"interval": "year", "price": amount(8_999, "USD"), "source": "base", "country": None,
         "student_price": amount(4_499, "USD")},
    ]  # fmt: skip
    free = body["plans"][0]
    assert free["limits"]["enrolments_per_month"] == 5
    assert free["limits"]["elara_questions_per_month"] == 10
    assert free["features"]["may_sell"] is False
    assert free["student_discount_bp"] == 0
    assert {p["student_price"] for p in free["prices"]} == {None}


def test_get_plans_for_a_country_shows_its_currency(
    catalogue: dict[str, Plan], django_assert_max_num_queries: Any
) -> None:
    CountryPriceFactory(plan=catalogue["pro"], interval="month", country="KE", currency="KES", amount_minor=79_900)

    with django_assert_max_num_queries(3):
        response = Client().get("/api/v1/plans?country=ke")

    body = response.json()
    assert body["country"] == "KE"
    pro = body["plans"][1]
    assert [(p["interval"], p["price"], p["source"], p["country"]) for p in pro["prices"]] == [
        ("month", amount(79_900, "KES"), "country", "KE"),
        ("year", amount(1_049_900, "KES"), "converted", None),
    ]
    za = Client().get("/api/v1/plans?country=ZA").json()
    assert [(p["interval"], p["price"], p["source"]) for p in za["plans"][1]["prices"]] == [
        ("month", amount(14_900, "ZAR"), "base"),
        ("year", amount(149_900, "ZAR"), "base"),
    ]
    # A country without a known currency sees the base currency.
    aq = Client().get("/api/v1/plans?country=AQ").json()
    assert [p["price"] for p in aq["plans"][1]["prices"]] == [amount(14_900, "ZAR"), amount(149_900, "ZAR")]


def test_get_plans_query_count_does_not_grow_with_the_catalogue(
    catalogue: dict[str, Plan], django_assert_max_num_queries: Any
) -> None:
    for rank in range(5):
        plan = Plan.objects.create(code=f"extra-{rank}", name=f"Extra {rank}", rank=30 + rank)
        PlanPrice.objects.create(plan=plan, interval="month", currency="ZAR", amount_minor=1_000 * (rank + 1))
        CountryPriceFactory(plan=plan, country="KE")

    with django_assert_max_num_queries(3):
        response = Client().get("/api/v1/plans?country=KE")

    assert len(response.json()["plans"]) == 8


def test_get_plans_with_a_malformed_country_is_a_problem(catalogue: dict[str, Plan]) -> None:
    response = Client().get("/api/v1/plans?country=South%20Africa")

    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "country_invalid"
