"""The printable certificate's data: every field, the absolute verify URL and its QR code as safe inline SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.test import override_settings

from azora.accounts.tests.factories import UserFactory
from azora.education.errors import CertificateNotFound
from azora.education.public import certificate_print_data, certificate_revoke, issuer_jwks
from azora.education.tests.certificate_factories import CourseFactory, issued_certificate
from azora.shared.ids import uuid7

pytestmark = pytest.mark.django_db


@override_settings(AZORA_PUBLIC_URL="https://learn.azora.example")
def test_print_data_carries_every_field_and_a_qr_code_of_the_absolute_verify_url() -> None:
    first, second = UserFactory(display_name="Thandi Mokoena"), UserFactory(display_name="Pieter Botha")
    course = CourseFactory(
        title="Money basics", summary="Budgets and compound interest.", tags=["budgeting"], instructors=[first, second]
    )
    certificate = issued_certificate(user=UserFactory(display_name="Sipho Dlamini"), course=course)

    data = certificate_print_data(certificate_id=certificate.id)

    verify_url = f"https://learn.azora.example/verify/{certificate.id}/"
    assert (data.certificate_id, data.credential_id, data.verify_url) == (
        certificate.id,
        f"urn:uuid:{certificate.id}",
        verify_url,
    )
    assert (data.learner_name, data.course_title, data.course_description, data.skills) == (
        "Sipho Dlamini",
        "Money basics",
        "Budgets and compound interest.",
        ("budgeting",),
    )
    assert data.criteria.startswith("Completed every required lesson of “Money basics”")
    assert (data.issuer_name, data.issuer_url, data.instructor_names) == (
        "Azora",
        "https://learn.azora.example/",
        ("Thandi Mokoena", "Pieter Botha"),
    )
    assert (data.issued_at, data.valid_until, data.is_expired, data.is_revoked) == (
        certificate.issued_at,
        certificate.valid_until,
        False,
        False,
    )
    assert data.kid == issuer_jwks()["keys"][0]["kid"]
    svg = ET.fromstring(data.qr_svg)  # noqa: S314 -- our own generated markup, parsed to prove it is well-formed
    assert svg.tag == "svg"
    assert svg.get("class") == "certificate-qr"
    assert svg.find("title") is not None
    assert svg.find("title").text == f"QR code of {verify_url}"  # type: ignore[union-attr]
    assert "<script" not in data.qr_svg
    assert "style=" not in data.qr_svg  # the strict CSP forbids inline styles
    assert " href=" not in data.qr_svg


def test_the_qr_code_changes_with_the_url_it_encodes() -> None:
    one, two = issued_certificate(), issued_certificate()

    assert certificate_print_data(certificate_id=one.id).qr_svg != certificate_print_data(certificate_id=two.id).qr_svg


def test_a_revoked_certificate_prints_as_revoked_with_its_reason() -> None:
    instructor = UserFactory()
    certificate = issued_certificate(course=CourseFactory(instructors=[instructor]))
    certificate_revoke(certificate_id=certificate.id, by_user_id=instructor.id, reason="Issued in error.")

    data = certificate_print_data(certificate_id=certificate.id)

    assert (data.is_revoked, data.revocation_reason) == (True, "Issued in error.")


def test_with_a_viewer_only_those_who_may_see_it_get_print_data() -> None:
    learner = UserFactory()
    certificate = issued_certificate(user=learner)

    assert certificate_print_data(certificate_id=certificate.id, viewer_id=learner.id).certificate_id == certificate.id
    with pytest.raises(CertificateNotFound):
        certificate_print_data(certificate_id=certificate.id, viewer_id=UserFactory().id)
    with pytest.raises(CertificateNotFound):
        certificate_print_data(certificate_id=uuid7())
