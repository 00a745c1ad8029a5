"""Upgrade offers: made on learning milestones for learners on FREE, one active at a time, accepted or expired."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import pytest
from django.test import override_settings
from django.utils import timezone

from azora.accounts.models import User
from azora.accounts.tests.factories import UserFactory
from azora.education.events import AssessmentPassed, CourseCompleted, LessonCompleted
from azora.education.models import Course
from azora.education.tests.certificate_factories import CourseFactory
from azora.revenue import public as revenue
from azora.revenue.jobs_offers import expire_offers_task
from azora.revenue.models import UpgradeOffer
from azora.revenue.public.offers import OfferAlreadyUsed, OfferExpired, OfferNotADiscount, OfferNotFound, OfferView
from azora.revenue.services import offers
from azora.revenue.tests.offers.conftest import offers_snapshot

pytestmark = pytest.mark.django_db


def lesson_done(user: User, course: Course, percent: int) -> LessonCompleted:
    return LessonCompleted(
        lesson_id=uuid.uuid4(), course_id=course.id, user_id=user.id, seconds_spent=60, progress_percent=percent
    )


def passed(user: User, course: Course, score: str = "90.00") -> AssessmentPassed:
    return AssessmentPassed(
        attempt_id=uuid.uuid4(),
        assessment_id=uuid.uuid4(),
        course_id=course.id,
        user_id=user.id,
        score_percent=score,
    )


def completed(user: User, course: Course) -> CourseCompleted:
    return CourseCompleted(enrollment_id=uuid.uuid4(), course_id=course.id, user_id=user.id)


def make(user: User, kind: str = "progress", **fields: object) -> OfferView:
    view = offers.offer_make(user_id=user.id, kind=kind, event_id=uuid.uuid4(), **fields)  # type: ignore[arg-type]
    assert view is not None
    return view


def test_reaching_40_percent_of_a_course_offers_half_off_pro_for_7_days(
    learner: User, course: Course, deliver: Callable[..., uuid.UUID]
) -> None:
    deliver(lesson_done(learner, course, 39))
    assert revenue.offers_of(user_id=learner.id) == []
    before = timezone.now()
    deliver(lesson_done(learner, course, 40))
    (offer,) = revenue.offers_of(user_id=learner.id)
    assert (offer.kind, offer.status, offer.plan_code, offer.percent_off_bp, offer.trial_days, offer.course_id) == (
        "progress",
        "active",
        "pro",
        5000,
        0,
        course.id,
    )
    assert before + dt.timedelta(days=7) <= offer.expires_at <= timezone.now() + dt.timedelta(days=7)


def test_an_old_lesson_event_without_progress_asks_education(
    learner: User, course: Course, deliver: Callable[..., uuid.UUID]
) -> None:
    # progress_percent defaults to 0 in events written before the field; the learner is not enrolled: 0 %.
    deliver(lesson_done(learner, course, 0))
    assert revenue.offers_of(user_id=learner.id) == []


def test_the_first_passed_assessment_offers_a_7_day_trial_and_later_passes_offer_nothing(
    learner: User, course: Course, deliver: Callable[..., uuid.UUID]
) -> None:
    deliver(passed(learner, course))
    (offer,) = revenue.offers_of(user_id=learner.id)
    assert (offer.kind, offer.trial_days, offer.percent_off_bp) == ("first_pass", 7, 0)
    UpgradeOffer.objects.filter(id=offer.id).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    deliver(passed(learner, course))
    assert [view.kind for view in revenue.offers_of(user_id=learner.id)] == ["first_pass"]


def test_a_pass_that_is_not_the_first_offers_no_trial_even_when_none_was_made(
    learner: User, course: Course, deliver: Callable[..., uuid.UUID]
) -> None:
    progress = make(learner, "progress")
    deliver(passed(learner, course))  # the first pass, while the progress offer is active: nothing
    UpgradeOffer.objects.filter(id=progress.id).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    deliver(passed(learner, course))  # a second pass is no first pass
    assert [view.kind for view in revenue.offers_of(user_id=learner.id)] == ["progress"]


def test_completing_a_course_offers_30_percent_off(
    learner: User, course: Course, deliver: Callable[..., uuid.UUID]
) -> None:
    deliver(completed(learner, course))
    (offer,) = revenue.offers_of(user_id=learner.id)
    assert (offer.kind, offer.percent_off_bp, offer.course_id) == ("completion", 3000, course.id)


def test_a_new_milestone_while_an_offer_is_active_changes_nothing_and_after_expiry_it_offers_again(
    learner: User, course: Course, deliver: Callable[..., uuid.UUID]
) -> None:
    first = make(learner, "progress", course_id=course.id)
    before = offers_snapshot()["offers"]
    deliver(completed(learner, course))
    assert offers_snapshot()["offers"] == before
    UpgradeOffer.objects.filter(id=first.id).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    deliver(completed(learner, CourseFactory()))
    assert [(view.kind, view.status) for view in revenue.offers_of(user_id=learner.id)] == [
        ("completion", "active"),
        ("progress", "expired"),
    ]
    assert UpgradeOffer.objects.get(id=first.id).status == "expired"


def test_each_kind_is_offered_once_per_learner(learner: User) -> None:
    first = make(learner, "completion")
    offers.offer_accept(offer_id=first.id, user_id=learner.id)
    assert offers.offer_make(user_id=learner.id, kind="completion", event_id=uuid.uuid4()) is None
    assert UpgradeOffer.objects.filter(user_id=learner.id).count() == 1


def test_learners_not_on_free_get_no_offers(learner: User, course: Course, deliver: Callable[..., uuid.UUID]) -> None:
    revenue.subscription_trial_grant(user_id=learner.id, days=7, reason="test")
    deliver(completed(learner, course))
    deliver(passed(learner, course))
    assert revenue.offers_of(user_id=learner.id) == []


def test_accepting_the_trial_starts_pro_in_the_same_transaction_and_again_changes_nothing(learner: User) -> None:
    offer = make(learner, "first_pass")
    accepted = revenue.offer_accept(offer_id=offer.id, user_id=learner.id)
    assert accepted.status == "accepted"
    assert accepted.accepted_at is not None
    subscription = revenue.subscription_get_for_user(user_id=learner.id)
    assert subscription is not None
    assert accepted.used_reference == f"subscription:{subscription.id}"
    assert revenue.subscription_live_plan_code(user_id=learner.id) == "pro"
    assert subscription.status == "trialing"
    before = offers_snapshot()
    assert revenue.offer_accept(offer_id=offer.id, user_id=learner.id) == accepted
    assert offers_snapshot() == before


def test_a_trial_that_subscriptions_refuse_accepts_nothing(learner: User) -> None:
    offer = make(learner, "first_pass")
    revenue.subscription_trial_grant(user_id=learner.id, days=3, reason="support")
    before = offers_snapshot()
    with pytest.raises(revenue.SubscriptionAlreadyLive):
        revenue.offer_accept(offer_id=offer.id, user_id=learner.id)
    assert offers_snapshot() == before


def test_a_discount_offer_is_applied_by_one_checkout_only(learner: User) -> None:
    offer = make(learner, "progress")
    assert revenue.offer_discount_for(user_id=learner.id, plan_code="pro") == (offer.id, 5000)
    assert revenue.offer_discount_for(user_id=learner.id, plan_code="enterprise") is None
    accepted = revenue.offer_accept(offer_id=offer.id, user_id=learner.id)
    assert (accepted.status, accepted.used_reference) == ("accepted", "")
    assert revenue.offer_discount_for(user_id=learner.id, plan_code="pro") == (offer.id, 5000)
    used = revenue.offer_mark_accepted(offer_id=offer.id, user_id=learner.id, reference="order:1")
    assert (used.status, used.used_reference, used.accepted_at) == ("accepted", "order:1", accepted.accepted_at)
    assert revenue.offer_discount_for(user_id=learner.id, plan_code="pro") is None
    before = offers_snapshot()
    assert revenue.offer_mark_accepted(offer_id=offer.id, user_id=learner.id, reference="order:1") == used
    with pytest.raises(OfferAlreadyUsed):
        revenue.offer_mark_accepted(offer_id=offer.id, user_id=learner.id, reference="order:2")
    assert offers_snapshot() == before


def test_a_released_offer_is_unused_again_and_only_its_own_order_may_release_it(learner: User) -> None:
    offer = make(learner, "progress")
    revenue.offer_mark_accepted(offer_id=offer.id, user_id=learner.id, reference="order:1")
    stranger = UserFactory()
    before = offers_snapshot()
    assert revenue.offer_release(offer_id=offer.id, user_id=learner.id, reference="order:2") is False
    assert revenue.offer_release(offer_id=offer.id, user_id=stranger.id, reference="order:1") is False
    assert offers_snapshot() == before
    assert revenue.offer_release(offer_id=offer.id, user_id=learner.id, reference="order:1") is True
    released = UpgradeOffer.objects.get(pk=offer.id)
    assert (released.status, released.used_reference) == ("accepted", "")
    assert revenue.offer_discount_for(user_id=learner.id, plan_code="pro") == (offer.id, 5000)
    assert revenue.offer_release(offer_id=offer.id, user_id=learner.id, reference="order:1") is False


def test_checkout_may_use_an_active_discount_offer_directly(learner: User) -> None:
    offer = make(learner, "completion")
    used = revenue.offer_mark_accepted(offer_id=offer.id, user_id=learner.id, reference="order:7")
    assert (used.status, used.used_reference) == ("accepted", "order:7")
    assert used.accepted_at is not None


def test_an_expired_offer_is_neither_accepted_nor_applied(learner: User) -> None:
    offer = make(learner, "progress")
    UpgradeOffer.objects.filter(id=offer.id).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert revenue.offers_of(user_id=learner.id)[0].status == "expired"  # before the job has run
    assert revenue.offer_discount_for(user_id=learner.id, plan_code="pro") is None
    before = offers_snapshot()
    with pytest.raises(OfferExpired):
        revenue.offer_accept(offer_id=offer.id, user_id=learner.id)
    with pytest.raises(OfferExpired):
        revenue.offer_mark_accepted(offer_id=offer.id, user_id=learner.id, reference="order:1")
    assert offers_snapshot() == before


def test_someone_elses_offer_is_not_found_and_nothing_changes(learner: User) -> None:
    offer = make(learner, "first_pass")
    other = UserFactory()
    before = offers_snapshot()
    with pytest.raises(OfferNotFound):
        revenue.offer_accept(offer_id=offer.id, user_id=other.id)
    with pytest.raises(OfferNotFound):
        revenue.offer_mark_accepted(offer_id=offer.id, user_id=other.id, reference="order:1")
    with pytest.raises(OfferNotFound):
        revenue.offer_accept(offer_id=uuid.uuid4(), user_id=learner.id)
    assert offers_snapshot() == before


def test_the_job_expires_due_offers_only(learner: User) -> None:
    due = make(learner, "progress")
    UpgradeOffer.objects.filter(id=due.id).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    fresh = make(UserFactory(), "progress")
    taken = make(UserFactory(), "completion")
    offers.offer_accept(offer_id=taken.id, user_id=taken.user_id)
    UpgradeOffer.objects.filter(id=taken.id).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert expire_offers_task.call() == 1
    assert expire_offers_task.call() == 0
    statuses = dict(UpgradeOffer.objects.values_list("id", "status"))
    assert statuses == {due.id: "expired", fresh.id: "active", taken.id: "accepted"}


@override_settings(AZORA_REVENUE_OFFER_DAYS=2, AZORA_REVENUE_OFFER_PROGRESS_PERCENT=25)
def test_the_offer_window_and_threshold_come_from_the_settings(
    learner: User, course: Course, deliver: Callable[..., uuid.UUID]
) -> None:
    deliver(lesson_done(learner, course, 25))
    (offer,) = revenue.offers_of(user_id=learner.id)
    assert offer.expires_at - offer.created_at < dt.timedelta(days=2, seconds=5)
    assert offer.expires_at - offer.created_at >= dt.timedelta(days=2) - dt.timedelta(seconds=5)


def test_the_acceptance_report_counts_offers_per_month_and_fills_empty_months() -> None:
    def offer_in(month: dt.date, *, accept: bool) -> None:
        user = UserFactory()
        view = make(user, "progress")
        if accept:
            offers.offer_accept(offer_id=view.id, user_id=user.id)
        created = dt.datetime.combine(month, dt.time(12), tzinfo=dt.UTC)
        UpgradeOffer.objects.filter(id=view.id).update(created_at=created)

    january, march = dt.date(2026, 1, 1), dt.date(2026, 3, 1)
    offer_in(january, accept=True)
    offer_in(january, accept=False)
    offer_in(january, accept=False)
    offer_in(march, accept=True)
    offer_in(dt.date(2026, 4, 1), accept=True)  # outside the range
    report = revenue.offer_acceptance_report(start=dt.date(2026, 1, 15), end=dt.date(2026, 3, 31))
    assert report == [
        revenue.OfferAcceptanceMonth(month=january, offered=3, accepted=1, rate_bp=3333),
        revenue.OfferAcceptanceMonth(month=dt.date(2026, 2, 1), offered=0, accepted=0, rate_bp=0),
        revenue.OfferAcceptanceMonth(month=march, offered=1, accepted=1, rate_bp=10000),
    ]
    assert revenue.offer_acceptance_report(start=march, end=january) == []


def test_a_trial_offer_is_no_discount_for_checkout(learner: User) -> None:
    offer = make(learner, "first_pass")
    assert revenue.offer_discount_for(user_id=learner.id, plan_code="pro") is None
    before = offers_snapshot()
    with pytest.raises(OfferNotADiscount):
        revenue.offer_mark_accepted(offer_id=offer.id, user_id=learner.id, reference="order:1")
    assert offers_snapshot() == before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_milestones_at_once_make_one_active_offer(learner: User) -> None:
    from azora.shared.testing.concurrency import race

    def milestone(kind: str) -> Callable[[], object]:
        return lambda: offers.offer_make(user_id=learner.id, kind=kind, event_id=uuid.uuid4())

    outcomes = race(milestone("progress"), milestone("completion"), milestone("progress"), milestone("completion"))
    assert not [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
    assert len([outcome for outcome in outcomes if outcome is not None]) == 1
    assert UpgradeOffer.objects.filter(user_id=learner.id, status="active").count() == 1
