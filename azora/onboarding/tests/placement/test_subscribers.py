"""The placement is offered again after a completed course (education's CourseCompleted through the outbox)."""

from __future__ import annotations

import uuid

import pytest
from django.db import transaction

from azora.accounts.models import User
from azora.education.events import CourseCompleted
from azora.onboarding.models import LearningPath
from azora.onboarding.public import learning_path_of, placement_answer, placement_start
from azora.onboarding.tests.placement.conftest import Catalogue, placement_snapshot, right_answer
from azora.shared.events import dispatch_event, publish
from azora.shared.models import EventDelivery

pytestmark = pytest.mark.django_db

SUBSCRIBER = "onboarding.reoffer_placement_on_course_completed"


def deliver(event: CourseCompleted) -> uuid.UUID:
    """Publishes as education does (in a transaction), then runs the dispatch the after-commit task runs."""
    with transaction.atomic():
        event_id = publish(event)
    assert dispatch_event(event_id) == "dispatched"
    status = EventDelivery.objects.filter(event_id=event_id, subscriber_name=SUBSCRIBER).values_list(
        "status", flat=True
    )
    assert list(status) == ["handled"]
    return event_id


def complete_placement(user: User) -> None:
    view = placement_start(user_id=user.id)
    while view.current is not None:
        view = placement_answer(
            attempt_id=view.id,
            user_id=user.id,
            question_id=view.current.question_id,
            answer=right_answer(view.current.kind),
        )


def completed(catalogue: Catalogue, user: User, key: str) -> CourseCompleted:
    return CourseCompleted(enrollment_id=uuid.uuid4(), course_id=catalogue.courses[key].id, user_id=user.id)


def test_a_completed_course_offers_the_placement_again_once(catalogue: Catalogue, learner: User) -> None:
    complete_placement(learner)
    event = completed(catalogue, learner, "money-basics")
    event_id = deliver(event)
    path = learning_path_of(user_id=learner.id)
    assert path is not None
    assert path.placement_reoffered is True
    assert path.reoffered_at is not None
    assert path.reoffer_reason == "You completed “Money Basics”: take the placement again to update your learning path."
    marked = placement_snapshot()
    assert dispatch_event(event_id) == "dispatched"  # redelivered
    deliver(completed(catalogue, learner, "tech-basics"))  # another course: the first offer stands
    assert placement_snapshot() == marked
    row = LearningPath.objects.get(user_id=learner.id)
    assert row.reoffered_course_id == catalogue.courses["money-basics"].id


def test_the_next_completed_placement_makes_a_path_without_the_offer(catalogue: Catalogue, learner: User) -> None:
    complete_placement(learner)
    deliver(completed(catalogue, learner, "money-basics"))
    complete_placement(learner)
    path = learning_path_of(user_id=learner.id)
    assert path is not None
    assert (path.placement_reoffered, path.reoffer_reason, path.reoffered_at) == (False, "", None)


def test_a_learner_without_a_path_is_left_alone(catalogue: Catalogue, learner: User) -> None:
    deliver(completed(catalogue, learner, "money-basics"))
    assert LearningPath.objects.count() == 0


def test_a_completion_the_path_already_knew_offers_nothing(catalogue: Catalogue, learner: User) -> None:
    """The event of a course completed before the path was built arrives late (the outbox dispatches after commit,
    the demo data builds the path meanwhile): the path already left that course out, so nothing is re-offered."""
    from django.utils import timezone

    from azora.education.tests.factories import EnrollmentFactory

    course = catalogue.courses["money-basics"]
    enrollment = EnrollmentFactory(course=course, user=learner, status="completed", completed_at=timezone.now())
    complete_placement(learner)
    before = placement_snapshot()

    deliver(CourseCompleted(enrollment_id=enrollment.id, course_id=course.id, user_id=learner.id))

    assert placement_snapshot() == before
    path = learning_path_of(user_id=learner.id)
    assert path is not None
    assert path.placement_reoffered is False
