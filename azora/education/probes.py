"""Azora Education's probes for the Health Monitor: the certificate issuer's signing key signs and verifies."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from azora.education import signing
from azora.health.public import ProbeResult, register_probe

PROBE_CLAIMS = {"sub": "health-probe", "probe": True}


def certificate_signing_key() -> ProbeResult | None:
    """Loads the configured keyring, signs a throw-away claim set and checks the signature with the published key,
    so a key that cannot sign (or a keyring that no longer verifies its own tokens) shows before a learner's
    certificate does. The error names the setting, never the key."""
    try:
        keyring = signing.configured_keyring()
    except ImproperlyConfigured as error:
        return ProbeResult.failed(str(error))
    token = signing.credential_sign(claims=PROBE_CLAIMS, keyring=keyring)
    check = signing.signature_check(token=token, keyring=keyring)
    return None if check.is_valid else ProbeResult.failed(f"a fresh signature does not verify: {check.reason}")


register_probe("certificate_signing_key", certificate_signing_key, service="education")
