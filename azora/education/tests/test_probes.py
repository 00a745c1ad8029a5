"""Azora Education's probe for the Health Monitor: the certificate signing key signs and its signature verifies."""

from __future__ import annotations

import pytest

from azora.education.probes import certificate_signing_key
from azora.health.public import ProbeResult


def test_the_configured_key_signs_and_verifies() -> None:
    assert certificate_signing_key() is None


def test_a_key_that_does_not_load_fails_naming_the_setting_never_the_key(settings: pytest.FixtureRequest) -> None:
    settings.AZORA_CERTIFICATE_SIGNING_KEY = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWJ1dC1icm9rZW4=\n"  # type: ignore[attr-defined]

    result = certificate_signing_key()

    assert result == ProbeResult.failed("AZORA_CERTIFICATE_SIGNING_KEY is not a PEM private key without a passphrase.")
    assert "c2VjcmV0" not in result.error
