"""The revocation status list (W3C Bitstring Status List): positions drawn per certificate, bits set on revocation."""

from __future__ import annotations

import base64
import gzip

import jwt
import pytest
from django.test import Client, override_settings

from azora.accounts.tests.factories import UserFactory
from azora.education import signing
from azora.education.public import certificate_revoke, revocation_status_list
from azora.education.selectors.certificates import STATUS_LIST_SIZE, bitstring_bit, bitstring_encode
from azora.education.tests.certificate_factories import CourseFactory, issued_certificate

pytestmark = pytest.mark.django_db


def _bits(encoded: str) -> bytes:
    data = encoded.removeprefix("u")
    return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))


def test_the_encoded_list_is_multibase_base64url_of_a_gzipped_16_kib_bitstring_leftmost_bit_first() -> None:
    encoded = bitstring_encode([0, 9, STATUS_LIST_SIZE - 1])

    bits = _bits(encoded)
    assert encoded.startswith("u")
    assert "=" not in encoded
    assert len(bits) == 16_384
    assert (bits[0], bits[1], bits[-1]) == (0b1000_0000, 0b0100_0000, 0b0000_0001)
    assert sum(bin(byte).count("1") for byte in bits) == 3
    assert [bitstring_bit(encoded, index) for index in (0, 1, 9, STATUS_LIST_SIZE - 1)] == [True, False, True, True]
    assert bitstring_encode([]) == bitstring_encode([])  # no timestamp inside: the same list, the same bytes


def test_each_certificate_gets_its_own_position_in_the_list() -> None:
    certificates = [issued_certificate() for _ in range(5)]

    positions = [certificate.status_index for certificate in certificates]
    assert all(position is not None and 0 <= position < STATUS_LIST_SIZE for position in positions)
    assert len(set(positions)) == 5
    for certificate in certificates:
        assert certificate.credential["credentialStatus"]["statusListIndex"] == str(certificate.status_index)


@override_settings(AZORA_PUBLIC_URL="https://learn.azora.example")
def test_the_published_list_is_signed_and_sets_exactly_the_revoked_bits(client: Client) -> None:
    instructor = UserFactory()
    course = CourseFactory(instructors=[instructor])
    revoked, kept = issued_certificate(course=course), issued_certificate(course=course)
    certificate_revoke(certificate_id=revoked.id, by_user_id=instructor.id, reason="Issued in error.")

    response = client.get("/credentials/status/revocation")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    assert response["Access-Control-Allow-Origin"] == "*"
    token = response.content.decode()
    keyring = signing.configured_keyring()
    assert jwt.get_unverified_header(token) == {"alg": "EdDSA", "kid": keyring.active.kid, "typ": "JWT"}
    claims = jwt.decode(token, jwt.PyJWK(keyring.jwks()["keys"][0]).key, algorithms=["EdDSA"])
    assert claims["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert claims["id"] == "https://learn.azora.example/credentials/status/revocation"
    assert claims["issuer"]["id"] == revoked.credential["issuer"]["id"]
    subject = claims["credentialSubject"]
    assert (subject["type"], subject["statusPurpose"], subject["ttl"]) == ("BitstringStatusList", "revocation", 300000)
    # What a verifier does: follow the credential's credentialStatus to the list and read its bit.
    assert revoked.credential["credentialStatus"]["statusListCredential"] == claims["id"]
    assert bitstring_bit(subject["encodedList"], int(revoked.credential["credentialStatus"]["statusListIndex"]))
    assert not bitstring_bit(subject["encodedList"], int(kept.credential["credentialStatus"]["statusListIndex"]))
    assert sum(bin(byte).count("1") for byte in _bits(subject["encodedList"])) == 1
    assert client.post("/credentials/status/revocation").status_code == 405


def test_the_public_function_signs_the_same_list() -> None:
    claims = jwt.decode(revocation_status_list(), options={"verify_signature": False})
    assert claims["credentialSubject"]["encodedList"] == bitstring_encode([])


def test_an_unchanged_list_is_served_from_cache_and_a_revocation_shows_at_once() -> None:
    instructor = UserFactory()
    certificate = issued_certificate(course=CourseFactory(instructors=[instructor]))
    first = revocation_status_list()

    assert revocation_status_list() == first  # the same signed bytes: not rebuilt
    certificate_revoke(certificate_id=certificate.id, by_user_id=instructor.id, reason="Issued in error.")
    after = revocation_status_list()

    assert after != first
    encoded = jwt.decode(after, options={"verify_signature": False})["credentialSubject"]["encodedList"]
    assert bitstring_bit(encoded, certificate.status_index)  # type: ignore[arg-type]  # drawn, never None here
