"""Encrypts stored idempotent responses at rest: they may hold secrets shown once (a new API key)."""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12
PURPOSE = b"azora.gateway.idempotency.v1:"


def _key(*, secret: str, scope: str) -> bytes:
    """A key per caller scope, derived from the site secret: one scope's rows never open another's."""
    return hmac.new(secret.encode(), PURPOSE + scope.encode(), hashlib.sha256).digest()


def seal(*, secret: str, scope: str, plaintext: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(_key(secret=secret, scope=scope)).encrypt(nonce, plaintext, scope.encode())


def unseal(*, secret: str, scope: str, sealed: bytes) -> bytes | None:
    """The plaintext, or None when the secret changed since sealing (or the bytes were altered)."""
    if len(sealed) <= NONCE_BYTES:
        return None
    nonce, ciphertext = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
    try:
        return AESGCM(_key(secret=secret, scope=scope)).decrypt(nonce, ciphertext, scope.encode())
    except InvalidTag:
        return None
