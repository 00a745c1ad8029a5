"""Webhook signature schemes: Stripe's signed timestamp (also the sandbox's) and Paystack's HMAC-SHA512 of the body."""

from __future__ import annotations

import hashlib
import hmac
import time

from azora.payments.adapters.base import SignatureError

DEFAULT_TOLERANCE_SECONDS = 300


def stripe_style_sign(*, payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The `Stripe-Signature` header value for `payload`: `t=<unix time>,v1=<hex HMAC-SHA256 of "t.payload">`."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def stripe_style_verify(
    *, payload: bytes, header: str | None, secret: str, now: float, tolerance: int = DEFAULT_TOLERANCE_SECONDS
) -> None:
    """Checks a `t=...,v1=...` header as Stripe documents it: any v1 may match; stale or future times are refused."""
    if not secret:
        raise SignatureError("No webhook secret is configured.")
    if not header:
        raise SignatureError("The signature header is missing.")
    timestamp: int | None = None
    signatures: list[str] = []
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError as error:
                raise SignatureError("The signature timestamp is not a number.") from error
        elif key == "v1" and value:
            signatures.append(value)
    if timestamp is None or not signatures:
        raise SignatureError("The signature header has no timestamp or no v1 signature.")
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise SignatureError("No signature matches the payload.")
    if abs(now - timestamp) > tolerance:
        raise SignatureError("The signature timestamp is outside the tolerance.")


def paystack_sign(*, payload: bytes, secret: str) -> str:
    """The `x-paystack-signature` value: hex HMAC-SHA512 of the raw body with the secret key."""
    return hmac.new(secret.encode(), payload, hashlib.sha512).hexdigest()


def paystack_verify(*, payload: bytes, header: str | None, secret: str) -> None:
    if not secret:
        raise SignatureError("No webhook secret is configured.")
    if not header:
        raise SignatureError("The signature header is missing.")
    if not hmac.compare_digest(paystack_sign(payload=payload, secret=secret), header.strip().lower()):
        raise SignatureError("The signature does not match the payload.")
