"""Azora Education's data protection: enrolments, progress and certificates exported; the learner's name on
certificate rows and in the issuer's copies of the credential, and free-text answers, cleared by a deletion;
grades kept, and the credential file the learner holds still verifies."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from azora.accounts.tests.factories import UserFactory
from azora.education.models import Certificate, Enrollment
from azora.education.privacy import anonymise_education_data, export_education_data
from azora.education.public import certificate_verify, certificate_verify_token
from azora.education.selectors.certificates import ERASED_CREDENTIAL
from azora.education.tests.certificate_factories import issued_certificate
from azora.education.tests.factories import EnrollmentFactory, LessonProgressFactory

pytestmark = pytest.mark.django_db


def _certificate(enrollment: Enrollment) -> Certificate:
    now = timezone.now()
    return Certificate.objects.create(
        enrollment=enrollment, course=enrollment.course, user=enrollment.user, learner_name="Thandi Nkosi",
        course_title=enrollment.course.title, issued_at=now, valid_until=now + dt.timedelta(days=365),
        credential={}, signed_jwt="x.y.z", kid="k1",
    )  # fmt: skip


def test_the_export_holds_enrolments_progress_and_certificates() -> None:
    progress = LessonProgressFactory()
    enrollment = progress.enrollment
    _certificate(enrollment)

    data = export_education_data(enrollment.user.id)

    assert [row["course_id"] for row in data["enrolments"]] == [enrollment.course.id]
    assert [row["lesson__title"] for row in data["lesson_progress"]] == [progress.lesson.title]
    assert [row["learner_name"] for row in data["certificates"]] == ["Thandi Nkosi"]
    assert export_education_data(UserFactory().id)["enrolments"] == []


def test_a_deletion_clears_the_name_on_certificates_and_keeps_the_enrolment() -> None:
    enrollment = EnrollmentFactory()
    certificate = _certificate(enrollment)

    anonymise_education_data(enrollment.user.id)

    certificate.refresh_from_db()
    assert certificate.learner_name == ""
    assert Enrollment.objects.filter(pk=enrollment.pk).exists()


def test_after_a_deletion_no_copy_the_issuer_keeps_names_the_learner_and_the_held_file_still_verifies() -> None:
    certificate = issued_certificate(user=UserFactory(display_name="Thandi Nkosi"))
    held_file = certificate.signed_jwt

    anonymise_education_data(certificate.user_id)

    certificate.refresh_from_db()
    assert (certificate.learner_name, certificate.signed_jwt) == ("", "")
    assert "Thandi Nkosi" not in json.dumps(certificate.credential)
    assert certificate.credential["credentialSubject"]["achievement"]["name"] == certificate.course_title
    by_id = certificate_verify(certificate_id=certificate.id)
    assert (by_id.is_valid, by_id.learner_name, by_id.checks[0].reason) == (False, "", ERASED_CREDENTIAL)
    presented = certificate_verify_token(token=held_file)
    assert (presented.is_valid, presented.learner_name) == (True, "Thandi Nkosi")


def test_the_public_verify_page_of_an_erased_learner_names_nobody_and_says_why() -> None:
    certificate = issued_certificate(user=UserFactory(display_name="Thandi Nkosi"))
    anonymise_education_data(certificate.user_id)

    response = Client().get(f"/verify/{certificate.id}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Thandi Nkosi" not in html
    assert f"A learner whose name was erased at their request completed {certificate.course_title}." in html
    assert "<dd>Erased at the learner's request</dd>" in html
