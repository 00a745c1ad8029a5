"""Domain errors of Azora Aegis."""

from __future__ import annotations

from azora.shared.errors import DomainError


class RateLimited(DomainError):
    """Too many requests from one client, account or credential; `extra` carries retry_after (seconds)."""

    code = "rate_limited"
    status = 429
    title = "Too many requests."
