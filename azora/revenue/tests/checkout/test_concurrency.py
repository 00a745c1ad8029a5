"""Races on PostgreSQL's row locks and unique keys: the release job twice at once, two checkouts at once."""

from __future__ import annotations

import pytest

from azora.accounts.tests.factories import UserFactory
from azora.finance.models import Transfer
from azora.payments import public as payments
from azora.revenue.models import Order
from azora.revenue.public import checkout_create
from azora.revenue.services import shares
from azora.revenue.tests.checkout.factories import instructor_on, paid_course
from azora.revenue.tests.checkout.helpers import buy, dispatch_all, held, released
from azora.revenue.tests.pricing.factories import plan_catalogue
from azora.shared.testing.concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def plans() -> None:
    """The plan catalogue again: an earlier committing test empties the tables the data migration filled."""
    plan_catalogue()


class _RunNow:
    """In a committing test the after-commit callbacks run by themselves; this stands in for the capture fixture."""

    def __call__(self, *, execute: bool) -> _RunNow:
        return self

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        dispatch_all()


def test_two_release_jobs_at_once_release_each_order_once() -> None:
    instructor = instructor_on("pro")
    course, _ = paid_course(instructor=instructor)
    buy(_RunNow(), UserFactory(), course)
    buy(_RunNow(), UserFactory(), paid_course(instructor=instructor, minor=10_000)[0])
    due = max(order.release_at for order in Order.objects.all() if order.release_at is not None)
    outcomes = race(
        lambda: shares.earnings_release_due(now=due),
        lambda: shares.earnings_release_due(now=due),
    )
    assert sorted(outcome for outcome in outcomes if isinstance(outcome, int)) in ([0, 2], [1, 1])
    assert Transfer.objects.filter(kind="earnings_release").count() == 2
    assert (held(instructor), released(instructor)) == (0, 13_573 + 6_776)


def test_two_checkouts_of_one_course_at_once_leave_one_to_pay() -> None:
    instructor = instructor_on("pro")
    course, _ = paid_course(instructor=instructor)
    learner = UserFactory()
    outcomes = race(
        lambda: checkout_create(user_id=learner.id, item="course", course_id=course.id, currency="ZAR"),
        lambda: checkout_create(user_id=learner.id, item="course", course_id=course.id, currency="ZAR"),
    )
    assert [type(outcome).__name__ for outcome in outcomes] == ["CheckoutView", "CheckoutView"]
    assert sorted(Order.objects.values_list("status", flat=True)) == ["canceled", "pending"]
    pending = Order.objects.get(status="pending")
    assert pending.payment_intent_id is not None
    intents = {
        order.payment_intent_id: payments.payment_intent_get(intent_id=order.payment_intent_id, viewer_id=learner.id)
        for order in Order.objects.all()
        if order.payment_intent_id is not None
    }
    assert sorted(intent.status for intent in intents.values()) == ["canceled", "requires_payment_method"]
