"""The issuer's Ed25519 keys: RFC 7638 key ids, the JWKS, signature checks, and how each mode gets its key."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings

from azora.education import signing
from azora.shared.testing.settings_probe import run_settings_import, settings_of

# RFC 8037 appendix A.1-A.3: an Ed25519 key and its RFC 7638 thumbprint.
RFC8037_D = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
RFC8037_X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
RFC8037_THUMBPRINT = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


def _unb64(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def _pem(key: ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _public_pem(key: ed25519.Ed25519PrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def _keyring(key: ed25519.Ed25519PrivateKey, retired: str = "") -> signing.Keyring:
    return signing.keyring_from_pem(private_pem=_pem(key), retired_public_pems=retired)


def test_the_key_id_is_the_rfc_7638_thumbprint_of_the_rfc_8037_example_key() -> None:
    key = ed25519.Ed25519PrivateKey.from_private_bytes(_unb64(RFC8037_D))

    keyring = _keyring(key)

    assert keyring.active.kid == RFC8037_THUMBPRINT
    assert keyring.jwks() == {
        "keys": [
            {"kty": "OKP", "crv": "Ed25519", "x": RFC8037_X, "kid": RFC8037_THUMBPRINT, "use": "sig", "alg": "EdDSA"}
        ]
    }


def test_retired_public_keys_are_published_after_the_active_key_and_the_active_one_is_not_repeated() -> None:
    old, older, active = (ed25519.Ed25519PrivateKey.generate() for _ in range(3))

    keyring = _keyring(active, retired=_public_pem(old) + _public_pem(older) + _public_pem(active))

    kids = [jwk["kid"] for jwk in keyring.jwks()["keys"]]
    assert kids == [
        signing.jwk_thumbprint(active.public_key()),
        signing.jwk_thumbprint(old.public_key()),
        signing.jwk_thumbprint(older.public_key()),
    ]


def test_a_signed_credential_verifies_against_the_published_jwk_with_any_jose_library() -> None:
    keyring = _keyring(ed25519.Ed25519PrivateKey.generate())

    token = signing.credential_sign(claims={"id": "urn:uuid:1", "name": "Budgeting"}, keyring=keyring)

    header = jwt.get_unverified_header(token)
    assert header == {"alg": "EdDSA", "kid": keyring.active.kid, "typ": "JWT"}
    published = jwt.PyJWK(keyring.jwks()["keys"][0])
    assert jwt.decode(token, published.key, algorithms=["EdDSA"]) == {"id": "urn:uuid:1", "name": "Budgeting"}
    check = signing.signature_check(token=token, keyring=keyring)
    assert (check.is_valid, check.kid, check.claims) == (
        True,
        keyring.active.kid,
        {"id": "urn:uuid:1", "name": "Budgeting"},
    )


def test_a_changed_payload_fails_the_signature_check_and_says_so() -> None:
    keyring = _keyring(ed25519.Ed25519PrivateKey.generate())
    header, _payload, signature = signing.credential_sign(claims={"name": "Sipho"}, keyring=keyring).split(".")
    forged = base64.urlsafe_b64encode(json.dumps({"name": "Mallory"}).encode()).rstrip(b"=").decode()

    check = signing.signature_check(token=f"{header}.{forged}.{signature}", keyring=keyring)

    assert check == signing.SignatureCheck(
        False, "The signature does not match: the credential was changed after it was signed.", keyring.active.kid, None
    )


def test_a_token_from_an_unknown_key_a_foreign_algorithm_or_garbage_is_refused_with_its_reason() -> None:
    keyring = _keyring(ed25519.Ed25519PrivateKey.generate())
    stranger = _keyring(ed25519.Ed25519PrivateKey.generate())
    hmac_token = jwt.encode(
        {"name": "x"}, "a-shared-secret-of-enough-length-32b", algorithm="HS256", headers={"kid": keyring.active.kid}
    )
    unsigned = jwt.encode({"name": "x"}, None, algorithm="none")  # type: ignore[arg-type]  # "none" takes no key

    assert signing.signature_check(
        token=signing.credential_sign(claims={}, keyring=stranger), keyring=keyring
    ).reason == (f"The signing key {stranger.active.kid} is not one of the issuer's published keys.")
    assert (
        signing.signature_check(token=hmac_token, keyring=keyring).reason
        == "The credential is signed with 'HS256', not EdDSA."
    )
    assert (
        signing.signature_check(token=unsigned, keyring=keyring).reason
        == "The credential is signed with 'none', not EdDSA."
    )
    assert (
        signing.signature_check(token="not-a-jwt", keyring=keyring).reason == "The credential is not a well-formed JWT."
    )


def test_a_credential_signed_before_a_rotation_still_verifies_with_the_retired_key() -> None:
    old = ed25519.Ed25519PrivateKey.generate()
    token = signing.credential_sign(claims={"name": "Sipho"}, keyring=_keyring(old))

    rotated = _keyring(ed25519.Ed25519PrivateKey.generate(), retired=_public_pem(old))

    assert signing.signature_check(token=token, keyring=rotated).is_valid
    assert (
        signing.signature_check(token=token, keyring=_keyring(ed25519.Ed25519PrivateKey.generate())).is_valid is False
    )


def test_a_key_that_is_not_ed25519_or_not_a_key_is_refused_without_echoing_it() -> None:
    rsa_pem = _pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))

    with pytest.raises(ImproperlyConfigured, match="must be an Ed25519 key") as not_ed25519:
        signing.keyring_from_pem(private_pem=rsa_pem, setting="AZORA_CERTIFICATE_SIGNING_KEY")
    with pytest.raises(ImproperlyConfigured, match="is not a PEM private key") as garbage:
        signing.keyring_from_pem(private_pem="secret-looking-garbage", setting="AZORA_CERTIFICATE_SIGNING_KEY")

    assert "AZORA_CERTIFICATE_SIGNING_KEY" in str(not_ed25519.value)
    assert "BEGIN" not in str(not_ed25519.value)
    assert "secret-looking-garbage" not in str(garbage.value)


def test_the_configured_keyring_follows_the_settings() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    with override_settings(AZORA_CERTIFICATE_SIGNING_KEY=_pem(key), AZORA_CERTIFICATE_RETIRED_PUBLIC_KEYS=""):
        assert signing.configured_keyring().active.kid == signing.jwk_thumbprint(key.public_key())


def test_the_jwks_is_public_json_with_cors_and_caching(client: Client) -> None:
    response = client.get("/.well-known/jwks.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, max-age=3600"
    assert response.json() == signing.configured_keyring().jwks()
    assert client.post("/.well-known/jwks.json").status_code == 405


def test_embedded_mode_generates_the_key_once_into_its_data_directory(tmp_path: Path) -> None:
    first = settings_of("config.settings.embedded", ["AZORA_CERTIFICATE_SIGNING_KEY"], {}, tmp_path)
    second = settings_of("config.settings.embedded", ["AZORA_CERTIFICATE_SIGNING_KEY"], {}, tmp_path)

    path = tmp_path / "certificate_signing_key.pem"
    assert first == second == {"AZORA_CERTIFICATE_SIGNING_KEY": path.read_text()}
    assert path.stat().st_mode & 0o777 == 0o600
    assert isinstance(serialization.load_pem_private_key(path.read_bytes(), None), ed25519.Ed25519PrivateKey)


def test_production_reads_the_key_from_the_environment_and_refuses_to_start_without_it(tmp_path: Path) -> None:
    key_pem = _pem(ed25519.Ed25519PrivateKey.generate())
    required = {
        "AZORA_SECRET_KEY": "x" * 50,
        "DATABASE_URL": "postgres://azora@db.invalid:5432/azora",
        "REDIS_URL": "redis://cache.invalid:6379/0",
        "AZORA_JWT_PRIVATE_KEY": "not parsed on import",
    }

    folded = key_pem.replace("\n", "\\n")  # as a secret store that keeps one line hands it over
    values = settings_of(
        "config.settings.production",
        ["AZORA_CERTIFICATE_SIGNING_KEY"],
        {**required, "AZORA_CERTIFICATE_SIGNING_KEY": folded},
        tmp_path,
    )
    refused = run_settings_import("config.settings.production", ["AZORA_MODE"], required, tmp_path)

    assert values == {"AZORA_CERTIFICATE_SIGNING_KEY": key_pem}
    assert not (tmp_path / "certificate_signing_key.pem").exists()
    assert refused.returncode == 1
    assert "The environment variable AZORA_CERTIFICATE_SIGNING_KEY is required in this mode." in refused.stderr


def test_a_validity_of_less_than_a_day_is_refused_at_start_up(tmp_path: Path) -> None:
    refused = run_settings_import(
        "config.settings.embedded", ["AZORA_MODE"], {"AZORA_CERTIFICATE_VALIDITY_DAYS": "0"}, tmp_path
    )

    assert refused.returncode == 1
    assert "AZORA_CERTIFICATE_VALIDITY_DAYS must be at least 1." in refused.stderr


def test_the_system_check_reports_a_malformed_issuer_key_by_its_setting() -> None:
    rsa_pem = _pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))

    with override_settings(AZORA_CERTIFICATE_SIGNING_KEY=rsa_pem):
        errors = signing.check_signing_keys()
    assert [(error.id, error.msg) for error in errors] == [
        ("education.E001", "AZORA_CERTIFICATE_SIGNING_KEY must be an Ed25519 key (openssl genpkey -algorithm ed25519).")
    ]
    assert signing.check_signing_keys() == []


def test_the_public_url_defaults_to_the_site_url_and_can_be_set_apart(tmp_path: Path) -> None:
    names = ["AZORA_PUBLIC_URL"]

    assert settings_of("config.settings.embedded", names, {}, tmp_path) == {"AZORA_PUBLIC_URL": "http://127.0.0.1:8000"}
    assert settings_of("config.settings.embedded", names, {"AZORA_SITE_URL": "https://azora.example"}, tmp_path) == {
        "AZORA_PUBLIC_URL": "https://azora.example"
    }
    assert settings_of(
        "config.settings.embedded",
        names,
        {"AZORA_SITE_URL": "https://azora.example", "AZORA_PUBLIC_URL": "https://learn.azora.example/"},
        tmp_path,
    ) == {"AZORA_PUBLIC_URL": "https://learn.azora.example"}
