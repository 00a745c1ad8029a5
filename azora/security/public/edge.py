"""Aegis's contract for the edge: the client's IP as Aegis sees it, rate-limit counters, IP allow/deny rules
and reputation."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from azora.shared.pagination import Page

if TYPE_CHECKING:
    from azora.security import ip_rules

__all__ = [
    "IpRuleView",
    "client_ip",
    "edge_rules_refresh",
    "ip_block_reason",
    "ip_reputation",
    "ip_rule_create",
    "ip_rule_delete",
    "ip_rule_list",
    "ip_rule_page",
    "rate_limits_reset",
    "sign_in_lock_clear",
]


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or X-Forwarded-For behind settings.AZORA_TRUSTED_PROXY_COUNT proxies."""
    from azora.security import identity

    return identity.client_ip(request, trusted_proxy_count=settings.AZORA_TRUSTED_PROXY_COUNT)


def edge_rules_refresh() -> None:
    """Compile the IP rules now if they changed (the edge otherwise does it on the next request): the test suite
    calls it before each database test, so no test's query count includes it."""
    from django.utils import timezone

    from azora.security import edge

    edge.current_rules(now=timezone.now())


def rate_limits_reset() -> None:
    """Forget every rate-limit and abuse counter and this process's compiled IP rules (the test suite calls it
    between tests)."""
    from azora.security import abuse, edge, limiter

    limiter.reset()
    # Abuse counters and the compiled IP rules are forgotten too: a test's failed sign-ins or rules (rolled back
    # with its transaction) must not slow or block the next test.
    abuse.abuse_counters_reset()
    edge.rules_forget()


@dataclass(frozen=True, slots=True)
class IpRuleView:
    id: uuid.UUID
    action: str
    cidr: str
    reason: str
    source: str
    expires_at: dt.datetime | None
    created_by_id: uuid.UUID | None
    created_at: dt.datetime


def _view(row: ip_rules.IpRuleRow) -> IpRuleView:
    return IpRuleView(
        id=row.id,
        action=row.action,
        cidr=row.cidr,
        reason=row.reason,
        source=row.source,
        expires_at=row.expires_at,
        created_by_id=row.created_by_id,
        created_at=row.created_at,
    )


def ip_rule_list(*, include_expired: bool = False) -> list[IpRuleView]:
    """Every rule, newest first; expired ones (kept for a while before the clean-up job) only when asked."""
    from azora.security import ip_rules

    return [_view(row) for row in ip_rules.ip_rule_rows(include_expired=include_expired)]


def ip_rule_page(
    *, include_expired: bool = False, cursor: str | None = None, limit: int | None = None
) -> Page[IpRuleView]:
    """One page of `ip_rule_list` (newest first); raises InvalidCursor."""
    from azora.security import ip_rules

    page = ip_rules.ip_rule_page(include_expired=include_expired, cursor=cursor, limit=limit)
    return Page(items=[_view(row) for row in page.items], next_cursor=page.next_cursor)


def ip_rule_create(
    *,
    actor_id: uuid.UUID | None,
    action: str,
    cidr: str,
    reason: str,
    expires_at: dt.datetime | None = None,
    actor_ip: str | None = None,
    request: HttpRequest | None = None,
) -> IpRuleView:
    """Raises InvalidIpRule (a CIDR that does not parse...) or LockoutRefused (a deny rule covering the actor's
    own address or every platform operator's recent addresses); audited; the edge sees it at once."""
    from azora.security import ip_rules

    return _view(
        ip_rules.ip_rule_create(
            actor_id=actor_id,
            action=action,
            cidr=cidr,
            reason=reason,
            expires_at=expires_at,
            actor_ip=actor_ip,
            request=request,
        )
    )


def ip_rule_delete(
    *, actor_id: uuid.UUID, rule_id: uuid.UUID, actor_ip: str | None = None, request: HttpRequest | None = None
) -> None:
    """Raises IpRuleNotFound, or LockoutRefused when removing an allow rule would lock the operators out."""
    from azora.security import ip_rules

    ip_rules.ip_rule_delete(actor_id=actor_id, rule_id=rule_id, actor_ip=actor_ip, request=request)


def ip_reputation(*, ip: str) -> int:
    """0 (hostile) to 100 (clean, or never seen)."""
    from azora.security import reputation

    return reputation.reputation_score(ip)


def ip_block_reason(*, ip: str) -> str | None:
    """Why the edge refuses `ip` right now ("ip_rule", "automatic_block"), or None."""
    from azora.security import edge

    return edge.current_rules(now=timezone.now()).block_reason(ip)


def sign_in_lock_clear(*, email: str) -> None:
    """Lifts abuse detection's temporary lock of sign-in to the account with this email, and its delay."""
    from azora.security import abuse

    abuse.account_lock_clear(account=email.strip().lower())
