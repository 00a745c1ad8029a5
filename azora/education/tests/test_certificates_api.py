"""The certificate API: who sees a certificate (others get 404), the caller's list, and the audited revocation."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from azora.accounts.models import User
from azora.accounts.public import platform_role_grant
from azora.accounts.tests.factories import UserFactory
from azora.education.models import Certificate, CertificateRevocation
from azora.education.tests.certificate_factories import CourseFactory, issued_certificate
from azora.shared.models import OutboxEvent

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def instructor() -> User:
    return UserFactory(display_name="Thandi Instructor")


@pytest.fixture
def learner() -> User:
    return UserFactory(display_name="Sipho Learner")


@pytest.fixture
def certificate(instructor: User, learner: User) -> Certificate:
    return issued_certificate(user=learner, course=CourseFactory(title="Money basics", instructors=[instructor]))


def _state() -> list[Any]:
    """Everything a refused revocation must leave as it was: revocations, certificates, revocation events."""
    revocations = CertificateRevocation.objects.values_list("certificate_id", "revoked_by_id", "reason", "created_at")
    certificates = Certificate.objects.order_by("id").values_list("id", "signed_jwt", "valid_until")
    events = OutboxEvent.objects.filter(event_type="education.certificate_revoked").count()
    return [list(revocations), list(certificates), events]


def test_the_owner_gets_the_certificate_with_its_signed_credential(learner: User, certificate: Certificate) -> None:
    response = _client(learner).get(f"/api/v1/certificates/{certificate.id}")

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["credential_id"], body["course_title"], body["learner_name"]) == (
        str(certificate.id),
        f"urn:uuid:{certificate.id}",
        "Money basics",
        "Sipho Learner",
    )
    assert (body["signed_jwt"], body["credential"], body["kid"]) == (
        certificate.signed_jwt,
        certificate.credential,
        certificate.kid,
    )
    assert (body["is_revoked"], body["is_expired"], body["revocation_reason"]) == (False, False, "")
    assert body["verify_url"] == f"http://127.0.0.1:8000/verify/{certificate.id}/"


def test_the_course_instructor_and_a_platform_admin_see_it_and_everyone_else_gets_404(
    instructor: User, certificate: Certificate
) -> None:
    admin = UserFactory()
    platform_role_grant(user_id=admin.id, role="platform_admin")
    other_instructor = UserFactory()
    CourseFactory(instructors=[other_instructor])
    other_learner = UserFactory()

    assert _client(instructor).get(f"/api/v1/certificates/{certificate.id}").status_code == 200
    assert _client(admin).get(f"/api/v1/certificates/{certificate.id}").status_code == 200
    for outsider in (other_instructor, other_learner):
        response = _client(outsider).get(f"/api/v1/certificates/{certificate.id}")
        assert (response.status_code, response.json()["code"]) == (404, "certificate_not_found")
    assert Client().get(f"/api/v1/certificates/{certificate.id}").status_code == 401


def test_my_certificates_lists_only_the_callers_newest_first_in_pages(learner: User) -> None:
    mine = [issued_certificate(user=learner) for _ in range(3)]
    issued_certificate()  # someone else's

    client = _client(learner)
    first = client.get("/api/v1/me/certificates?limit=2").json()
    second = client.get(f"/api/v1/me/certificates?limit=2&cursor={first['next_cursor']}").json()

    newest_first = [str(certificate.id) for certificate in reversed(mine)]
    assert [item["id"] for item in first["items"]] == newest_first[:2]
    assert [item["id"] for item in second["items"]] == newest_first[2:]
    assert second["next_cursor"] is None
    assert "signed_jwt" not in first["items"][0]


def test_my_certificates_costs_the_same_queries_for_one_or_many(
    learner: User, django_assert_max_num_queries: Any
) -> None:
    issued_certificate(user=learner)
    client = _client(learner)
    client.get("/api/v1/me/certificates")  # warms the session and the caches of the edge
    with django_assert_max_num_queries(8) as one:
        client.get("/api/v1/me/certificates")
    for _ in range(5):
        issued_certificate(user=learner)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get("/api/v1/me/certificates")
    assert len(response.json()["items"]) == 6


def test_the_course_instructor_revokes_with_a_reason_and_the_revocation_is_recorded(
    instructor: User, certificate: Certificate
) -> None:
    response = _client(instructor).post(
        f"/api/v1/certificates/{certificate.id}/revoke",
        {"reason": "  Plagiarised final project.  "},
        content_type="application/json",
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["is_revoked"], body["revocation_reason"]) == (True, "Plagiarised final project.")
    revocation = CertificateRevocation.objects.get()
    assert (revocation.certificate_id, revocation.revoked_by_id, revocation.reason) == (
        certificate.id,
        instructor.id,
        "Plagiarised final project.",
    )
    assert body["revoked_at"] is not None
    assert list(
        OutboxEvent.objects.filter(event_type="education.certificate_revoked").values_list("payload", flat=True)
    ) == [
        {
            "certificate_id": str(certificate.id),
            "course_id": str(certificate.course_id),
            "user_id": str(certificate.user_id),
            "revoked_by": str(instructor.id),
        }
    ]


def test_a_platform_admin_may_revoke() -> None:
    admin = UserFactory()
    platform_role_grant(user_id=admin.id, role="platform_admin")
    certificate = issued_certificate()

    response = _client(admin).post(
        f"/api/v1/certificates/{certificate.id}/revoke", {"reason": "Issued in error."}, content_type="application/json"
    )

    assert response.status_code == 200
    assert CertificateRevocation.objects.get().revoked_by_id == admin.id


@pytest.mark.parametrize(
    ("who", "payload", "status", "code"),
    [
        ("owner", {"reason": "I want a new one."}, 403, "certificate_revoke_forbidden"),
        ("stranger", {"reason": "Because."}, 404, "certificate_not_found"),
        ("instructor", {"reason": ""}, 422, "validation_failed"),
        ("instructor", {"reason": "   "}, 422, "revocation_reason_invalid"),
        ("instructor", {"reason": "x" * 1001}, 422, "validation_failed"),
        ("instructor", {}, 422, "validation_failed"),
        ("instructor", {"reason": "ok", "notify": True}, 422, "validation_failed"),
    ],
)
def test_a_refused_revocation_changes_nothing(
    who: str,
    payload: dict[str, object],
    status: int,
    code: str,
    instructor: User,
    learner: User,
    certificate: Certificate,
) -> None:
    callers: dict[str, User] = {"owner": learner, "stranger": UserFactory(), "instructor": instructor}
    caller = callers[who]
    before = _state()

    response = _client(caller).post(
        f"/api/v1/certificates/{certificate.id}/revoke", payload, content_type="application/json"
    )

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert _state() == before


def test_revoking_twice_is_a_conflict_that_keeps_the_first_record(instructor: User, certificate: Certificate) -> None:
    client = _client(instructor)
    url = f"/api/v1/certificates/{certificate.id}/revoke"
    client.post(url, {"reason": "First reason."}, content_type="application/json")
    before = _state()

    response = client.post(url, {"reason": "Second reason."}, content_type="application/json")

    assert (response.status_code, response.json()["code"]) == (409, "certificate_already_revoked")
    assert _state() == before


@pytest.mark.postgres
def test_a_revocation_record_cannot_be_rewritten_in_postgresql(instructor: User, certificate: Certificate) -> None:
    from django.db import ProgrammingError, transaction

    _client(instructor).post(
        f"/api/v1/certificates/{certificate.id}/revoke", {"reason": "Issued in error."}, content_type="application/json"
    )

    with pytest.raises(ProgrammingError, match="Cannot update rows"), transaction.atomic():
        CertificateRevocation.objects.update(reason="Nothing to see here.")
    assert CertificateRevocation.objects.get().reason == "Issued in error."


def test_api_keys_get_403_and_anyone_may_still_verify(learner: User, certificate: Certificate) -> None:
    from azora.accounts.public import api_key_create, principal_for_user

    key = api_key_create(principal=principal_for_user(user_id=learner.id), name="ci", scopes=["profile:read"]).key
    keyed = Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    for path in ("/api/v1/me/certificates", f"/api/v1/certificates/{certificate.id}"):
        response = keyed.get(path)
        assert (response.status_code, response.json()["code"]) == (403, "insufficient_scope")
    assert keyed.get(f"/api/v1/certificates/{certificate.id}/verify").status_code == 200
