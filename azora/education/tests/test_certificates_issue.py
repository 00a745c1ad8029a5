"""Issuing certificates: the Open Badges 3.0 credential, its EdDSA signature, idempotence, the CourseCompleted hook."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import jwt
import pytest
from django.db import transaction
from django.test import override_settings

from azora.accounts.tests.factories import UserFactory
from azora.education import signing
from azora.education.errors import CertificateNotEarned
from azora.education.events import CourseCompleted
from azora.education.models import Certificate, EnrollmentStatus
from azora.education.services.certificates import certificate_issue
from azora.education.tests.certificate_factories import CourseFactory, EnrollmentFactory
from azora.shared.events import publish
from azora.shared.models import OutboxEvent

pytestmark = pytest.mark.django_db

ISSUED_EVENT_TYPE = "education.certificate_issued"


def _issued_events() -> list[dict[str, Any]]:
    return list(OutboxEvent.objects.filter(event_type=ISSUED_EVENT_TYPE).values_list("payload", flat=True))


@override_settings(AZORA_PUBLIC_URL="https://learn.azora.example", AZORA_CERTIFICATE_ISSUER_NAME="Azora")
def test_a_completed_enrolment_earns_an_open_badges_3_credential_signed_with_the_issuer_key() -> None:
    learner = UserFactory(display_name="Sipho Dlamini")
    course = CourseFactory(title="Money basics", slug="money-basics", tags=["budgeting", "compound interest"])
    enrollment = EnrollmentFactory(user=learner, course=course)

    certificate_id = certificate_issue(enrollment_id=enrollment.id)

    certificate = Certificate.objects.get()
    assert certificate.id == certificate_id
    assert certificate_id.version == 7
    urn = f"urn:uuid:{certificate_id}"
    valid_from = certificate.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert certificate.valid_until - certificate.issued_at == timedelta(days=365)
    assert certificate.issued_at.microsecond == 0
    issuer = {
        "id": "https://learn.azora.example/",
        "type": ["Profile"],
        "name": "Azora",
        "url": "https://learn.azora.example/",
    }
    assert certificate.credential == {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": urn,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Money basics",
        "issuer": issuer,
        "validFrom": valid_from,
        "validUntil": certificate.valid_until.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": "Sipho Dlamini",
            "identifier": [
                {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": "Sipho Dlamini"}
            ],
            "activityEndDate": enrollment.completed_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "achievement": {
                "id": "https://learn.azora.example/courses/money-basics",
                "type": ["Achievement"],
                "achievementType": "Course",
                "name": "Money basics",
                "description": course.summary,
                "criteria": {
                    "narrative": "Completed every required lesson of “Money basics” on Azora "
                    "and passed its required assessments."
                },
                "tag": ["budgeting", "compound interest"],
            },
        },
        "credentialStatus": {
            "id": f"https://learn.azora.example/credentials/status/revocation#{certificate.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(certificate.status_index),
            "statusListCredential": "https://learn.azora.example/credentials/status/revocation",
        },
        "iss": "https://learn.azora.example/",
        "jti": urn,
        "nbf": int(certificate.issued_at.timestamp()),
        "exp": int(certificate.valid_until.timestamp()),
    }
    # Anyone can check it with nothing but the published JWKS and a JOSE library.
    keyring = signing.configured_keyring()
    assert jwt.get_unverified_header(certificate.signed_jwt) == {
        "alg": "EdDSA",
        "kid": keyring.active.kid,
        "typ": "JWT",
    }
    public_key = jwt.PyJWK(keyring.jwks()["keys"][0]).key
    assert jwt.decode(certificate.signed_jwt, public_key, algorithms=["EdDSA"]) == certificate.credential
    assert (certificate.kid, certificate.learner_name, certificate.course_title, certificate.skills) == (
        keyring.active.kid,
        "Sipho Dlamini",
        "Money basics",
        ["budgeting", "compound interest"],
    )
    assert _issued_events() == [
        {
            "certificate_id": str(certificate_id),
            "course_id": str(course.id),
            "user_id": str(learner.id),
            "skills": ["budgeting", "compound interest"],
        }
    ]


def test_issuing_twice_returns_the_first_certificate_and_publishes_once() -> None:
    enrollment = EnrollmentFactory()
    first = certificate_issue(enrollment_id=enrollment.id)
    signed = Certificate.objects.get().signed_jwt

    second = certificate_issue(enrollment_id=enrollment.id)

    assert second == first
    assert Certificate.objects.get().signed_jwt == signed
    assert len(_issued_events()) == 1


@override_settings(AZORA_CERTIFICATE_VALIDITY_DAYS=30)
def test_the_validity_period_is_configurable() -> None:
    certificate_issue(enrollment_id=EnrollmentFactory().id)

    certificate = Certificate.objects.get()
    assert certificate.valid_until - certificate.issued_at == timedelta(days=30)
    assert certificate.credential["exp"] - certificate.credential["nbf"] == 30 * 86400


def test_a_learner_without_a_display_name_is_named_by_the_start_of_their_email() -> None:
    learner = UserFactory(display_name="", email="naledi.m@example.test")

    certificate_issue(enrollment_id=EnrollmentFactory(user=learner).id)

    assert Certificate.objects.get().learner_name == "naledi.m"


@pytest.mark.parametrize(
    "make_enrollment_id", [lambda: EnrollmentFactory(status=EnrollmentStatus.ACTIVE).id, uuid.uuid4]
)
def test_an_enrolment_that_is_not_completed_or_does_not_exist_earns_nothing(
    make_enrollment_id: Callable[[], uuid.UUID],
) -> None:
    enrollment_id = make_enrollment_id()

    with pytest.raises(CertificateNotEarned):
        certificate_issue(enrollment_id=enrollment_id)

    assert Certificate.objects.count() == 0
    assert _issued_events() == []


def test_course_completed_issues_the_certificate_through_the_outbox_once(
    django_capture_on_commit_callbacks: Any,
) -> None:
    enrollment = EnrollmentFactory()
    event = CourseCompleted(enrollment_id=enrollment.id, course_id=enrollment.course_id, user_id=enrollment.user_id)

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        publish(event)
    # The same fact announced again (a retry upstream) must not issue a second certificate.
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        publish(event)

    certificate = Certificate.objects.get()
    assert (certificate.enrollment_id, certificate.user_id, certificate.course_id) == (
        enrollment.id,
        enrollment.user_id,
        enrollment.course_id,
    )
    assert len(_issued_events()) == 1


def test_the_certificate_subscriber_is_registered_for_course_completed() -> None:
    from azora.education.subscribers import issue_certificate_on_course_completed
    from azora.shared.events.registry import subscriptions_for

    handlers = {s.name: s.handler for s in subscriptions_for(CourseCompleted.event_type)}
    assert handlers["education.issue_certificate_on_course_completed"] is issue_certificate_on_course_completed
