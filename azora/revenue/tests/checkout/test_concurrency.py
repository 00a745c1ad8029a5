"""Races on PostgreSQL's row locks: the release job run twice at once releases each order once."""

from __future__ import annotations

import pytest

from azora.accounts.tests.factories import UserFactory
from azora.finance.models import Transfer
from azora.revenue.models import Order
from azora.revenue.services import shares
from azora.revenue.tests.checkout.factories import instructor_on, paid_course
from azora.revenue.tests.checkout.helpers import buy, dispatch_all, held, released
from azora.shared.testing.concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


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
