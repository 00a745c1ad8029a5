"""Generates and keeps the embedded mode's local secrets (Django secret key, JWT signing key)."""

from __future__ import annotations

import secrets
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def _write_private(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(content)
    temporary.chmod(0o600)
    temporary.replace(path)


def local_secret_key(directory: Path) -> str:
    path = directory / "secret_key"
    if not path.exists():
        _write_private(path, secrets.token_urlsafe(50))
    return path.read_text().strip()


def local_jwt_private_key(directory: Path) -> str:
    path = directory / "jwt_private_key.pem"
    if not path.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        _write_private(path, pem)
    return path.read_text()


def local_certificate_signing_key(directory: Path) -> str:
    """The embedded issuer key of certificates (Ed25519, PKCS#8 PEM), generated once like the JWT key."""
    from cryptography.hazmat.primitives.asymmetric import ed25519

    path = directory / "certificate_signing_key.pem"
    if not path.exists():
        pem = (
            ed25519.Ed25519PrivateKey.generate()
            .private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            .decode()
        )
        _write_private(path, pem)
    return path.read_text()
