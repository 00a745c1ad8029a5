"""Rewards paid on Azora Education's events through the outbox: once per learner and item, whatever is redelivered."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import override_settings

from azora.accounts.models import User
from azora.education.events import AssessmentPassed, CertificateIssued, CourseCompleted, LessonCompleted
from azora.education.models import Course
from azora.education.tests.certificate_factories import issued_certificate
from azora.finance import public as finance
from azora.revenue.models import Reward
from azora.revenue.subscribers_learning import source_event_id
from azora.revenue.tests.rewards.conftest import revenue_snapshot
from azora.shared.events import DomainEvent, dispatch_event, publish
from azora.shared.models import EventDelivery, OutboxEvent

pytestmark = pytest.mark.django_db


def dispatched(event_id: uuid.UUID) -> uuid.UUID:
    """Runs the dispatch the after-commit task runs (the test's transaction never commits) and checks that every
    subscriber handled the event."""
    assert dispatch_event(event_id) == "dispatched"
    statuses = set(EventDelivery.objects.filter(event_id=event_id).values_list("subscriber_name", "status"))
    assert {status for _, status in statuses} == {"handled"}, statuses
    return event_id


@pytest.fixture
def deliver(db: None) -> Callable[[DomainEvent], uuid.UUID]:
    """Publishes the event as its publisher would (in a transaction), then dispatches it."""

    def run(event: DomainEvent) -> uuid.UUID:
        with transaction.atomic():
            event_id = publish(event)
        return dispatched(event_id)

    return run


def wallet_minor(user: User) -> int:
    return finance.balance(account_id=finance.user_wallet(user_id=user.id).id).posted.minor


@override_settings(AZORA_REVENUE_DAILY_REWARD_CAP="1000")
def test_a_completed_lesson_pays_once_even_when_the_event_is_redelivered_or_repeated(
    learner: User, course_of: Callable[..., Course], free_cap: Callable[[int], None], deliver: Callable[..., uuid.UUID]
) -> None:
    free_cap(1_000_00)
    course = course_of("advanced")
    lesson_id = uuid.uuid4()
    event = LessonCompleted(
        lesson_id=lesson_id, course_id=course.id, user_id=learner.id, seconds_spent=900, progress_percent=20
    )
    event_id = deliver(event)
    reward = Reward.objects.get(user_id=learner.id)
    assert (reward.item, reward.item_id, reward.status, reward.amount_minor) == (
        "lesson_completion",
        lesson_id,
        "paid",
        7_50,  # 10 x 0.3 x 2.0 x 1.25
    )
    assert reward.event_id == source_event_id(event, learner.id, lesson_id)
    assert (reward.proof["event_type"], reward.proof["lesson_id"]) == ("education.lesson_completed", str(lesson_id))
    before = revenue_snapshot()
    assert dispatch_event(event_id) == "dispatched"  # redelivered
    deliver(event)  # the same fact published a second time
    assert Reward.objects.filter(user_id=learner.id).count() == 1
    assert wallet_minor(learner) == 7_50
    assert revenue_snapshot()["rewards"] == before["rewards"]
    assert finance.reconcile().is_clean


@override_settings(AZORA_REVENUE_DAILY_REWARD_CAP="1000")
def test_a_passed_assessment_pays_with_its_score_and_a_retake_pays_nothing_more(
    learner: User, course_of: Callable[..., Course], free_cap: Callable[[int], None], deliver: Callable[..., uuid.UUID]
) -> None:
    free_cap(1_000_00)
    course = course_of("intermediate")
    assessment_id = uuid.uuid4()
    first_attempt = uuid.uuid4()
    deliver(
        AssessmentPassed(
            attempt_id=first_attempt,
            assessment_id=assessment_id,
            course_id=course.id,
            user_id=learner.id,
            score_percent="85.00",
            seconds_spent=600,
        )
    )
    deliver(
        AssessmentPassed(
            attempt_id=uuid.uuid4(),
            assessment_id=assessment_id,
            course_id=course.id,
            user_id=learner.id,
            score_percent="100.00",
            seconds_spent=60,
        )
    )
    reward = Reward.objects.get(user_id=learner.id)
    # 25 x 0.5 x 1.5 x 1.5 x (1 + 1/6) = 32.8125 -> 32.81
    assert (reward.item, reward.item_id, reward.amount_minor) == ("assessment_passed", assessment_id, 32_81)
    assert (reward.proof["score"], reward.proof["attempt_id"]) == ("85.00", str(first_attempt))
    assert reward.proof["formula"]["score_bonus"] == "1.50"  # 1 + 15.00 / 30, exact
    assert wallet_minor(learner) == 32_81


def test_a_completed_course_and_its_certificate_pay_within_the_free_plans_cap(
    learner: User, course_of: Callable[..., Course], deliver: Callable[..., uuid.UUID]
) -> None:
    course = course_of("beginner")
    deliver(CourseCompleted(enrollment_id=uuid.uuid4(), course_id=course.id, user_id=learner.id, seconds_spent=0))
    certificate = issued_certificate(user=learner, course=course)  # publishes CertificateIssued
    (event_id,) = OutboxEvent.objects.filter(event_type=CertificateIssued.event_type).values_list("id", flat=True)
    dispatched(event_id)
    rewards = {row.item: row for row in Reward.objects.filter(user_id=learner.id)}
    assert (rewards["course_completion"].status, rewards["course_completion"].amount_minor) == ("capped", 50_00)
    assert (rewards["certificate_earned"].status, rewards["certificate_earned"].amount_minor) == ("capped", 0)
    assert rewards["certificate_earned"].proof["certificate_id"] == str(certificate.id)
    assert rewards["certificate_earned"].proof["formula_amount_minor"] == 1000_00
    assert rewards["certificate_earned"].transfer_id is None
    assert wallet_minor(learner) == 50_00


def test_a_certificate_issued_again_for_the_same_course_pays_nothing_more(
    learner: User, course_of: Callable[..., Course], free_cap: Callable[[int], None], deliver: Callable[..., uuid.UUID]
) -> None:
    free_cap(10_000_00)
    course = course_of()
    for _ in range(2):
        deliver(CertificateIssued(certificate_id=uuid.uuid4(), course_id=course.id, user_id=learner.id, skills=()))
    assert list(Reward.objects.filter(user_id=learner.id).values_list("item", "amount_minor")) == [
        ("certificate_earned", 200_00)  # 1000.00 by the formula, the default daily cap pays 200.00
    ]


def test_a_score_below_the_pass_mark_of_the_formula_records_no_payment(
    learner: User, course_of: Callable[..., Course], deliver: Callable[..., uuid.UUID]
) -> None:
    # An assessment whose own pass mark is 60 publishes AssessmentPassed at 65; the formula pays from 70.
    deliver(
        AssessmentPassed(
            attempt_id=uuid.uuid4(),
            assessment_id=uuid.uuid4(),
            course_id=course_of().id,
            user_id=learner.id,
            score_percent="65.00",
        )
    )
    reward = Reward.objects.get(user_id=learner.id)
    assert (reward.status, reward.amount_minor, reward.transfer_id) == ("not_eligible", 0, None)
    assert Decimal(reward.proof["score"]) == Decimal(65)
