"""Fixtures of the upgrade-offer tests: learners on FREE, courses, events delivered through the outbox."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from azora.accounts.models import User
from azora.accounts.tests.factories import UserFactory
from azora.education.models import Course
from azora.education.tests.certificate_factories import CourseFactory
from azora.finance.tests.factories import ledger_snapshot
from azora.revenue.models import Reward, Subscription, UpgradeOffer
from azora.shared.events import DomainEvent, dispatch_event, publish
from azora.shared.models import EventDelivery


@pytest.fixture
def learner(db: None) -> User:
    user: User = UserFactory()
    return user


@pytest.fixture
def course(db: None) -> Course:
    made: Course = CourseFactory(level="beginner")
    return made


@pytest.fixture
def deliver(db: None) -> Callable[[DomainEvent], uuid.UUID]:
    """Publishes the event as its publisher would (in a transaction), then runs the dispatch its task runs."""

    def run(event: DomainEvent) -> uuid.UUID:
        with transaction.atomic():
            event_id = publish(event)
        assert dispatch_event(event_id) == "dispatched"
        assert set(EventDelivery.objects.filter(event_id=event_id).values_list("status", flat=True)) == {"handled"}
        return event_id

    return run


def offers_snapshot() -> dict[str, Any]:
    """Offers, subscriptions, rewards and the ledger (with the outbox): equal before and after = nothing changed."""
    return {
        "offers": sorted(
            UpgradeOffer.objects.values_list("id", "status", "accepted_at", "used_reference", "updated_at")
        ),
        "subscriptions": sorted(Subscription.objects.values_list("id", "status")),
        "rewards": sorted(Reward.objects.values_list("id", "amount_minor")),
        "ledger": ledger_snapshot(),
    }
