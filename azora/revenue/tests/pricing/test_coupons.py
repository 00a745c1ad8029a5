"""Coupons: the preview's refusals (expired, exhausted, not applicable, unknown), case-insensitive codes, and
redemption that locks the coupon and checks its limits again (a PostgreSQL race for the last use)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from azora.accounts.models import User
from azora.accounts.tests.factories import UserFactory
from azora.revenue.models import Coupon, CouponRedemption, Plan
from azora.revenue.public import pricing
from azora.revenue.tests.pricing.factories import CouponFactory
from azora.shared.errors import ValidationFailed
from azora.shared.money import Money
from azora.shared.testing.concurrency import race_errors

pytestmark = pytest.mark.django_db


def zar(minor: int) -> Money:
    return Money(minor, "ZAR")


@pytest.fixture
def learner(catalogue: dict[str, Plan]) -> User:
    user: User = UserFactory()
    return user


def preview(code: str, user: User, *, plan_code: str | None = "pro", course_id: uuid.UUID | None = None,
            amount: Money | None = None) -> pricing.CouponPreview:  # fmt: skip
    return pricing.coupon_apply_preview(
        code=code, user_id=user.id, plan_code=plan_code, course_id=course_id, amount=amount or zar(14_900)
    )


def test_a_percent_coupon_is_found_whatever_the_case_and_spaces(learner: User) -> None:
    coupon = CouponFactory(code="WELCOME10", percent_off_bp=1_000)

    result = preview("  welcome10 ", learner)

    assert result == pricing.CouponPreview(coupon_id=coupon.id, code="WELCOME10", discount=zar(1_490))


def test_a_fixed_coupon_takes_its_amount_and_never_more_than_the_price(learner: User) -> None:
    CouponFactory(code="FIFTY", fixed=True)

    assert preview("FIFTY", learner, amount=zar(20_000)).discount == zar(5_000)
    assert preview("FIFTY", learner, amount=zar(3_000)).discount == zar(3_000)


def test_two_codes_that_differ_only_by_case_cannot_both_exist() -> None:
    CouponFactory(code="SPRING")

    with pytest.raises(IntegrityError), transaction.atomic():
        Coupon.objects.create(code="spring", kind="percent", percent_off_bp=500)


@pytest.mark.parametrize(
    ("coupon_fields", "preview_fields", "code"),
    [
        ({"expires_at": timezone.now() - timedelta(seconds=1)}, {}, "coupon_expired"),
        ({"max_redemptions": 2, "times_redeemed": 2}, {}, "coupon_exhausted"),
        ({"is_active": False}, {}, "coupon_not_found"),
        ({"plan_codes": ["enterprise"]}, {}, "coupon_not_applicable"),
        ({"plan_codes": ["pro"]}, {"plan_code": None, "course_id": uuid.uuid4()}, "coupon_not_applicable"),
        ({"course_ids": [str(uuid.uuid4())]}, {"plan_code": None, "course_id": uuid.uuid4()}, "coupon_not_applicable"),
        ({"kind": "fixed", "percent_off_bp": None, "amount_off_minor": 500, "currency": "USD"}, {},
         "coupon_not_applicable"),
    ],
)  # fmt: skip
def test_a_coupon_that_cannot_be_used_is_refused_with_its_code(
    learner: User, coupon_fields: dict[str, object], preview_fields: dict[str, object], code: str
) -> None:
    CouponFactory(code="TRYME", **coupon_fields)

    with pytest.raises(pricing.CouponInvalid) as refused:
        preview("TRYME", learner, **preview_fields)  # type: ignore[arg-type]  # parametrized keyword values

    assert refused.value.code == code


def test_an_unknown_or_malformed_code_is_not_found(learner: User) -> None:
    for code in ("NOPE", "", "   ", "X" * 41):
        with pytest.raises(pricing.CouponNotFound):
            preview(code, learner)


def test_a_restricted_coupon_applies_to_its_plans_and_courses(learner: User) -> None:
    course_id = uuid.uuid4()
    CouponFactory(code="LISTED", plan_codes=["PRO"], course_ids=[str(course_id)])

    assert preview("LISTED", learner, plan_code="pro").discount == zar(1_490)
    assert preview("LISTED", learner, plan_code=None, course_id=course_id, amount=zar(20_000)).discount == zar(2_000)


def test_the_per_user_limit_counts_only_that_users_redemptions(learner: User) -> None:
    coupon = CouponFactory(code="ONCE", max_redemptions_per_user=1)
    other = UserFactory()
    pricing.coupon_redeem(coupon_id=coupon.id, user_id=other.id, reference="order:1")

    assert preview("ONCE", learner).discount == zar(1_490)
    with pytest.raises(pricing.CouponExhausted):
        preview("ONCE", other)


def test_redeeming_counts_once_per_reference(learner: User) -> None:
    coupon = CouponFactory(code="TWICE", max_redemptions_per_user=2, max_redemptions=10)

    pricing.coupon_redeem(coupon_id=coupon.id, user_id=learner.id, reference="order:1")
    pricing.coupon_redeem(coupon_id=coupon.id, user_id=learner.id, reference="order:1")  # a redelivery

    coupon.refresh_from_db()
    assert coupon.times_redeemed == 1
    assert list(CouponRedemption.objects.values_list("user_id", "reference")) == [(learner.id, "order:1")]


def test_redeeming_checks_the_limits_again_and_writes_nothing_when_refused(learner: User) -> None:
    expired = CouponFactory(code="OLD", expires_at=timezone.now() + timedelta(hours=1))
    full = CouponFactory(code="FULL", max_redemptions=1)
    pricing.coupon_redeem(coupon_id=full.id, user_id=UserFactory().id, reference="order:0")
    Coupon.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    with pytest.raises(pricing.CouponExpired):
        pricing.coupon_redeem(coupon_id=expired.id, user_id=learner.id, reference="order:1")
    with pytest.raises(pricing.CouponExhausted):
        pricing.coupon_redeem(coupon_id=full.id, user_id=learner.id, reference="order:2")
    with pytest.raises(pricing.CouponNotFound):
        pricing.coupon_redeem(coupon_id=uuid.uuid4(), user_id=learner.id, reference="order:3")

    assert CouponRedemption.objects.filter(user=learner).count() == 0
    assert Coupon.objects.get(pk=expired.pk).times_redeemed == 0
    assert Coupon.objects.get(pk=full.pk).times_redeemed == 1


def test_a_reference_used_by_someone_else_is_refused(learner: User) -> None:
    coupon = CouponFactory(code="SHARED", max_redemptions_per_user=5)
    pricing.coupon_redeem(coupon_id=coupon.id, user_id=UserFactory().id, reference="order:1")

    with pytest.raises(ValidationFailed):
        pricing.coupon_redeem(coupon_id=coupon.id, user_id=learner.id, reference="order:1")

    assert Coupon.objects.get(pk=coupon.pk).times_redeemed == 1


def test_a_redemption_rolls_back_with_the_callers_transaction(learner: User) -> None:
    coupon = CouponFactory(code="ROLLBACK")

    def checkout_that_fails() -> None:
        with transaction.atomic():
            pricing.coupon_redeem(coupon_id=coupon.id, user_id=learner.id, reference="order:1")
            raise RuntimeError("the payment failed")

    with pytest.raises(RuntimeError, match="the payment failed"):
        checkout_that_fails()

    assert Coupon.objects.get(pk=coupon.pk).times_redeemed == 0
    assert not CouponRedemption.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_last_redemptions_cannot_both_pass() -> None:
    coupon = CouponFactory(code="LAST", max_redemptions=3, times_redeemed=2, max_redemptions_per_user=1)
    buyers = [UserFactory() for _ in range(4)]

    def redeem(user: User) -> None:
        with transaction.atomic():  # as checkout calls it: inside its own transaction
            pricing.coupon_redeem(coupon_id=coupon.id, user_id=user.id, reference=f"order:{user.id}")

    outcomes = race_errors(*(lambda u=u: redeem(u) for u in buyers))

    assert sorted(type(o).__name__ for o in outcomes) == ["CouponExhausted"] * 3 + ["NoneType"]
    assert Coupon.objects.get(pk=coupon.pk).times_redeemed == 3
    assert CouponRedemption.objects.filter(coupon=coupon).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_user_racing_themselves_gets_the_per_user_limit_once() -> None:
    coupon = CouponFactory(code="MINE", max_redemptions_per_user=1)
    user = UserFactory()

    outcomes = race_errors(
        *(lambda n=n: pricing.coupon_redeem(coupon_id=coupon.id, user_id=user.id, reference=f"order:{n}")
          for n in range(3))
    )  # fmt: skip

    assert sorted(type(o).__name__ for o in outcomes) == ["CouponExhausted", "CouponExhausted", "NoneType"]
    assert CouponRedemption.objects.filter(coupon=coupon, user=user).count() == 1
