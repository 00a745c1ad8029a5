"""Learn-to-earn and offers from real learning: education's own services publish the events, the outbox delivers."""

from __future__ import annotations

import pytest
from django.test import override_settings

from azora.accounts.models import User
from azora.education import public as education
from azora.education.tests.factories import course_with_lessons
from azora.finance import public as finance
from azora.revenue import public as revenue
from azora.revenue.models import Reward
from azora.shared.events import dispatch_pending_events
from azora.shared.models import EventDelivery, OutboxEvent

pytestmark = pytest.mark.django_db


def deliver_everything() -> None:
    """What the workers do: dispatch until no event is pending (a handler may publish further events)."""
    for _ in range(5):
        dispatch_pending_events()
        if not OutboxEvent.objects.filter(status="pending").exists():
            break
    assert not EventDelivery.objects.exclude(status="handled").exists()


@override_settings(AZORA_REVENUE_DAILY_REWARD_CAP="1000")
def test_completing_a_course_pays_each_item_once_and_makes_offers_on_the_way(learner: User) -> None:
    course, lessons = course_with_lessons(modules=1, lessons_per_module=4, level="intermediate")
    education.enrollment_create(course_id=course.id, user_id=learner.id)
    education.lesson_complete(lesson_id=lessons[0].id, user_id=learner.id)  # 25 %
    deliver_everything()
    assert revenue.offers_of(user_id=learner.id) == []
    education.lesson_complete(lesson_id=lessons[1].id, user_id=learner.id)  # 50 %: the progress offer
    education.lesson_complete(lesson_id=lessons[1].id, user_id=learner.id)  # again: nothing more
    deliver_everything()
    (offer,) = revenue.offers_of(user_id=learner.id)
    assert (offer.kind, offer.percent_off_bp, offer.course_id) == ("progress", 5000, course.id)
    for lesson in lessons[2:]:
        education.lesson_complete(lesson_id=lesson.id, user_id=learner.id)
    deliver_everything()
    items = sorted(Reward.objects.filter(user_id=learner.id).values_list("item", "item_id"))
    assert items == sorted(
        [("lesson_completion", lesson.id) for lesson in lessons]
        + [("course_completion", course.id), ("certificate_earned", course.id)]
    )
    # FREE's 50.00 AZR a month: four lessons at 4.50 (10 x 0.3 x 1.5), the course 150.00 capped to what is
    # left (32.00), the certificate's 1,500.00 to nothing.
    rows = Reward.objects.filter(user_id=learner.id).order_by("id")
    assert [(row.item, row.status, row.amount_minor, row.proof["formula_amount_minor"]) for row in rows] == [
        ("lesson_completion", "paid", 4_50, 4_50),
        ("lesson_completion", "paid", 4_50, 4_50),
        ("lesson_completion", "paid", 4_50, 4_50),
        ("lesson_completion", "paid", 4_50, 4_50),
        ("course_completion", "capped", 32_00, 150_00),
        ("certificate_earned", "capped", 0, 1500_00),
    ]
    wallet = finance.user_wallet(user_id=learner.id)
    assert finance.balance(account_id=wallet.id).posted.minor == 50_00
    summary = revenue.reward_month_summary(user_id=learner.id)
    assert (summary.earned.minor, summary.remaining.minor) == (50_00, 0)
    assert finance.reconcile().is_clean
