"""Azora Aegis's contract for other apps: the client's IP as Aegis sees it, and resetting rate-limit counters."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or X-Forwarded-For behind settings.AZORA_TRUSTED_PROXY_COUNT proxies."""
    from azora.security import identity

    return identity.client_ip(request, trusted_proxy_count=settings.AZORA_TRUSTED_PROXY_COUNT)


def rate_limits_reset() -> None:
    """Forget every rate-limit counter of this process's store (the test suite calls it between tests)."""
    from azora.security import limiter

    limiter.reset()
