"""Paying rewards: once per learner and item, from the funded rewards pool, within the monthly and daily caps."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from azora.accounts.models import User
from azora.education.errors import CourseNotFound
from azora.education.models import Course
from azora.finance import public as finance
from azora.revenue.models import Plan, Reward
from azora.revenue.public.rewards import RewardView
from azora.revenue.services import rewards
from azora.revenue.tests.rewards.conftest import new_id, revenue_snapshot
from azora.shared.money import Money

pytestmark = pytest.mark.django_db

SUPPLY_MINOR = 1_000_000_000 * 100
POOL_MINOR = 10_000_000 * 100


def grant(user: User, course: Course, item: str = "course_completion", **fields: object) -> RewardView:
    values: dict[str, object] = {
        "user_id": user.id,
        "item": item,
        "item_id": course.id if item in ("course_completion", "certificate_earned") else new_id(),
        "course_id": course.id,
        "event_id": new_id(),
        "event_type": "education.course_completed",
    }
    values |= fields
    return rewards.reward_grant(**values)  # type: ignore[arg-type]  # the test passes the keywords through


def wallet_minor(user: User) -> int:
    return finance.balance(account_id=finance.user_wallet(user_id=user.id).id).posted.minor


def pool_minor() -> int:
    return finance.balance(account_id=finance.platform_account(code="rewards_pool", currency="AZR").id).posted.minor


@override_settings(AZORA_REVENUE_DAILY_REWARD_CAP="1000")
def test_a_paid_reward_moves_azr_from_the_pool_to_the_wallet_in_one_transfer(
    learner: User, course_of: Callable[..., Course], free_cap: Callable[[int], None]
) -> None:
    free_cap(1_000_00)
    course = course_of("intermediate", title="Budgeting basics")
    event_id = new_id()
    view = grant(learner, course, event_id=event_id, seconds_spent=1800)
    assert (view.status, view.amount, view.item, view.course_title) == (
        "paid",
        Money(225_00, "AZR"),  # 100 x 1.0 x 1.5 x 1 x 1.5
        "course_completion",
        "Budgeting basics",
    )
    assert view.proof["event_id"] == str(event_id)
    assert view.proof["level"] == "intermediate"
    assert view.proof["score"] is None
    assert view.proof["seconds_spent"] == 1800
    assert view.proof["formula"]["difficulty"] == "1.5"
    assert view.proof["formula"]["time_bonus"] == "1.5"
    assert view.proof["caps"] == {
        "monthly_cap_minor": 1_000_00,
        "monthly_room_minor": 1_000_00,
        "daily_cap_minor": 1_000_00,
        "daily_room_minor": 1_000_00,
    }
    assert view.transfer_id is not None
    transfer = finance.transfer_get(transfer_id=view.transfer_id)
    assert transfer is not None
    assert (transfer.kind, transfer.status, transfer.reference) == ("reward", "posted", f"reward:{view.id}")
    pool = finance.platform_account(code="rewards_pool", currency="AZR")
    wallet = finance.user_wallet(user_id=learner.id)
    assert sorted((p.account_id, p.side, p.amount.minor) for p in transfer.postings) == sorted(
        [(pool.id, "debit", 225_00), (wallet.id, "credit", 225_00)]
    )
    assert wallet_minor(learner) == 225_00
    assert pool_minor() == POOL_MINOR - 225_00
    assert finance.reconcile().is_clean


def test_the_pool_is_funded_once_from_the_treasury_and_the_supply_reconciles(
    learner: User, course_of: Callable[..., Course], free_cap: Callable[[int], None]
) -> None:
    free_cap(1_000_00)
    course = course_of()
    grant(learner, course, item="lesson_completion")
    grant(learner, course, item="lesson_completion")
    funding = finance.transfer_get(transfer_id=rewards.POOL_FUNDING_TRANSFER_ID)
    assert funding is not None
    assert (funding.kind, funding.metadata["pool_minor"]) == ("rewards_pool_fund", POOL_MINOR)
    treasury = finance.platform_account(code="treasury", currency="AZR")
    assert finance.balance(account_id=treasury.id).posted.minor == SUPPLY_MINOR - POOL_MINOR
    assert pool_minor() == POOL_MINOR - 2 * 3_00
    assert rewards.rewards_pool_ensure_funded() == funding
    assert finance.reconcile().is_clean


def test_the_same_item_again_pays_nothing_more(
    learner: User, course_of: Callable[..., Course], free_cap: Callable[[int], None]
) -> None:
    free_cap(1_000_00)
    course = course_of()
    assessment_id = new_id()
    first = grant(learner, course, item="assessment_passed", item_id=assessment_id, score=Decimal(80))
    before = revenue_snapshot()
    again = grant(learner, course, item="assessment_passed", item_id=assessment_id, score=Decimal(100))
    assert again == first
    assert revenue_snapshot() == before
    assert wallet_minor(learner) == 16_67  # 12.5 x 1.3333..


def test_an_assessment_below_the_pass_score_is_recorded_as_not_eligible_without_a_transfer(
    learner: User, course_of: Callable[..., Course]
) -> None:
    view = grant(learner, course_of(), item="assessment_passed", score=Decimal("69.5"))
    assert (view.status, view.amount.minor, view.transfer_id) == ("not_eligible", 0, None)
    assert view.proof["formula_amount_minor"] == 0
    assert "caps" not in view.proof
    assert finance.transfer_get(transfer_id=rewards.POOL_FUNDING_TRANSFER_ID) is None


def test_the_monthly_cap_pays_what_is_left_then_nothing(learner: User, course_of: Callable[..., Course]) -> None:
    # FREE earns 50 AZR a month (the plan catalogue).
    course = course_of()
    first = grant(learner, course, item="lesson_completion")  # 3.00
    capped = grant(learner, course)  # 100.00, 47.00 left
    nothing = grant(learner, course, item="lesson_completion")
    assert (first.status, first.amount.minor) == ("paid", 3_00)
    assert (capped.status, capped.amount.minor) == ("capped", 47_00)
    assert capped.proof["formula_amount_minor"] == 100_00
    assert capped.proof["caps"]["monthly_room_minor"] == 47_00
    assert (nothing.status, nothing.amount.minor, nothing.transfer_id) == ("capped", 0, None)
    assert wallet_minor(learner) == 50_00
    assert Reward.objects.filter(user_id=learner.id).count() == 3


def test_last_months_rewards_do_not_count_against_this_month(learner: User, course_of: Callable[..., Course]) -> None:
    course = course_of()
    grant(learner, course)  # 50.00 of 100.00: the cap
    last_month = rewards.month_start(timezone.now()) - dt.timedelta(days=1)
    Reward.objects.filter(user_id=learner.id).update(created_at=last_month)
    view = grant(learner, course, item="lesson_completion")
    assert (view.status, view.amount.minor) == ("paid", 3_00)


@override_settings(AZORA_REVENUE_DAILY_REWARD_CAP="10.50")
def test_the_daily_cap_holds_back_farming_and_resets_the_next_day(
    learner: User, course_of: Callable[..., Course], free_cap: Callable[[int], None]
) -> None:
    free_cap(1_000_00)
    course = course_of()
    paid = [grant(learner, course, item="lesson_completion").amount.minor for _ in range(4)]
    assert paid == [3_00, 3_00, 3_00, 1_50]
    Reward.objects.filter(user_id=learner.id).update(created_at=timezone.now() - dt.timedelta(days=1))
    assert grant(learner, course, item="lesson_completion").amount.minor == 3_00


@override_settings(
    AZORA_REVENUE_REWARD_ITEMS={"lesson_completion": {"base": "20", "weight": "1"}},
    AZORA_REVENUE_REWARD_DIFFICULTY={"beginner": "2"},
)
def test_the_formula_comes_from_the_settings(
    learner: User, course_of: Callable[..., Course], free_cap: Callable[[int], None]
) -> None:
    free_cap(1_000_00)
    view = grant(learner, course_of(), item="lesson_completion")
    assert view.amount.minor == 40_00
    assert (view.proof["formula"]["base"], view.proof["formula"]["difficulty"]) == ("20", "2")


def test_an_unknown_course_is_refused_and_nothing_is_written(learner: User) -> None:
    before = revenue_snapshot()
    with pytest.raises(CourseNotFound):
        rewards.reward_grant(
            user_id=learner.id,
            item="course_completion",
            item_id=uuid.uuid4(),
            course_id=uuid.uuid4(),
            event_id=uuid.uuid4(),
            event_type="education.course_completed",
        )
    assert revenue_snapshot() == before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_rewards_of_one_learner_never_pay_past_the_cap(
    learner: User, course_of: Callable[..., Course]
) -> None:
    from azora.shared.testing.concurrency import race

    # A transactional test may run after another one's flush, which takes the migrations' plan catalogue along.
    Plan.objects.update_or_create(code="free", defaults={"name": "Free", "azr_earn_per_month_minor": 50_00})
    course = course_of()
    rewards.rewards_pool_ensure_funded()

    def earn(index: int) -> Callable[[], object]:
        return lambda: grant(
            learner, course, item="lesson_completion", item_id=uuid.UUID(int=index + 1), seconds_spent=1800
        )

    # 4.50 each, FREE caps the month at 50.00: the first six (27.00) fit; six more at once must stop at 50.00.
    assert all(not isinstance(outcome, BaseException) for outcome in race(*(earn(i) for i in range(6))))
    assert all(not isinstance(outcome, BaseException) for outcome in race(*(earn(i) for i in range(6, 12))))
    assert wallet_minor(learner) == 50_00
    assert Reward.objects.filter(user_id=learner.id).count() == 12
    assert finance.reconcile().is_clean
