"""Fixtures of the learn-to-earn tests: learners, courses of each level, the plan caps, and what a refusal must
leave untouched."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from azora.accounts.models import User
from azora.accounts.tests.factories import UserFactory
from azora.education.models import Course
from azora.education.tests.certificate_factories import CourseFactory
from azora.finance.tests.factories import ledger_snapshot
from azora.revenue.models import Plan, Redemption, Reward, UpgradeOffer


@pytest.fixture
def learner(db: None) -> User:
    user: User = UserFactory()
    return user


@pytest.fixture
def course_of(db: None) -> Callable[..., Course]:
    def make(level: str = "beginner", **fields: Any) -> Course:
        course: Course = CourseFactory(level=level, **fields)
        return course

    return make


@pytest.fixture
def free_cap(db: None) -> Callable[[int], None]:
    """Sets the FREE plan's monthly AZR cap (minor units): plans are data that platform admins edit."""

    def set_cap(minor: int) -> None:
        Plan.objects.filter(code="free").update(azr_earn_per_month_minor=minor)

    return set_cap


def revenue_snapshot() -> dict[str, Any]:
    """The ledger (transfers, postings, balances, outbox events) and every learn-to-earn and offer row."""
    return {
        "ledger": ledger_snapshot(),
        "rewards": sorted(Reward.objects.values_list("id", "status", "amount_minor")),
        "redemptions": sorted(Redemption.objects.values_list("id", "azr_minor")),
        "offers": sorted(UpgradeOffer.objects.values_list("id", "status", "used_reference")),
    }


def new_id() -> uuid.UUID:
    return uuid.uuid4()
