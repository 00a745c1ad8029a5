"""Azora Education's handlers of domain events: a completed course earns its certificate."""

from __future__ import annotations

from azora.education.events import CourseCompleted
from azora.education.services import certificates
from azora.shared.events import subscriber


@subscriber(CourseCompleted, name="education.issue_certificate_on_course_completed")
def issue_certificate_on_course_completed(event: CourseCompleted) -> None:
    # Idempotent twice over: the dispatcher dedupes by event, and one enrolment has at most one certificate.
    certificates.certificate_issue(enrollment_id=event.enrollment_id)
