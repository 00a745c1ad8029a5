"""The marketplace's handlers for other apps' events: certificates verify skills.

Each handler calls one service in azora.marketplace.services.skills; the dispatcher runs it in a transaction and
dedupes by subscriber name and event id, and the services are idempotent on their own too.
"""

from __future__ import annotations

from azora.education.events import CertificateIssued, CertificateRevoked
from azora.marketplace.services import skills
from azora.shared.events import subscriber


@subscriber(CertificateIssued, name="marketplace.verify_skills_on_certificate_issued")
def verify_skills_on_certificate_issued(event: CertificateIssued) -> None:
    skills.skills_verify_from_certificate(
        user_id=event.user_id,
        certificate_id=event.certificate_id,
        course_id=event.course_id,
        skill_names=event.skills,
    )


@subscriber(CertificateRevoked, name="marketplace.unverify_skills_on_certificate_revoked")
def unverify_skills_on_certificate_revoked(event: CertificateRevoked) -> None:
    skills.skills_unverify_for_certificate(user_id=event.user_id, certificate_id=event.certificate_id)
