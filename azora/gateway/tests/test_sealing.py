"""Sealing of stored idempotent responses: only the same secret and caller scope open them."""

from __future__ import annotations

from azora.gateway.sealing import seal, unseal

SECRET = "a-site-secret-for-tests"
SCOPE = "a" * 64


def test_a_sealed_body_opens_with_the_same_secret_and_scope() -> None:
    sealed = seal(secret=SECRET, scope=SCOPE, plaintext=b'{"key": "azk_shown_once"}')

    assert b"azk_shown_once" not in sealed
    assert unseal(secret=SECRET, scope=SCOPE, sealed=sealed) == b'{"key": "azk_shown_once"}'


def test_another_scope_or_a_rotated_secret_cannot_open_it() -> None:
    sealed = seal(secret=SECRET, scope=SCOPE, plaintext=b"body")

    assert unseal(secret=SECRET, scope="b" * 64, sealed=sealed) is None
    assert unseal(secret="another-secret", scope=SCOPE, sealed=sealed) is None


def test_altered_or_truncated_bytes_do_not_open() -> None:
    sealed = seal(secret=SECRET, scope=SCOPE, plaintext=b"body")

    assert unseal(secret=SECRET, scope=SCOPE, sealed=sealed[:-1] + bytes([sealed[-1] ^ 1])) is None
    assert unseal(secret=SECRET, scope=SCOPE, sealed=sealed[:12]) is None


def test_sealing_twice_gives_different_bytes() -> None:
    assert seal(secret=SECRET, scope=SCOPE, plaintext=b"body") != seal(secret=SECRET, scope=SCOPE, plaintext=b"body")
