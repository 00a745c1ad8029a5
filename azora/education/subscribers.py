"""Azora Education's handlers of domain events: a completed course earns its certificate."""

from __future__ import annotations

from azora.education.errors import CertificateNotEarned
from azora.education.events import CourseCompleted
from azora.education.services import certificates
from azora.shared.events import subscriber
from azora.shared.observability.logging import get_logger

logger = get_logger("azora.education")


@subscriber(CourseCompleted, name="education.issue_certificate_on_course_completed")
def issue_certificate_on_course_completed(event: CourseCompleted) -> None:
    # Idempotent twice over: the dispatcher dedupes by event, and one enrolment has at most one certificate.
    try:
        certificates.certificate_issue(enrollment_id=event.enrollment_id)
    except CertificateNotEarned:
        # The enrolment was completed when the event was published, so it has been revoked since (a refund):
        # no certificate, and nothing to retry.
        logger.info("certificate_not_issued_enrollment_revoked", enrollment_id=str(event.enrollment_id))
