"""The events Azora Education publishes: enrolments, completed lessons and courses, assessments, certificates."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import ClassVar

from azora.shared.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class EnrollmentCreated(DomainEvent):
    event_type: ClassVar[str] = "education.enrollment_created"

    enrollment_id: uuid.UUID
    course_id: uuid.UUID
    user_id: uuid.UUID
    source: str  # "self" (free self-enrolment) or what enrolled the learner ("purchase", "organisation", ...)


@dataclass(frozen=True, kw_only=True)
class EnrollmentRevoked(DomainEvent):
    """Access withdrawn (a refund, an admin); published once per revocation. A later purchase that reactivates the
    enrolment publishes EnrollmentCreated again with the same `enrollment_id`."""

    event_type: ClassVar[str] = "education.enrollment_revoked"

    enrollment_id: uuid.UUID
    course_id: uuid.UUID
    user_id: uuid.UUID
    reason: str


@dataclass(frozen=True, kw_only=True)
class LessonCompleted(DomainEvent):
    event_type: ClassVar[str] = "education.lesson_completed"

    lesson_id: uuid.UUID
    course_id: uuid.UUID
    user_id: uuid.UUID
    # Added later: the defaults let events written before them still decode (the codec skips missing keys).
    seconds_spent: int = 0  # the estimate stored on the progress row (docs/education.md, time spent)
    progress_percent: int = 0  # the enrolment's progress after this lesson, as ProgressView.percent


@dataclass(frozen=True, kw_only=True)
class AssessmentPassed(DomainEvent):
    event_type: ClassVar[str] = "education.assessment_passed"

    attempt_id: uuid.UUID
    assessment_id: uuid.UUID
    course_id: uuid.UUID
    user_id: uuid.UUID
    score_percent: str  # a decimal as text, e.g. "83.33": events carry no floats
    seconds_spent: int = 0  # submitted minus started (0 in events written before the field existed)


@dataclass(frozen=True, kw_only=True)
class AssessmentFailed(DomainEvent):
    event_type: ClassVar[str] = "education.assessment_failed"

    attempt_id: uuid.UUID
    assessment_id: uuid.UUID
    course_id: uuid.UUID
    user_id: uuid.UUID
    score_percent: str


@dataclass(frozen=True, kw_only=True)
class CourseCompleted(DomainEvent):
    event_type: ClassVar[str] = "education.course_completed"

    enrollment_id: uuid.UUID
    course_id: uuid.UUID
    user_id: uuid.UUID
    # The enrolment's lesson estimates plus the durations of its passed attempts (0 in events written before).
    seconds_spent: int = 0


@dataclass(frozen=True, kw_only=True)
class CertificateIssued(DomainEvent):
    event_type: ClassVar[str] = "education.certificate_issued"

    certificate_id: uuid.UUID
    course_id: uuid.UUID
    user_id: uuid.UUID
    skills: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class CertificateRevoked(DomainEvent):
    event_type: ClassVar[str] = "education.certificate_revoked"

    certificate_id: uuid.UUID
    course_id: uuid.UUID
    user_id: uuid.UUID  # the learner who held it
    revoked_by: uuid.UUID
