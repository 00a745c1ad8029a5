"""The Education Revenue Engine's proof, end to end through the real services, ledger and outbox.

An instructor on PRO publishes a paid course at R200; a learner buys it with a 10% coupon through the sandbox;
the ledger shows the provider fee, the instructor's share and the platform's share to the cent; the learner
completes the lessons, passes the assessment and completes the course; the rewards arrive once (redelivered
events pay nothing more); a full refund reverses the sale in every account and removes access; finance's
reconcile check finds nothing wrong.
"""

from __future__ import annotations

import pytest
from django.test import override_settings

from azora.accounts.models import User
from azora.accounts.public import platform_role_grant
from azora.accounts.tests.factories import UserFactory
from azora.education import public as education
from azora.education.tests.factories_assessments import AssessmentFactory, QuestionFactory
from azora.finance import public as finance
from azora.finance.models import Transfer
from azora.revenue.models import CouponRedemption, Order, OrderStatus, Reward
from azora.revenue.tests.checkout.factories import CouponFactory, instructor_on, paid_course
from azora.revenue.tests.checkout.helpers import Capture, buy, dispatch_all, held, platform_posted, refund
from azora.shared.events import dispatch_event
from azora.shared.models import OutboxEvent

pytestmark = pytest.mark.django_db

# R200 less 10% = R180.00. Sandbox fee 2.90% + R0.30 = R5.52. Net R174.48: PRO's 70% = R122.13 (rounded down),
# the platform keeps R52.35. 5.52 + 122.13 + 52.35 = 180.00.
GROSS, FEE, INSTRUCTOR, PLATFORM = 18_000, 552, 12_213, 5_235


def wallet(user: User) -> int:
    return finance.balance(account_id=finance.user_wallet(user_id=user.id, currency="AZR").id).posted.minor


@override_settings(AZORA_REVENUE_DAILY_REWARD_CAP="1000")
def test_the_revenue_engine_proof(django_capture_on_commit_callbacks: Capture) -> None:
    capture = django_capture_on_commit_callbacks
    instructor = instructor_on("pro", email="thabo@example.test", display_name="Thabo Instructor")
    learner: User = UserFactory(email="lerato@example.test", display_name="Lerato Learner")
    admin: User = UserFactory(email="finance@example.test")
    platform_role_grant(user_id=admin.id, role="finance_admin")

    # The instructor on PRO publishes a paid course at R200 (with an assessment).
    course, lessons = paid_course(instructor=instructor, minor=20_000)
    question = QuestionFactory(course=course, created_by=instructor)
    assessment = AssessmentFactory(course=course, questions=[question])
    assert education.course_facts(course_id=course.id).is_paid

    # The learner buys it with a coupon through the sandbox.
    CouponFactory(code="WELCOME10", percent_off_bp=1_000)
    view = buy(capture, learner, course, coupon_code="WELCOME10")
    assert view.payment_intent_id is not None
    order = Order.objects.get()
    assert (order.status, order.total_minor, order.fee_minor) == (OrderStatus.PAID, GROSS, FEE)
    assert CouponRedemption.objects.filter(reference=f"order:{order.id}").count() == 1

    # The ledger shows the fee, the instructor's share and the platform's share to the cent, in ONE transfer.
    assert order.split_transfer_id is not None
    split = finance.transfer_get(transfer_id=order.split_transfer_id)
    assert split is not None
    assert split.kind == "course_sale_split"
    assert Transfer.objects.filter(kind="course_sale_split").count() == 1
    assert (
        platform_posted("revenue:fee_recovery"),
        held(instructor),
        platform_posted("revenue:courses"),
        platform_posted("clearing:course_sales"),
    ) == (FEE, INSTRUCTOR, PLATFORM, 0)
    assert FEE + INSTRUCTOR + PLATFORM == GROSS
    assert split.metadata["fee_minor"] == FEE
    assert split.metadata["platform_share_minor"] == PLATFORM
    assert split.metadata["instructor_shares"] == {str(instructor.id): INSTRUCTOR}

    # The learner completes the lessons, passes the assessment and completes the course.
    assert education.is_enrolled(user_id=learner.id, course_id=course.id)
    with capture(execute=True):
        for lesson in lessons:
            education.lesson_complete(lesson_id=lesson.id, user_id=learner.id)
        attempt = education.attempt_start(assessment_id=assessment.id, user_id=learner.id)
        submitted = education.attempt_submit(
            attempt_id=attempt.id, user_id=learner.id, answers={str(question.id): True}
        )
    assert submitted.is_passed is True
    dispatch_all()
    assert education.course_progress_percent(user_id=learner.id, course_id=course.id) == 100

    # Rewards arrive, once: one per lesson, the passed assessment and the completed course, the last capped by
    # FREE's 50 AZR a month (its row says so and pays what the cap leaves); the certificate the completion issued
    # finds the cap used up: a capped row paying nothing.
    rewarded = sorted(
        Reward.objects.filter(user_id=learner.id).values_list("item", "item_id", "status", "amount_minor")
    )
    assert rewarded == sorted(
        [
            *(("lesson_completion", lesson.id, "paid", 3_00) for lesson in lessons),  # 10 x 0.3 x 1.0 x 1.0
            ("assessment_passed", assessment.id, "paid", 25_00),  # 25 x 0.5 x 1.0 x 2.0 (a score of 100)
            ("course_completion", course.id, "capped", 13_00),  # 50 - 12 - 25 left of the month's cap
            ("certificate_earned", course.id, "capped", 0),
        ]
    )
    paid = wallet(learner)
    assert paid == 50_00
    rewards_before = sorted(Reward.objects.values_list("id", "status", "amount_minor"))
    for event_id in OutboxEvent.objects.filter(event_type__startswith="education.").values_list("id", flat=True):
        dispatch_event(event_id)  # redelivered
    with capture(execute=True):
        education.lesson_complete(lesson_id=lessons[0].id, user_id=learner.id)  # done again
    dispatch_all()
    assert sorted(Reward.objects.values_list("id", "status", "amount_minor")) == rewards_before
    assert wallet(learner) == paid

    # A full refund reverses the sale in every account and removes access.
    refund(capture, view.payment_intent_id, admin, None)
    order.refresh_from_db()
    assert (order.status, order.refunded_minor) == (OrderStatus.REFUNDED, GROSS)
    assert (
        platform_posted("revenue:fee_recovery"),
        held(instructor),
        platform_posted("revenue:courses"),
        platform_posted("clearing:course_sales"),
        platform_posted("clearing:sandbox"),
        platform_posted("provider_fees:sandbox"),
    ) == (0, 0, 0, 0, 0, 0)
    assert not education.is_enrolled(user_id=learner.id, course_id=course.id)
    # The learning happened: its rewards stay with the learner (docs/revenue.md "Checkout and revenue shares").
    assert wallet(learner) == paid

    # The reconcile check finds nothing wrong.
    report = finance.reconcile()
    assert report.is_clean, report.differences
