"""Certificates: the learner's list, the printable page, the signed download and the public verify page."""

from __future__ import annotations

import re

import pytest
from django.test import Client

import azora.education.public as education
from azora.accounts.models import User
from azora.education.tests.certificate_factories import issued_certificate

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate_id(learner: User) -> object:
    return issued_certificate(user=learner, course__title="Money basics").id


def test_the_list_shows_each_certificate_with_its_share_and_verify_links(
    as_learner: Client, certificate_id: object
) -> None:
    html = as_learner.get("/my/certificates/").content.decode()

    assert "Money basics" in html
    assert f'value="http://testserver/verify/{certificate_id}/"' in html
    assert f'href="/my/certificates/{certificate_id}/"' in html
    assert f'href="/my/certificates/{certificate_id}/credential.jwt"' in html
    assert '<span class="badge badge-free">Valid</span>' in html


def test_the_printable_certificate_carries_the_qr_code_and_the_verify_link(
    as_learner: Client, certificate_id: object
) -> None:
    response = as_learner.get(f"/my/certificates/{certificate_id}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<p class="learner-name">Thandi</p>' in html
    assert '<p class="course-name">Money basics</p>' in html
    assert re.search(r'<div class="qr-code" role="img" aria-label="QR code of the verify link"><svg', html)
    assert f"/verify/{certificate_id}" in html
    assert "style=" not in html


def test_the_signed_credential_downloads_as_a_jwt(as_learner: Client, certificate_id: object) -> None:
    response = as_learner.get(f"/my/certificates/{certificate_id}/credential.jwt")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    assert response.content.count(b".") == 2
    assert "no-store" in response["Cache-Control"]


def test_another_persons_certificate_is_not_found(client: Client, stranger: User, certificate_id: object) -> None:
    client.force_login(stranger)

    assert client.get(f"/my/certificates/{certificate_id}/").status_code == 404
    assert client.get(f"/my/certificates/{certificate_id}/credential.jwt").status_code == 404
    assert "Money basics" not in client.get("/my/certificates/").content.decode()


def test_anyone_can_verify_a_certificate_without_signing_in(client: Client, certificate_id: object) -> None:
    response = client.get(f"/verify/{certificate_id}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "This certificate is valid." in html
    assert re.findall(r"<strong>(\w+): +passed</strong>", html) == ["Signature", "Expiry", "Revocation"]
    assert "no-cache" in response["Cache-Control"]


def test_a_revoked_certificate_says_which_check_failed(client: Client, instructor: User, learner: User) -> None:
    certificate = issued_certificate(user=learner, course__instructors=[instructor])
    education.certificate_revoke(certificate_id=certificate.id, by_user_id=instructor.id, reason="Plagiarised work")

    html = client.get(f"/verify/{certificate.id}/").content.decode()

    assert "This certificate is not valid." in html
    assert re.findall(r"<strong>(\w+): +(\w+)</strong>", html) == [
        ("Signature", "passed"),
        ("Expiry", "passed"),
        ("Revocation", "failed"),
    ]
    assert "Plagiarised work" in html


def test_an_unknown_certificate_is_not_found(client: Client) -> None:
    assert client.get("/verify/0190c6b0-0000-7000-8000-000000000000/").status_code == 404
