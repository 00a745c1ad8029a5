"""The revenue engine's handlers for Azora Education's events: learn-to-earn rewards and upgrade offers."""

from __future__ import annotations

import uuid
from decimal import Decimal

import azora.education.public as education
from azora.education.events import AssessmentPassed, CertificateIssued, CourseCompleted, LessonCompleted
from azora.revenue.models import OfferKind, RewardItem
from azora.revenue.services import offers, rewards
from azora.shared.events import DomainEvent, subscriber

# Rewards and offers are separate subscribers: a failing offer (say, subscriptions refusing) never holds back a
# reward, and each is retried on its own.


def source_event_id(event: DomainEvent, *subject_ids: uuid.UUID) -> uuid.UUID:
    """A stable id for the fact the event announces: its type plus the ids it is about.

    The dispatcher hands handlers the event without its outbox id, so the proof carries this id (the same for a
    redelivery of the same event) together with the event's type and subject ids.
    """
    key = ":".join([event.event_type, *(str(subject_id) for subject_id in subject_ids)])
    return uuid.uuid5(uuid.NAMESPACE_URL, f"azora:event:{key}")


@subscriber(LessonCompleted, name="revenue.reward_on_lesson_completed")
def reward_on_lesson_completed(event: LessonCompleted) -> None:
    rewards.reward_grant(
        user_id=event.user_id,
        item=RewardItem.LESSON_COMPLETION,
        item_id=event.lesson_id,
        course_id=event.course_id,
        event_id=source_event_id(event, event.user_id, event.lesson_id),
        event_type=event.event_type,
        seconds_spent=event.seconds_spent,
        evidence={"lesson_id": str(event.lesson_id)},
    )


@subscriber(AssessmentPassed, name="revenue.reward_on_assessment_passed")
def reward_on_assessment_passed(event: AssessmentPassed) -> None:
    # Keyed by the assessment, not the attempt: a retake that passes again pays nothing more.
    rewards.reward_grant(
        user_id=event.user_id,
        item=RewardItem.ASSESSMENT_PASSED,
        item_id=event.assessment_id,
        course_id=event.course_id,
        event_id=source_event_id(event, event.attempt_id),
        event_type=event.event_type,
        score=Decimal(event.score_percent),
        seconds_spent=event.seconds_spent,
        evidence={"attempt_id": str(event.attempt_id), "assessment_id": str(event.assessment_id)},
    )


@subscriber(CourseCompleted, name="revenue.reward_on_course_completed")
def reward_on_course_completed(event: CourseCompleted) -> None:
    rewards.reward_grant(
        user_id=event.user_id,
        item=RewardItem.COURSE_COMPLETION,
        item_id=event.course_id,
        course_id=event.course_id,
        event_id=source_event_id(event, event.enrollment_id),
        event_type=event.event_type,
        seconds_spent=event.seconds_spent,
        evidence={"enrollment_id": str(event.enrollment_id)},
    )


@subscriber(CertificateIssued, name="revenue.reward_on_certificate_issued")
def reward_on_certificate_issued(event: CertificateIssued) -> None:
    # Keyed by the course: a certificate issued again for the same course (after a revocation) pays nothing more.
    rewards.reward_grant(
        user_id=event.user_id,
        item=RewardItem.CERTIFICATE_EARNED,
        item_id=event.course_id,
        course_id=event.course_id,
        event_id=source_event_id(event, event.certificate_id),
        event_type=event.event_type,
        evidence={"certificate_id": str(event.certificate_id)},
    )


@subscriber(LessonCompleted, name="revenue.offer_on_lesson_completed")
def offer_on_lesson_completed(event: LessonCompleted) -> None:
    # Events written before progress_percent existed carry 0: then ask education for the progress.
    percent = event.progress_percent or education.course_progress_percent(
        user_id=event.user_id, course_id=event.course_id
    )
    if percent >= offers.offer_progress_percent():
        offers.offer_make(
            user_id=event.user_id,
            kind=OfferKind.PROGRESS,
            event_id=source_event_id(event, event.user_id, event.lesson_id),
            course_id=event.course_id,
        )


@subscriber(AssessmentPassed, name="revenue.offer_on_assessment_passed")
def offer_on_assessment_passed(event: AssessmentPassed) -> None:
    # Only the learner's first pass: an earlier pass left its reward decision (whatever this subscriber's order
    # relative to the reward's); the kind is offered at most once per learner anyway.
    event_id = source_event_id(event, event.attempt_id)
    if rewards.assessment_passed_before(user_id=event.user_id, event_id=event_id):
        return
    offers.offer_make(user_id=event.user_id, kind=OfferKind.FIRST_PASS, event_id=event_id, course_id=event.course_id)


@subscriber(CourseCompleted, name="revenue.offer_on_course_completed")
def offer_on_course_completed(event: CourseCompleted) -> None:
    offers.offer_make(
        user_id=event.user_id,
        kind=OfferKind.COMPLETION,
        event_id=source_event_id(event, event.enrollment_id),
        course_id=event.course_id,
    )
