"""The revenue admin: plans, prices and coupons are edited there; student verification goes through the service;
every other revenue table is read-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from azora.accounts.models import User
from azora.accounts.public import platform_role_grant
from azora.accounts.tests.factories import UserFactory
from azora.revenue.models import Coupon, Plan, StudentVerification
from azora.revenue.tests.pricing.factories import (
    CountryPriceFactory,
    CouponFactory,
    StudentVerificationFactory,
    subscribe,
)

pytestmark = pytest.mark.django_db
READ_ONLY = (
    "courseprice", "couponredemption", "subscription", "subscriptioncharge", "seatassignment", "order", "ordershare",
    "courserevenuesplit", "reward", "redemption", "upgradeoffer",
)  # fmt: skip


@pytest.fixture
def operator(catalogue: dict[str, Plan]) -> tuple[Client, User]:
    user = User.objects.create_superuser(email="root@example.test", password="an-operator-password-1")
    platform_role_grant(user_id=user.id, role="platform_admin")
    client = Client()
    client.force_login(user)
    return client, user


def test_every_revenue_admin_page_renders(operator: tuple[Client, User], catalogue: dict[str, Plan]) -> None:
    client, _ = operator
    learner = UserFactory()
    rows: dict[str, Any] = {
        "plan": catalogue["pro"],
        "planprice": catalogue["pro"].prices.first(),
        "countryprice": CountryPriceFactory(plan=catalogue["pro"]),
        "coupon": CouponFactory(),
        "studentverification": StudentVerificationFactory(user=learner),
        "subscription": subscribe(learner, "pro"),
    }
    for model, row in rows.items():
        for url in (
            reverse(f"admin:revenue_{model}_changelist"),
            reverse(f"admin:revenue_{model}_change", args=[row.pk]),
        ):
            assert client.get(url).status_code == 200, url
    for model in READ_ONLY:
        assert client.get(reverse(f"admin:revenue_{model}_changelist")).status_code == 200, model
        assert client.get(reverse(f"admin:revenue_{model}_add")).status_code == 403, model


def test_a_coupon_added_in_the_admin_is_stored_upper_case_and_codes_ignore_case(operator: tuple[Client, User]) -> None:
    client, user = operator
    form = {
        "code": " spring25 ", "kind": "percent", "percent_off_bp": "2500", "amount_off_minor": "", "currency": "",
        "expires_at_0": "", "expires_at_1": "", "max_redemptions": "100", "max_redemptions_per_user": "1",
        "plan_codes": '["PRO"]', "course_ids": "[]", "is_active": "on",
        "redemptions-TOTAL_FORMS": "0", "redemptions-INITIAL_FORMS": "0",
    }  # fmt: skip

    response = client.post(reverse("admin:revenue_coupon_add"), form)

    assert response.status_code == 302, response.content.decode()[:3000]
    coupon = Coupon.objects.get()
    assert (coupon.code, coupon.percent_off_bp, coupon.plan_codes, coupon.created_by_id) == (
        "SPRING25",
        2_500,
        ["pro"],
        user.id,
    )
    again = client.post(reverse("admin:revenue_coupon_add"), {**form, "code": "Spring25"})
    assert again.status_code == 200  # the form again, with the error
    assert Coupon.objects.count() == 1


def test_a_fixed_coupon_needs_a_sellable_currency(operator: tuple[Client, User]) -> None:
    client, _ = operator
    form = {
        "code": "R50", "kind": "fixed", "percent_off_bp": "", "amount_off_minor": "5000", "currency": "AZR",
        "expires_at_0": "", "expires_at_1": "", "max_redemptions": "", "max_redemptions_per_user": "1",
        "plan_codes": "[]", "course_ids": "[]", "is_active": "on",
        "redemptions-TOTAL_FORMS": "0", "redemptions-INITIAL_FORMS": "0",
    }  # fmt: skip

    assert client.post(reverse("admin:revenue_coupon_add"), form).status_code == 200
    assert not Coupon.objects.exists()

    response = client.post(reverse("admin:revenue_coupon_add"), {**form, "currency": "zar"})
    assert response.status_code == 302
    assert Coupon.objects.get().currency == "ZAR"


def test_a_plans_code_is_read_only_and_plans_are_never_deleted(operator: tuple[Client, User]) -> None:
    client, _ = operator
    plan = Plan.objects.get(code="pro")

    page = client.get(reverse("admin:revenue_plan_change", args=[plan.pk])).content.decode()

    assert 'name="code"' not in page
    assert client.get(reverse("admin:revenue_plan_delete", args=[plan.pk])).status_code == 403


def test_verifying_a_student_in_the_admin_goes_through_the_service(operator: tuple[Client, User]) -> None:
    client, admin_user = operator
    student = UserFactory()

    response = client.post(
        reverse("admin:revenue_studentverification_add"),
        {"user": str(student.id), "evidence": "Card 7", "expires_at_0": "", "expires_at_1": ""},
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    row = StudentVerification.objects.get()
    assert (row.user_id, row.method, row.evidence, row.verified_by_id) == (
        student.id,
        "manual",
        "Card 7",
        admin_user.id,
    )

    client.post(
        reverse("admin:revenue_studentverification_changelist"),
        {"action": "renew_for_a_year", "_selected_action": [str(row.pk)]},
    )
    row.refresh_from_db()
    assert row.expires_at is not None

    client.post(
        reverse("admin:revenue_studentverification_changelist"),
        {"action": "revoke", "_selected_action": [str(row.pk)]},
    )
    assert not StudentVerification.objects.exists()


def test_a_superuser_without_the_platform_admin_role_cannot_verify_students(catalogue: dict[str, Plan]) -> None:
    user = User.objects.create_superuser(email="staff@example.test", password="an-operator-password-1")
    client = Client()
    client.force_login(user)

    assert client.get(reverse("admin:revenue_studentverification_add")).status_code == 403
