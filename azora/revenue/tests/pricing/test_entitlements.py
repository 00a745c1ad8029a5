"""Entitlements of the user's plan, the usage counters, and the enrolment-limit gate registered with Education."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from azora.accounts.models import User
from azora.accounts.tests.conftest import session_client
from azora.accounts.tests.factories import UserFactory
from azora.education import public as education
from azora.education.models import Enrollment
from azora.education.tests.factories import CourseFactory, EnrollmentFactory
from azora.revenue.gates import enrolment_limit_gate
from azora.revenue.models import Plan
from azora.revenue.public import pricing
from azora.revenue.selectors import pricing as pricing_selectors
from azora.revenue.tests.pricing.factories import plan_catalogue, subscribe
from azora.shared.models import OutboxEvent
from azora.shared.money import Money
from azora.shared.testing.concurrency import race_errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(catalogue: dict[str, Plan]) -> User:
    user: User = UserFactory()
    return user


@pytest.fixture
def _no_counters() -> Iterator[None]:
    saved = dict(pricing_selectors._counters)
    pricing_selectors._counters.clear()
    yield
    pricing_selectors._counters.clear()
    pricing_selectors._counters.update(saved)


def enrolled(user: User, count: int, **fields: Any) -> list[Enrollment]:
    return [EnrollmentFactory(user=user, **fields) for _ in range(count)]


# --- Flags and limits per plan ---


def test_free_flags_and_limits(learner: User) -> None:
    check = pricing.entitlement_check

    assert check(user_id=learner.id, name="may_sell") == pricing.EntitlementView(
        name="may_sell", allowed=False, limit=None, used=None, remaining=None, plan_code="free"
    )
    assert check(user_id=learner.id, name="certificates").allowed is True
    assert check(user_id=learner.id, name="offline_access").allowed is False
    assert check(user_id=learner.id, name="elara_questions_per_month", used=3) == pricing.EntitlementView(
        name="elara_questions_per_month", allowed=True, limit=10, used=3, remaining=7, plan_code="free"
    )
    assert check(user_id=learner.id, name="elara_questions_per_month", used=10).allowed is False
    assert check(user_id=learner.id, name="elara_questions_per_month", used=12).remaining == 0
    assert pricing.azr_monthly_cap(user_id=learner.id) == Money(5_000, "AZR")
    assert pricing.seller_share_bp(user_id=learner.id) is None


def test_pro_and_enterprise(learner: User) -> None:
    subscribe(learner, "pro")
    other = UserFactory()
    subscribe(other, "enterprise")

    assert pricing.entitlement_check(user_id=learner.id, name="enrolments_per_month") == pricing.EntitlementView(
        name="enrolments_per_month", allowed=True, limit=None, used=None, remaining=None, plan_code="pro"
    )
    assert pricing.entitlement_check(user_id=learner.id, name="may_sell").allowed is True
    assert pricing.entitlement_check(user_id=learner.id, name="offline_access").allowed is True
    assert pricing.seller_share_bp(user_id=learner.id) == 7_000
    assert pricing.seller_share_bp(user_id=other.id) == 7_500
    assert pricing.azr_monthly_cap(user_id=learner.id) == Money(50_000, "AZR")
    assert pricing.azr_monthly_cap(user_id=other.id) == Money(500_000, "AZR")


def test_an_admins_edit_of_a_limit_applies_at_once(learner: User) -> None:
    Plan.objects.filter(code="free").update(elara_questions_per_month=3)

    assert pricing.entitlement_check(user_id=learner.id, name="elara_questions_per_month", used=3).allowed is False


@pytest.mark.usefixtures("_no_counters")
def test_a_limited_count_without_counter_or_used_is_a_programming_error(learner: User) -> None:
    with pytest.raises(pricing.UsageUnknown):
        pricing.entitlement_check(user_id=learner.id, name="elara_questions_per_month")
    with pytest.raises(pricing.UnknownEntitlement):
        pricing.entitlement_check(user_id=learner.id, name="teleportation")
    with pytest.raises(pricing.UnknownEntitlement):
        pricing.register_usage_counter("enrolments_per_month", lambda *, user_id, since: 0)


@pytest.mark.usefixtures("_no_counters")
def test_a_registered_counter_counts_from_the_start_of_the_utc_month(learner: User) -> None:
    asked: list[tuple[uuid.UUID, datetime]] = []

    def questions(*, user_id: uuid.UUID, since: datetime) -> int:
        asked.append((user_id, since))
        return 10

    pricing.register_usage_counter("elara_questions_per_month", questions)
    view = pricing.entitlement_check(user_id=learner.id, name="elara_questions_per_month")

    now = timezone.now().astimezone(UTC)
    assert asked == [(learner.id, datetime(now.year, now.month, 1, tzinfo=UTC))]
    assert (view.allowed, view.used, view.remaining) == (False, 10, 0)


def test_month_start_is_utc() -> None:
    # 01:30 on 1 December in Johannesburg is still 30 November in UTC.
    johannesburg = timezone.get_fixed_timezone(120)
    assert pricing_selectors.month_start(datetime(2026, 12, 1, 1, 30, tzinfo=johannesburg)) == datetime(
        2026, 11, 1, tzinfo=UTC
    )
    assert pricing_selectors.month_start(datetime(2026, 11, 30, 23, 59, tzinfo=UTC)) == datetime(
        2026, 11, 1, tzinfo=UTC
    )


# --- The enrolment gate ---


def test_free_counts_this_months_new_enrolments(learner: User) -> None:
    enrolled(learner, 3)
    last_month = enrolled(learner, 2)
    Enrollment.objects.filter(pk__in=[e.pk for e in last_month]).update(
        created_at=pricing_selectors.month_start() - timedelta(seconds=1)
    )

    view = pricing.entitlement_check(user_id=learner.id, name="enrolments_per_month")

    assert (view.allowed, view.limit, view.used, view.remaining) == (True, 5, 3, 2)


def test_the_sixth_enrolment_of_the_month_on_free_is_refused_and_nothing_is_written(learner: User) -> None:
    enrolled(learner, 5)
    course = CourseFactory(published=True)
    events_before = OutboxEvent.objects.count()

    with pytest.raises(pricing.EnrolmentLimitReached) as refused:
        education.enrollment_create(course_id=course.id, user_id=learner.id)

    assert refused.value.code == "enrolment_limit_reached"
    assert refused.value.extra["limit"] == 5
    assert refused.value.extra["used"] == 5
    assert refused.value.extra["plan"] == "free"
    assert Enrollment.objects.filter(user=learner).count() == 5
    assert not Enrollment.objects.filter(course=course).exists()
    assert OutboxEvent.objects.count() == events_before


def test_the_api_answers_the_sixth_enrolment_with_a_problem(learner: User) -> None:
    enrolled(learner, 5)
    course = CourseFactory(published=True)

    response = session_client(learner).post(
        f"/api/v1/courses/{course.id}/enrollments", data="{}", content_type="application/json"
    )

    assert response.status_code == 403, response.content
    assert response.json()["code"] == "enrolment_limit_reached"
    assert not Enrollment.objects.filter(course=course).exists()


def test_pro_enrols_without_a_monthly_limit(learner: User) -> None:
    subscribe(learner, "pro")
    enrolled(learner, 5)
    course = CourseFactory(published=True)

    assert education.enrollment_create(course_id=course.id, user_id=learner.id).created is True


def test_a_purchase_is_never_refused_by_the_monthly_limit(learner: User) -> None:
    enrolled(learner, 5)
    course = CourseFactory(published=True, is_paid=True)

    assert education.enrollment_create(course_id=course.id, user_id=learner.id, source="purchase").created is True
    # Neither refused nor counted: the month's five free enrolments are still all used, none more.
    assert pricing.entitlement_check(user_id=learner.id, name="enrolments_per_month").used == 5


def test_an_existing_enrolment_is_returned_without_asking_the_gate(learner: User) -> None:
    first, *_ = enrolled(learner, 5)

    view = education.enrollment_create(course_id=first.course_id, user_id=learner.id)

    assert view.created is False


def test_the_gate_is_registered_with_education_at_start_up(registered_gates: tuple[object, ...]) -> None:
    assert enrolment_limit_gate in registered_gates


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_enrolments_cannot_both_take_the_last_one_of_the_month() -> None:
    plan_catalogue()
    learner = UserFactory()
    enrolled(learner, 4)
    courses = [CourseFactory(published=True) for _ in range(2)]

    outcomes = race_errors(
        *(lambda c=c: education.enrollment_create(course_id=c.id, user_id=learner.id) for c in courses)
    )

    assert sorted(type(o).__name__ for o in outcomes) == ["EnrolmentLimitReached", "NoneType"]
    assert Enrollment.objects.filter(user=learner).count() == 5
