"""The instructor area's certificates: the course's issued certificates and revocation with a reason."""

from __future__ import annotations

import pytest
from django.test import Client

import azora.accounts.public as accounts
from azora.accounts.models import User
from azora.accounts.tests.factories import UserFactory
from azora.education.models import Certificate, CertificateRevocation, Course
from azora.education.tests.certificate_factories import issued_certificate
from azora.portals.student.tests.conftest import BuiltCourse, build_course
from azora.portals.student.views import teach_certificates

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(course: BuiltCourse, learner: User) -> Certificate:
    return issued_certificate(user=learner, course=Course.objects.get(pk=course.id))


def test_the_course_certificates_are_listed_with_their_status(
    as_instructor: Client, course: BuiltCourse, certificate: Certificate
) -> None:
    other = issued_certificate(course__title="Another course")  # not this course's

    response = as_instructor.get(f"/teach/{course.id}/certificates/")

    assert response.status_code == 200
    page = response.content.decode()
    assert certificate.learner_name in page
    assert "✓ Valid" in page
    assert f'href="/verify/{certificate.id}/"' in page
    assert f'href="/teach/{course.id}/certificates/{certificate.id}/revoke/"' in page
    assert str(other.id) not in page


def test_revoking_with_a_reason_records_it_and_the_verify_page_says_revoked(
    as_instructor: Client, client: Client, course: BuiltCourse, certificate: Certificate, instructor: User
) -> None:
    form = as_instructor.get(f"/teach/{course.id}/certificates/{certificate.id}/revoke/")
    assert form.status_code == 200
    assert 'name="reason"' in form.content.decode()

    response = as_instructor.post(
        f"/teach/{course.id}/certificates/{certificate.id}/revoke/", {"reason": "Plagiarised final project."}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/teach/{course.id}/certificates/"
    revocation = CertificateRevocation.objects.get(certificate=certificate)
    assert (revocation.reason, revocation.revoked_by_id) == ("Plagiarised final project.", instructor.id)
    listing = as_instructor.get(f"/teach/{course.id}/certificates/").content.decode()
    assert "✗ Revoked" in listing
    assert f"/certificates/{certificate.id}/revoke/" not in listing

    client.logout()
    verify = client.get(f"/verify/{certificate.id}/").content.decode()
    assert "This certificate is not valid." in verify
    assert "Revocation: failed" in verify
    assert "Plagiarised final project." in verify


def test_a_revocation_without_a_reason_is_refused_and_nothing_is_written(
    as_instructor: Client, course: BuiltCourse, certificate: Certificate
) -> None:
    response = as_instructor.post(f"/teach/{course.id}/certificates/{certificate.id}/revoke/", {"reason": "  "})

    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert CertificateRevocation.objects.count() == 0


def test_a_second_revocation_changes_nothing(
    as_instructor: Client, course: BuiltCourse, certificate: Certificate
) -> None:
    path = f"/teach/{course.id}/certificates/{certificate.id}/revoke/"
    as_instructor.post(path, {"reason": "First reason"})

    response = as_instructor.post(path, {"reason": "Second reason"}, follow=True)

    assert "This certificate was already revoked." in response.content.decode()
    assert list(CertificateRevocation.objects.values_list("reason", flat=True)) == ["First reason"]
    assert "This certificate was revoked on" in as_instructor.get(path).content.decode()


def test_the_learner_strangers_and_other_instructors_cannot_revoke(
    client: Client, course: BuiltCourse, certificate: Certificate, learner: User, stranger: User
) -> None:
    other = UserFactory(email="other@example.test")
    accounts.platform_role_grant(user_id=other.id, role="instructor")
    build_course(other, title="Their own course")
    for person in (learner, stranger, other):
        client.force_login(person)
        assert client.get(f"/teach/{course.id}/certificates/").status_code == 404
        path = f"/teach/{course.id}/certificates/{certificate.id}/revoke/"
        assert client.get(path).status_code == 404
        assert client.post(path, {"reason": "Mine now"}).status_code == 404
    assert CertificateRevocation.objects.count() == 0


def test_a_certificate_of_another_course_is_not_found_under_mine(
    as_instructor: Client, course: BuiltCourse, instructor: User
) -> None:
    theirs = issued_certificate(course__title="Another course", course__instructors=[instructor])

    response = as_instructor.post(f"/teach/{course.id}/certificates/{theirs.id}/revoke/", {"reason": "Wrong page"})

    assert response.status_code == 404
    assert CertificateRevocation.objects.count() == 0


def test_a_platform_admin_may_revoke(client: Client, course: BuiltCourse, certificate: Certificate) -> None:
    admin = UserFactory(email="admin@example.test")
    accounts.platform_role_grant(user_id=admin.id, role="platform_admin")
    client.force_login(admin)

    response = client.post(f"/teach/{course.id}/certificates/{certificate.id}/revoke/", {"reason": "Identity fraud"})

    assert response.status_code == 302
    assert CertificateRevocation.objects.get(certificate=certificate).revoked_by_id == admin.id


def test_the_printable_certificate_leads_instructors_and_admins_to_revocation_but_not_its_learner(
    client: Client, course: BuiltCourse, certificate: Certificate, instructor: User, learner: User
) -> None:
    admin = UserFactory(email="admin@example.test")
    accounts.platform_role_grant(user_id=admin.id, role="platform_admin")
    revoke = f'href="/teach/{course.id}/certificates/{certificate.id}/revoke/"'
    for person in (instructor, admin):
        client.force_login(person)
        assert revoke in client.get(f"/my/certificates/{certificate.id}/").content.decode()
    client.force_login(learner)
    assert revoke not in client.get(f"/my/certificates/{certificate.id}/").content.decode()


def test_the_list_pages_with_a_cursor_and_a_foreign_cursor_is_not_found(
    as_instructor: Client, course: BuiltCourse, learner: User, stranger: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    course_row = Course.objects.get(pk=course.id)
    made = [issued_certificate(user=person, course=course_row).id for person in (learner, stranger)]
    monkeypatch.setattr(teach_certificates, "CERTIFICATES_PAGE_SIZE", 1)

    first = as_instructor.get(f"/teach/{course.id}/certificates/")
    page = first.context["page"]
    second = as_instructor.get(f"/teach/{course.id}/certificates/", {"cursor": page.next_cursor})

    assert [c.id for c in page.items] == [made[1]]
    assert f"?cursor={page.next_cursor}" in first.content.decode()
    assert [c.id for c in second.context["page"].items] == [made[0]]
    assert second.context["page"].next_cursor is None
    for cursor in ("not-a-cursor", "WyJ4Il0", "x" * 2000):
        assert as_instructor.get(f"/teach/{course.id}/certificates/", {"cursor": cursor}).status_code == 404
