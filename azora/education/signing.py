"""The issuer's Ed25519 keys for certificates: key ids (RFC 7638), the JWKS, signing and checking credential JWTs."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured

ALGORITHM = "EdDSA"
# Open Badges 3.0 §8.2 (VC-JWT): the JOSE header's typ is "JWT"; the payload is the credential itself.
JOSE_TYPE = "JWT"
_PEM_PUBLIC_KEY_END = "-----END PUBLIC KEY-----"


def _base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _raw_public_bytes(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def jwk_thumbprint(public_key: Ed25519PublicKey) -> str:
    """The RFC 7638 thumbprint of an OKP key: SHA-256 over its required members, sorted, without whitespace."""
    members = {"crv": "Ed25519", "kty": "OKP", "x": _base64url(_raw_public_bytes(public_key))}
    canonical = json.dumps(members, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return _base64url(hashlib.sha256(canonical).digest())


@dataclass(frozen=True, slots=True)
class IssuerKey:
    """A public key of the issuer, named by its thumbprint (`kid`)."""

    kid: str
    public_key: Ed25519PublicKey

    @classmethod
    def of(cls, public_key: Ed25519PublicKey) -> IssuerKey:
        return cls(kid=jwk_thumbprint(public_key), public_key=public_key)

    def jwk(self) -> dict[str, str]:
        """The key as a public JWK (RFC 8037 OKP), as published in the JWKS."""
        return {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": _base64url(_raw_public_bytes(self.public_key)),
            "kid": self.kid,
            "use": "sig",
            "alg": ALGORITHM,
        }


@dataclass(frozen=True, slots=True)
class Keyring:
    """The key that signs new certificates, and the retired public keys that still verify older ones."""

    signing_key: Ed25519PrivateKey
    active: IssuerKey
    retired: tuple[IssuerKey, ...] = ()

    def key_for(self, kid: str) -> IssuerKey | None:
        return next((key for key in (self.active, *self.retired) if key.kid == kid), None)

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        """The JSON Web Key Set: the active key first, then retired ones (kept so old certificates verify)."""
        return {"keys": [key.jwk() for key in (self.active, *self.retired)]}


def keyring_from_pem(*, private_pem: str, retired_public_pems: str = "", setting: str = "the signing key") -> Keyring:
    """Loads the issuer's keys; refuses anything but Ed25519 with an error that names the setting, never the key."""
    try:
        private_key = serialization.load_pem_private_key(private_pem.encode("utf-8"), password=None)
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(f"{setting} is not a PEM private key without a passphrase.") from error
    if not isinstance(private_key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{setting} must be an Ed25519 key (openssl genpkey -algorithm ed25519).")
    active = IssuerKey.of(private_key.public_key())
    retired = tuple(key for key in _retired_keys(retired_public_pems) if key.kid != active.kid)
    return Keyring(signing_key=private_key, active=active, retired=retired)


def _retired_keys(pems: str) -> list[IssuerKey]:
    keys = []
    for block in pems.split(_PEM_PUBLIC_KEY_END):
        if not block.strip():
            continue
        try:
            public_key = serialization.load_pem_public_key((block.strip() + "\n" + _PEM_PUBLIC_KEY_END).encode())
        except ValueError as error:
            raise ImproperlyConfigured("AZORA_CERTIFICATE_RETIRED_PUBLIC_KEYS holds a malformed PEM block.") from error
        if not isinstance(public_key, Ed25519PublicKey):
            raise ImproperlyConfigured("AZORA_CERTIFICATE_RETIRED_PUBLIC_KEYS may hold only Ed25519 public keys.")
        keys.append(IssuerKey.of(public_key))
    return keys


def configured_keyring() -> Keyring:
    """The keyring of the running platform (from settings), loaded once per distinct configuration."""
    return _cached_keyring(settings.AZORA_CERTIFICATE_SIGNING_KEY, settings.AZORA_CERTIFICATE_RETIRED_PUBLIC_KEYS)


@lru_cache(maxsize=4)
def _cached_keyring(private_pem: str, retired_public_pems: str) -> Keyring:
    return keyring_from_pem(
        private_pem=private_pem, retired_public_pems=retired_public_pems, setting="AZORA_CERTIFICATE_SIGNING_KEY"
    )


@register()
def check_signing_keys(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """A system check: a malformed issuer key fails `azora check` at start-up, not the first certificate."""
    try:
        configured_keyring()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="education.E001")]
    return []


def credential_sign(*, claims: Mapping[str, Any], keyring: Keyring) -> str:
    """Signs the claims as a compact JWS (EdDSA) whose header names the active key by `kid`."""
    return jwt.encode(
        dict(claims), keyring.signing_key, algorithm=ALGORITHM, headers={"kid": keyring.active.kid, "typ": JOSE_TYPE}
    )


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    """The outcome of checking a credential JWT's signature; `claims` only when the signature is valid."""

    is_valid: bool
    reason: str
    kid: str | None
    claims: dict[str, Any] | None


def signature_check(*, token: str, keyring: Keyring) -> SignatureCheck:
    """Checks the token's signature against the issuer key its header names; says why when it fails.

    Only the signature is judged here: expiry and revocation are separate checks with their own reasons.
    """
    try:
        header = jwt.get_unverified_header(token)
    except jwt.DecodeError:
        return SignatureCheck(False, "The credential is not a well-formed JWT.", None, None)
    kid = header.get("kid")
    if header.get("alg") != ALGORITHM:
        return SignatureCheck(False, f"The credential is signed with {header.get('alg')!r}, not EdDSA.", None, None)
    if not isinstance(kid, str) or not kid:
        return SignatureCheck(False, "The credential's header names no signing key (kid).", None, None)
    key = keyring.key_for(kid)
    if key is None:
        return SignatureCheck(False, f"The signing key {kid} is not one of the issuer's published keys.", kid, None)
    try:
        claims = jwt.decode(
            token,
            key.public_key,
            algorithms=[ALGORITHM],
            options={"verify_exp": False, "verify_nbf": False, "verify_iat": False, "verify_aud": False},
        )
    except jwt.InvalidSignatureError:
        return SignatureCheck(
            False, "The signature does not match: the credential was changed after it was signed.", kid, None
        )
    except jwt.InvalidTokenError:
        return SignatureCheck(False, "The credential's payload cannot be read.", kid, None)
    return SignatureCheck(True, f"Signed by the issuer's key {kid} (Ed25519).", kid, claims)
