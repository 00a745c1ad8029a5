"""Verifying certificates: signature, expiry and revocation are checked apart, and each failure says what and why."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from django.test import Client, override_settings
from django.utils import timezone

from azora.accounts.tests.factories import UserFactory
from azora.education import signing
from azora.education.errors import CertificateNotFound
from azora.education.models import Certificate
from azora.education.public import certificate_revoke, certificate_verify, certificate_verify_token
from azora.education.services.certificates import certificate_issue
from azora.education.tests.certificate_factories import CourseFactory, EnrollmentFactory, issued_certificate
from azora.shared.ids import uuid7

pytestmark = pytest.mark.django_db

SIGNED_BY = "Signed by the issuer's key {kid} (Ed25519)."
NOT_REVOKED = "Not revoked by the issuer."


def _outcomes(certificate: Certificate) -> list[tuple[str, bool, str]]:
    view = certificate_verify(certificate_id=certificate.id)
    return [(check.name, check.is_ok, check.reason) for check in view.checks]


def _valid_until(certificate: Certificate) -> str:
    return f"Valid until {certificate.valid_until.astimezone(UTC):%d %B %Y, %H:%M} UTC."


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_a_genuine_certificate_passes_every_check_and_shows_the_signed_facts() -> None:
    learner = UserFactory(display_name="Sipho Dlamini")
    certificate = issued_certificate(user=learner, course=CourseFactory(title="Money basics", tags=["budgeting"]))

    view = certificate_verify(certificate_id=certificate.id)

    assert view.is_valid is True
    assert _outcomes(certificate) == [
        ("signature", True, SIGNED_BY.format(kid=certificate.kid)),
        ("expiry", True, _valid_until(certificate)),
        ("revocation", True, NOT_REVOKED),
    ]
    assert (view.learner_name, view.course_title, view.skills, view.issuer_name) == (
        "Sipho Dlamini",
        "Money basics",
        ("budgeting",),
        "Azora",
    )
    assert (view.issued_at, view.valid_until, view.revoked_at) == (certificate.issued_at, certificate.valid_until, None)
    assert view.verify_url == f"http://127.0.0.1:8000/verify/{certificate.id}/"


def test_a_tampered_payload_fails_only_the_signature_check() -> None:
    certificate = issued_certificate(user=UserFactory(display_name="Sipho Dlamini"))
    header, _payload, signature = certificate.signed_jwt.split(".")
    forged = {
        **certificate.credential,
        "credentialSubject": {**certificate.credential["credentialSubject"], "name": "Mallory"},
    }
    Certificate.objects.filter(id=certificate.id).update(signed_jwt=f"{header}.{_b64(forged)}.{signature}")

    view = certificate_verify(certificate_id=certificate.id)

    assert view.is_valid is False
    assert _outcomes(certificate) == [
        ("signature", False, "The signature does not match: the credential was changed after it was signed."),
        ("expiry", True, _valid_until(certificate)),
        ("revocation", True, NOT_REVOKED),
    ]
    assert [check.name for check in view.failed_checks] == ["signature"]
    # Unsigned claims are never shown as if the issuer had signed them: the facts are the issuer's record.
    assert view.learner_name == "Sipho Dlamini"


def test_an_expired_certificate_fails_only_the_expiry_check(monkeypatch: pytest.MonkeyPatch) -> None:
    enrollment = EnrollmentFactory()
    two_years_ago = timezone.now() - timedelta(days=730)
    with monkeypatch.context() as patch:
        patch.setattr("django.utils.timezone.now", lambda: two_years_ago)
        certificate = Certificate.objects.get(id=certificate_issue(enrollment_id=enrollment.id))

    view = certificate_verify(certificate_id=certificate.id)

    assert view.is_valid is False
    assert _outcomes(certificate) == [
        ("signature", True, SIGNED_BY.format(kid=certificate.kid)),
        ("expiry", False, f"Expired on {certificate.valid_until.astimezone(UTC):%d %B %Y, %H:%M} UTC."),
        ("revocation", True, NOT_REVOKED),
    ]


def test_a_revoked_certificate_fails_only_the_revocation_check_and_gives_the_reason() -> None:
    instructor = UserFactory()
    certificate = issued_certificate(course=CourseFactory(instructors=[instructor]))
    revoked = certificate_revoke(
        certificate_id=certificate.id, by_user_id=instructor.id, reason="Plagiarised final project."
    )
    assert revoked.revoked_at is not None

    view = certificate_verify(certificate_id=certificate.id)

    assert view.is_valid is False
    assert _outcomes(certificate) == [
        ("signature", True, SIGNED_BY.format(kid=certificate.kid)),
        ("expiry", True, _valid_until(certificate)),
        (
            "revocation",
            False,
            f"Revoked by the issuer on {revoked.revoked_at.astimezone(UTC):%d %B %Y, %H:%M} UTC: "
            "Plagiarised final project.",
        ),
    ]
    assert (view.revoked_at, view.revocation_reason) == (revoked.revoked_at, "Plagiarised final project.")


def test_a_genuine_signature_over_another_certificate_does_not_vouch_for_this_one() -> None:
    mine, other = issued_certificate(), issued_certificate()
    Certificate.objects.filter(id=mine.id).update(signed_jwt=other.signed_jwt)

    assert _outcomes(mine)[0] == (
        "signature",
        False,
        "The signed credential is a different certificate than the one asked for.",
    )


def test_a_certificate_signed_before_a_key_rotation_verifies_while_its_old_key_is_published() -> None:
    certificate = issued_certificate()
    old_key = signing.configured_keyring().active.public_key
    old_pem = old_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    new_pem = (
        ed25519.Ed25519PrivateKey.generate()
        .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        .decode()
    )

    with override_settings(AZORA_CERTIFICATE_SIGNING_KEY=new_pem, AZORA_CERTIFICATE_RETIRED_PUBLIC_KEYS=old_pem):
        assert certificate_verify(certificate_id=certificate.id).is_valid is True
    with override_settings(AZORA_CERTIFICATE_SIGNING_KEY=new_pem, AZORA_CERTIFICATE_RETIRED_PUBLIC_KEYS=""):
        assert _outcomes(certificate)[0] == (
            "signature",
            False,
            f"The signing key {certificate.kid} is not one of the issuer's published keys.",
        )


def test_an_unknown_certificate_is_not_found() -> None:
    with pytest.raises(CertificateNotFound):
        certificate_verify(certificate_id=uuid7())


def test_anyone_can_verify_through_the_api_without_signing_in(client: Client) -> None:
    certificate = issued_certificate(user=UserFactory(display_name="Sipho Dlamini"))

    response = client.get(f"/api/v1/certificates/{certificate.id}/verify")

    assert response.status_code == 200
    body = response.json()
    assert body["is_valid"] is True
    assert body["checks"] == [
        {"name": "signature", "is_ok": True, "reason": SIGNED_BY.format(kid=certificate.kid)},
        {"name": "expiry", "is_ok": True, "reason": _valid_until(certificate)},
        {"name": "revocation", "is_ok": True, "reason": NOT_REVOKED},
    ]
    assert (body["certificate_id"], body["learner_name"], body["kid"]) == (
        str(certificate.id),
        "Sipho Dlamini",
        certificate.kid,
    )
    assert datetime.fromisoformat(body["valid_until"]) == certificate.valid_until


def test_verifying_an_unknown_or_malformed_id_through_the_api_is_a_problem_response(client: Client) -> None:
    missing = client.get(f"/api/v1/certificates/{uuid7()}/verify")
    malformed = client.get("/api/v1/certificates/not-a-uuid/verify")

    assert (missing.status_code, missing["Content-Type"], missing.json()["code"]) == (
        404,
        "application/problem+json",
        "certificate_not_found",
    )
    assert (malformed.status_code, malformed.json()["code"]) == (422, "validation_failed")
    assert malformed["Content-Type"] == "application/problem+json"


def test_a_presented_genuine_token_verifies_and_a_doctored_one_fails_its_signature(client: Client) -> None:
    certificate = issued_certificate(user=UserFactory(display_name="Sipho Dlamini"))
    header, _payload, signature = certificate.signed_jwt.split(".")
    doctored = {**certificate.credential, "validUntil": "2099-01-01T00:00:00Z", "exp": 4070908800}

    genuine = client.post(
        "/api/v1/certificates/verify", {"token": certificate.signed_jwt}, content_type="application/json"
    )
    forged = client.post(
        "/api/v1/certificates/verify",
        {"token": f"{header}.{_b64(doctored)}.{signature}"},
        content_type="application/json",
    )

    assert genuine.status_code == 200
    assert (genuine.json()["is_valid"], genuine.json()["certificate_id"]) == (True, str(certificate.id))
    assert forged.status_code == 200
    assert [(check["name"], check["is_ok"]) for check in forged.json()["checks"]] == [
        ("signature", False),
        ("expiry", True),
        ("revocation", True),
    ]
    # The doctored expiry is never shown: without a valid signature the issuer's record speaks.
    assert datetime.fromisoformat(forged.json()["valid_until"]) == certificate.valid_until


def test_a_presented_token_of_a_revoked_certificate_fails_revocation() -> None:
    instructor = UserFactory()
    certificate = issued_certificate(course=CourseFactory(instructors=[instructor]))
    certificate_revoke(certificate_id=certificate.id, by_user_id=instructor.id, reason="Issued in error.")

    view = certificate_verify_token(token=certificate.signed_jwt)

    assert [(check.name, check.is_ok) for check in view.checks] == [
        ("signature", True),
        ("expiry", True),
        ("revocation", False),
    ]


def test_a_token_that_is_no_credential_or_names_no_certificate_of_ours_is_refused(client: Client) -> None:
    stranger = _b64({"id": f"urn:uuid:{uuid7()}"})
    cases = {
        "not-a-jwt": (422, "certificate_token_invalid"),
        f"{_b64({'alg': 'EdDSA'})}.{_b64({'name': 'x'})}.c2ln": (422, "certificate_token_invalid"),
        f"{_b64({'alg': 'EdDSA'})}.{stranger}.c2ln": (404, "certificate_not_found"),
    }
    for token, expected in cases.items():
        response = client.post("/api/v1/certificates/verify", {"token": token}, content_type="application/json")
        assert (response.status_code, response.json()["code"]) == expected, token
    empty = client.post("/api/v1/certificates/verify", {"token": ""}, content_type="application/json")
    assert (empty.status_code, empty.json()["code"]) == (422, "validation_failed")
