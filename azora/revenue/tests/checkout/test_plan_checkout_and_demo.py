"""A plan checkout hands over to the subscription's start (H2); the release job is registered; the demo loader."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from azora.accounts.models import User
from azora.education.public import course_detail
from azora.payments import public as payments
from azora.revenue import demo
from azora.revenue.jobs_earnings import release_earnings_task
from azora.revenue.models import Order, OrderItem, OrderStatus
from azora.revenue.public import checkout_create, course_prices, plan_of_user, subscription_live_plan_code
from azora.revenue.public.subscriptions import PaymentMethodRequired
from azora.revenue.services import shares
from azora.revenue.tests.checkout.factories import SUCCESS_CARD, PlanOrderFactory
from azora.shared.money import Money
from azora.shared.scheduling import registered_jobs

pytestmark = pytest.mark.django_db


def test_a_plan_checkout_starts_the_subscription_and_records_the_order(learner: User) -> None:
    method = payments.payment_method_save(customer_id=learner.id, payment_method=SUCCESS_CARD)
    view = checkout_create(
        user_id=learner.id, item="plan", plan_code="pro", currency="ZAR", payment_method_id=method.id
    )
    assert (view.item, view.plan_code, view.status, view.total) == ("plan", "pro", "active", Money(14_900, "ZAR"))
    assert view.subscription_id is not None
    assert subscription_live_plan_code(user_id=learner.id) == "pro"
    order = Order.objects.get()
    assert (order.item, order.status, order.subscription_id, order.total_minor) == (
        OrderItem.PLAN,
        OrderStatus.PAID,
        view.subscription_id,
        14_900,
    )
    assert order.payment_intent_id == view.payment_intent_id is not None


def test_a_plan_checkout_without_a_payment_method_is_refused_and_changes_nothing(
    learner: User, snapshot: Callable[[], dict[str, Any]]
) -> None:
    before = snapshot()
    with pytest.raises(PaymentMethodRequired):
        checkout_create(user_id=learner.id, item="plan", plan_code="pro", currency="ZAR")
    assert snapshot() == before


def test_a_plan_order_follows_its_first_charge_when_it_settles_later(snapshot: Callable[[], dict[str, Any]]) -> None:
    paid, failed = PlanOrderFactory(), PlanOrderFactory()
    shares.plan_order_settle(payment_intent_id=paid.payment_intent_id, succeeded=True)
    shares.plan_order_settle(payment_intent_id=failed.payment_intent_id, succeeded=False)
    assert dict(Order.objects.values_list("id", "status")) == {paid.id: "paid", failed.id: "failed"}
    before = snapshot()
    shares.plan_order_settle(payment_intent_id=uuid.uuid4(), succeeded=True)  # a renewal: no order
    shares.plan_order_settle(payment_intent_id=paid.payment_intent_id, succeeded=False)  # settled already
    assert snapshot() == before


def test_the_release_job_is_periodic() -> None:
    names = {job.name for job in registered_jobs()}
    assert "revenue.release_earnings" in names
    assert release_earnings_task.call() == 0  # nothing due


def test_the_demo_puts_the_instructor_on_pro_selling_a_course_at_r200(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    from azora.accounts.demo import load_demo_data as load_accounts
    from azora.education.demo import load_demo_data as load_education

    with django_capture_on_commit_callbacks(execute=True):
        load_accounts()
        load_education()
        demo.load_demo_data()
        demo.load_demo_data()  # idempotent
    instructor: User = User.objects.get(email=demo.DEMO_INSTRUCTOR_EMAIL)
    assert plan_of_user(user_id=instructor.id).code == "pro"
    course = course_detail(slug=demo.DEMO_PAID_COURSE_SLUG, viewer_id=instructor.id)
    assert course_prices(course_id=course.id) == {"ZAR": Money(20_000, "ZAR")}
