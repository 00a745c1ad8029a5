"""Kofi's tools: the learner's own AZR wallet (never created by asking) and their learn-to-earn rewards."""

from __future__ import annotations

import uuid

import pytest

from azora.accounts.tests.factories import UserFactory
from azora.agents.tests.tools.conftest import agent
from azora.agents.tools import gather
from azora.education.tests.certificate_factories import CourseFactory
from azora.finance.models import Account
from azora.finance.public import accounts_of_user
from azora.finance.tests.factories import wallet_with
from azora.revenue.public import reward_month_summary
from azora.revenue.services import rewards

pytestmark = pytest.mark.django_db

KOFI = agent("wallet_balance", "rewards_summary", slug="kofi")


def test_wallet_balance_reads_the_learners_own_wallet() -> None:
    learner = UserFactory()
    wallet_with(1250, user_id=learner.id)
    wallet_with(99900)  # someone else's wallet

    (result,) = gather(agent=agent("wallet_balance"), user_id=learner.id, text="How much AZR do I have?").results

    assert result.ok is True
    assert result.summary == "AZR wallet: 12.50 AZR available (12.50 AZR posted, 0.00 AZR held by pending transfers)."
    assert result.data == {"available": "12.50 AZR", "posted": "12.50 AZR", "held": "0.00 AZR"}


def test_asking_for_the_balance_without_a_wallet_creates_none() -> None:
    learner = UserFactory()
    accounts_before = Account.objects.count()

    (result,) = gather(agent=agent("wallet_balance"), user_id=learner.id, text="balance?").results

    assert result.summary == "The learner has no AZR wallet yet, so their balance is 0.00 AZR."
    assert accounts_of_user(user_id=learner.id) == []
    assert Account.objects.count() == accounts_before


def test_rewards_summary_without_rewards() -> None:
    learner = UserFactory()
    month = reward_month_summary(user_id=learner.id)

    context = gather(agent=KOFI, user_id=learner.id, text="What have I earned?")

    assert context.tools_used == ("wallet_balance", "rewards_summary")
    rewards = context.results[1]
    assert rewards.summary == (
        f"Learn-to-earn this month ({month.month:%B %Y}): earned {month.earned} of the plan's monthly cap "
        f"{month.cap} ({month.remaining} left); today {month.earned_today} of the daily cap {month.daily_cap}. "
        "No rewards yet: completing lessons, passing assessments and earning certificates earn AZR."
    )
    assert str(month.earned) == "0.00 AZR"


def test_rewards_summary_lists_the_learners_own_latest_rewards_and_the_wallet_shows_them() -> None:
    learner = UserFactory()
    course = CourseFactory(level="expert", title="Compound interest")
    reward = rewards.reward_grant(
        user_id=learner.id,
        item="lesson_completion",
        item_id=uuid.uuid4(),
        course_id=course.id,
        event_id=uuid.uuid4(),
        event_type="education.lesson_completed",
    )  # 9.00 AZR by the formula
    rewards.reward_grant(
        user_id=UserFactory().id,
        item="lesson_completion",
        item_id=uuid.uuid4(),
        course_id=CourseFactory(title="Someone else's course").id,
        event_id=uuid.uuid4(),
        event_type="education.lesson_completed",
    )

    wallet, summary = gather(agent=KOFI, user_id=learner.id, text="What have I earned?").results

    assert wallet.summary == "AZR wallet: 9.00 AZR available (9.00 AZR posted, 0.00 AZR held by pending transfers)."
    month = reward_month_summary(user_id=learner.id)
    assert str(month.earned) == "9.00 AZR"
    assert summary.summary.endswith(
        f' Latest rewards: lesson completion in "Compound interest": 9.00 AZR (paid, {reward.created_at:%Y-%m-%d}).'
    )
    assert "Someone else" not in summary.summary
