"""Issuing and revoking certificates when two requests race, on PostgreSQL's row locks."""

from __future__ import annotations

import uuid

import pytest

from azora.accounts.tests.factories import UserFactory
from azora.education.models import Certificate, CertificateRevocation
from azora.education.public import certificate_revoke
from azora.education.services.certificates import certificate_issue
from azora.education.tests.certificate_factories import CourseFactory, EnrollmentFactory, issued_certificate
from azora.shared.models import OutboxEvent
from azora.shared.testing.concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_concurrent_issues_for_one_enrolment_make_one_certificate() -> None:
    enrollment = EnrollmentFactory()

    outcomes = race(*(lambda: certificate_issue(enrollment_id=enrollment.id) for _ in range(3)))

    certificate = Certificate.objects.get()
    assert outcomes == [certificate.id] * 3
    assert all(isinstance(outcome, uuid.UUID) for outcome in outcomes)
    assert OutboxEvent.objects.filter(event_type="education.certificate_issued").count() == 1


def test_two_concurrent_revocations_write_one_record() -> None:
    first, second = UserFactory(), UserFactory()
    certificate = issued_certificate(course=CourseFactory(instructors=[first, second]))

    outcomes = race(
        lambda: certificate_revoke(certificate_id=certificate.id, by_user_id=first.id, reason="First."),
        lambda: certificate_revoke(certificate_id=certificate.id, by_user_id=second.id, reason="Second."),
    )

    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["CertificateAlreadyRevoked", "CertificateView"]
    revocation = CertificateRevocation.objects.get()
    winner = first if revocation.reason == "First." else second
    assert revocation.revoked_by_id == winner.id
