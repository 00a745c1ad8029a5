"""Test data for checkout and revenue shares: PRO instructors, paid courses, coupons, and a paid checkout."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from azora.accounts.models import User
from azora.accounts.tests.factories import UserFactory
from azora.education.models import Course, Lesson
from azora.education.tests.factories import course_with_lessons, instructor_user
from azora.revenue.models import Coupon, CouponKind, Order, OrderItem, Plan, Subscription, SubscriptionStatus
from azora.revenue.public import pricing
from azora.shared.money import Money

SUCCESS_CARD = {"type": "card", "number": "4242424242424242", "exp_month": "12", "exp_year": "2040", "cvc": "123"}
DECLINED_CARD = {**SUCCESS_CARD, "number": "4000000000000002"}


class SubscriptionFactory(DjangoModelFactory[Subscription]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    """A live (active) monthly subscription for the current period; `plan__code` picks the plan."""

    class Meta:
        model = Subscription

    user = factory.SubFactory(UserFactory)
    plan = factory.LazyFunction(lambda: Plan.objects.get(code="pro"))
    interval = "month"
    currency = "ZAR"
    unit_amount_minor = 14_900
    status = SubscriptionStatus.ACTIVE
    current_period_start = factory.LazyFunction(timezone.now)
    current_period_end = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))


class CouponFactory(DjangoModelFactory[Coupon]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    class Meta:
        model = Coupon

    code = factory.Sequence(lambda n: f"SAVE{n}")
    kind = CouponKind.PERCENT
    percent_off_bp = 1_000
    max_redemptions_per_user = 1


class PlanOrderFactory(DjangoModelFactory[Order]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    """A pending plan order whose first charge (an intent id) has not settled yet."""

    class Meta:
        model = Order

    buyer = factory.SubFactory(UserFactory)
    item = OrderItem.PLAN
    plan = factory.LazyFunction(lambda: Plan.objects.get(code="pro"))
    interval = "month"
    currency = "ZAR"
    list_amount_minor = 14_900
    total_minor = 14_900
    payment_intent_id = factory.LazyFunction(uuid.uuid4)


def instructor_on(plan_code: str = "pro", **fields: Any) -> User:
    """A platform instructor with a live subscription to `plan_code` (PRO sells at 70%, ENTERPRISE at 75%)."""
    user = instructor_user(**fields)
    SubscriptionFactory(user=user, plan=Plan.objects.get(code=plan_code))
    return user


def paid_course(
    *, instructor: User, minor: int = 20_000, currency: str = "ZAR", co_instructors: tuple[User, ...] = ()
) -> tuple[Course, list[Lesson]]:
    """A published course with lessons, taught by `instructor` (and co-instructors), sold at `minor` `currency`."""
    # A slug of its own: other apps' course factories count their own sequences from the same "course-N".
    course, lessons = course_with_lessons(
        created_by=instructor, instructors=[instructor, *co_instructors], slug=f"paid-{uuid.uuid4().hex[:12]}"
    )
    pricing.course_prices_set(course_id=course.id, user_id=instructor.id, prices=[Money(minor, currency)])
    return course, lessons


def uuid_of(value: object) -> uuid.UUID:
    assert isinstance(value, uuid.UUID)
    return value
