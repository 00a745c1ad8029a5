"""Issuing and revoking certificates when two requests race, on PostgreSQL's row locks."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable

import pytest
from django.db import connections

from azora.accounts.tests.factories import UserFactory
from azora.education.models import Certificate, CertificateRevocation
from azora.education.public import certificate_revoke
from azora.education.services.certificates import certificate_issue
from azora.education.tests.certificate_factories import CourseFactory, EnrollmentFactory, issued_certificate
from azora.shared.models import OutboxEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(*calls: Callable[[], object]) -> list[object]:
    """Run each call in its own thread (and connection), released together; each call's result or error."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except BaseException as error:  # the test inspects every outcome
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_concurrent_issues_for_one_enrolment_make_one_certificate() -> None:
    enrollment = EnrollmentFactory()

    outcomes = _race(*(lambda: certificate_issue(enrollment_id=enrollment.id) for _ in range(3)))

    certificate = Certificate.objects.get()
    assert outcomes == [certificate.id] * 3
    assert all(isinstance(outcome, uuid.UUID) for outcome in outcomes)
    assert OutboxEvent.objects.filter(event_type="education.certificate_issued").count() == 1


def test_two_concurrent_revocations_write_one_record() -> None:
    first, second = UserFactory(), UserFactory()
    certificate = issued_certificate(course=CourseFactory(instructors=[first, second]))

    outcomes = _race(
        lambda: certificate_revoke(certificate_id=certificate.id, by_user_id=first.id, reason="First."),
        lambda: certificate_revoke(certificate_id=certificate.id, by_user_id=second.id, reason="Second."),
    )

    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["CertificateAlreadyRevoked", "CertificateView"]
    revocation = CertificateRevocation.objects.get()
    winner = first if revocation.reason == "First." else second
    assert revocation.revoked_by_id == winner.id
