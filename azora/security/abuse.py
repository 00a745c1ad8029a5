"""Abuse detection for sign-in: counting failures per IP and per account in the cache, progressive delays,
automatic IP blocks for credential stuffing, temporary account locks for brute force, and the affected user's
notice."""

from __future__ import annotations

import datetime as dt
import logging
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext

import azora.accounts.public as accounts
from azora.security.identity import digest, ip_identity
from azora.security.models import IpRule, SecurityEventKind, Severity

logger = logging.getLogger(__name__)

# Counters live under a namespace number kept in the cache: `abuse_counters_reset` moves to a new namespace,
# which forgets every counter at once on any cache backend (Django's cache has no "delete by prefix").
_NAMESPACE_KEY = "azora:abuse:namespace"
# One account failing this many times over (in the window) counts as brute force even from a single IP.
BRUTE_FORCE_FAILURES_FACTOR = 4


@dataclass(frozen=True, slots=True)
class AbuseLimits:
    """The thresholds abuse detection works with (from settings; tests pass their own)."""

    window_seconds: int
    stuffing_accounts: int
    brute_force_ips: int
    failures_before_delay: int
    max_delay_seconds: int
    block_minutes: int

    @property
    def brute_force_failures(self) -> int:
        return self.failures_before_delay * BRUTE_FORCE_FAILURES_FACTOR

    @classmethod
    def from_settings(cls) -> AbuseLimits:
        return cls(
            window_seconds=settings.AZORA_ABUSE_WINDOW_SECONDS,
            stuffing_accounts=settings.AZORA_ABUSE_STUFFING_ACCOUNTS,
            brute_force_ips=settings.AZORA_ABUSE_BRUTE_FORCE_IPS,
            failures_before_delay=settings.AZORA_ABUSE_FAILURES_BEFORE_DELAY,
            max_delay_seconds=settings.AZORA_ABUSE_MAX_DELAY_SECONDS,
            block_minutes=settings.AZORA_ABUSE_BLOCK_MINUTES,
        )


# --- pure rules --------------------------------------------------------------------------------------------


def delay_after(failures: int, *, limits: AbuseLimits) -> int:
    """Seconds to wait after the latest failure: none before the threshold, then 1, 2, 4 ... up to the maximum."""
    over = failures - limits.failures_before_delay
    if over < 0:
        return 0
    return int(min(2 ** min(over, 30), limits.max_delay_seconds))


def stuffing_threshold(*, limits: AbuseLimits, reputation: int) -> int:
    """Distinct accounts from one IP that make credential stuffing; an address with a poor reputation is
    blocked sooner (at a threshold scaled by its score, never below 2)."""
    return max(2, math.ceil(limits.stuffing_accounts * max(0, min(100, reputation)) / 100))


# --- counters in the cache ---------------------------------------------------------------------------------


def _namespace() -> int:
    value = cache.get(_NAMESPACE_KEY)
    if value is None:
        cache.add(_NAMESPACE_KEY, 1, timeout=None)
        value = cache.get(_NAMESPACE_KEY, 1)
    return int(value)


def abuse_counters_reset() -> None:
    """Forget every abuse counter, delay and account lock (tests; an operator after a false alarm)."""
    try:
        cache.set(_NAMESPACE_KEY, _namespace() + 1, timeout=None)
    except Exception:  # robust: resetting is best effort when the cache is down
        logger.warning("abuse counters not reset: the cache is unreachable")


class _Keys:
    """The cache keys of one (IP, account) pair: digests only, never an address or email in the clear."""

    def __init__(self, *, ip: str, account: str | None) -> None:
        namespace = _namespace()
        self.ip = digest(ip_identity(ip))
        self.account = digest(f"email:{account}") if account else None
        base = f"azora:abuse:{namespace}"
        self.ip_failures = f"{base}:ipf:{self.ip}"
        self.ip_accounts = f"{base}:ipa:{self.ip}"
        self.ip_blocked = f"{base}:ipb:{self.ip}"
        self.account_failures = f"{base}:acf:{self.account}"
        self.account_last = f"{base}:acl:{self.account}"
        self.account_ips = f"{base}:aci:{self.account}"
        self.account_lock = f"{base}:lock:{self.account}"
        self.pair = f"{base}:pair:{self.ip}:{self.account}"


def _count(key: str, *, window: int) -> int:
    """Adds one to a counter whose window opens at its first hit (INCR keeps the key's expiry)."""
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return 1


@dataclass(frozen=True, slots=True)
class FailureCounts:
    ip_failures: int
    ip_accounts: int
    account_failures: int
    account_ips: int


@dataclass(frozen=True, slots=True)
class FailureOutcome:
    counts: FailureCounts
    ip_blocked: bool
    account_locked: bool


def sign_in_failed(
    *,
    ip: str,
    account: str | None,
    now: dt.datetime | None = None,
    limits: AbuseLimits | None = None,
    reputation_of: Callable[[str], int] | None = None,
) -> FailureOutcome:
    """Counts a failed sign-in (password or second factor) of `account` (an email, lower-cased; None when the
    form named none) from `ip`; blocks the IP or locks the account when a threshold is crossed."""
    limits = limits or AbuseLimits.from_settings()
    now = now or timezone.now()
    window = limits.window_seconds
    keys = _Keys(ip=ip, account=account)
    stamp = now.timestamp()
    ip_failures = _count(keys.ip_failures, window=window)
    account_failures = account_ips = ip_accounts = 0
    if keys.account is not None:
        account_failures = _count(keys.account_failures, window=window)
        cache.set(keys.account_last, stamp, timeout=window)
        if cache.add(keys.pair, 1, timeout=window):
            ip_accounts = _count(keys.ip_accounts, window=window)
            account_ips = _count(keys.account_ips, window=window)
        else:
            ip_accounts = int(cache.get(keys.ip_accounts, 1))
            account_ips = int(cache.get(keys.account_ips, 1))
    counts = FailureCounts(
        ip_failures=ip_failures, ip_accounts=ip_accounts, account_failures=account_failures, account_ips=account_ips
    )
    ip_blocked = _maybe_block_ip(keys, ip=ip, counts=counts, limits=limits, now=now, reputation_of=reputation_of)
    account_locked = _maybe_lock_account(keys, account=account, counts=counts, limits=limits, now=now)
    return FailureOutcome(counts=counts, ip_blocked=ip_blocked, account_locked=account_locked)


def sign_in_succeeded(*, account: str) -> None:
    """A correct sign-in ends the account's delay (not its lock, and not the IP's counts: a stuffing run that
    finds one working password is still a stuffing run)."""
    keys = _Keys(ip="", account=account)
    cache.delete_many([keys.account_failures, keys.account_last])


def sign_in_wait(
    *, ip: str, account: str | None, now: dt.datetime | None = None, limits: AbuseLimits | None = None
) -> int | None:
    """Whole seconds this sign-in attempt for `account` must wait (its lock or its progressive delay), or None to
    go ahead. Delays are per account: an address's volume is the rate limiter's (login-ip), and an address trying
    many accounts is blocked outright as credential stuffing."""
    limits = limits or AbuseLimits.from_settings()
    now_stamp = (now or timezone.now()).timestamp()
    keys = _Keys(ip=ip, account=account)
    if keys.account is None:
        return None
    found = cache.get_many([keys.account_failures, keys.account_last, keys.account_lock])
    waits = [_remaining(found, keys.account_failures, keys.account_last, now_stamp, limits)]
    locked_until = found.get(keys.account_lock)
    if locked_until is not None:
        waits.append(float(locked_until) - now_stamp)
    longest = max(waits)
    return math.ceil(longest) if longest > 0 else None


def _remaining(found: dict[str, Any], failures_key: str, last_key: str, now: float, limits: AbuseLimits) -> float:
    failures = int(found.get(failures_key) or 0)
    last = found.get(last_key)
    if last is None:
        return 0.0
    return float(last) + delay_after(failures, limits=limits) - now


# --- reactions ---------------------------------------------------------------------------------------------


def _maybe_block_ip(
    keys: _Keys,
    *,
    ip: str,
    counts: FailureCounts,
    limits: AbuseLimits,
    now: dt.datetime,
    reputation_of: Callable[[str], int] | None,
) -> bool:
    if counts.ip_accounts < 2:
        return False
    if reputation_of is None:
        from azora.security import reputation

        reputation_of = reputation.reputation_score
    threshold = stuffing_threshold(limits=limits, reputation=reputation_of(ip))
    if counts.ip_accounts < threshold:
        return False
    if not cache.add(keys.ip_blocked, 1, timeout=limits.block_minutes * 60):
        return False  # already blocked in this window
    return _block_ip(ip=ip, counts=counts, limits=limits, now=now)


def _block_ip(*, ip: str, counts: FailureCounts, limits: AbuseLimits, now: dt.datetime) -> bool:
    from azora.security import edge, ip_rules
    from azora.security.errors import LockoutRefused
    from azora.security.public import events

    if edge.current_rules(now=now).is_allowed(ip):
        return False
    network = ip_rules.parse_network(ip)
    try:
        ip_rules.ip_rule_create(
            actor_id=None,
            action=IpRule.Action.DENY,
            cidr=str(network),
            reason=gettext("Credential stuffing: failed sign-ins for %(accounts)d accounts.")
            % {"accounts": counts.ip_accounts},
            expires_at=now + dt.timedelta(minutes=limits.block_minutes),
            source=IpRule.Source.AUTOMATIC,
            now=now,
        )
    except LockoutRefused:
        logger.warning("automatic block skipped: it would lock out the platform's operators")
        return False
    events.security_event_record(
        kind=SecurityEventKind.CREDENTIAL_STUFFING,
        severity=Severity.HIGH,
        summary=gettext("Address blocked for %(minutes)d minutes after failed sign-ins for %(accounts)d accounts.")
        % {"minutes": limits.block_minutes, "accounts": counts.ip_accounts},
        ip=ip,
        detail={"accounts": counts.ip_accounts, "failures": counts.ip_failures, "block_minutes": limits.block_minutes},
    )
    return True


def _maybe_lock_account(
    keys: _Keys, *, account: str | None, counts: FailureCounts, limits: AbuseLimits, now: dt.datetime
) -> bool:
    if account is None:
        return False
    many_ips = counts.account_ips >= limits.brute_force_ips
    many_failures = counts.account_failures >= limits.brute_force_failures
    if not (many_ips or many_failures):
        return False
    lock_seconds = limits.block_minutes * 60
    if not cache.add(keys.account_lock, now.timestamp() + lock_seconds, timeout=lock_seconds):
        return False  # already locked
    user_id = accounts.active_user_id_by_email(email=account)
    _record_brute_force(keys, user_id=user_id, counts=counts, limits=limits)
    if user_id is not None:
        transaction.on_commit(
            lambda: send_sign_in_lock_notice_task.enqueue(user_id=str(user_id), minutes=limits.block_minutes),
            robust=True,
        )
    return True


def _record_brute_force(keys: _Keys, *, user_id: uuid.UUID | None, counts: FailureCounts, limits: AbuseLimits) -> None:
    from azora.security.public import events

    events.security_event_record(
        kind=SecurityEventKind.BRUTE_FORCE,
        severity=Severity.HIGH,
        summary=gettext("Sign-in to one account locked for %(minutes)d minutes after %(failures)d failures.")
        % {"minutes": limits.block_minutes, "failures": counts.account_failures},
        actor_id=user_id,
        detail={
            "account": keys.account,
            "failures": counts.account_failures,
            "addresses": counts.account_ips,
            "lock_minutes": limits.block_minutes,
        },
    )


def account_lock_clear(*, account: str) -> None:
    """Lifts a brute-force lock of sign-in to `account` (an operator who knows the user)."""
    keys = _Keys(ip="", account=account)
    cache.delete_many([keys.account_lock, keys.account_failures, keys.account_last])


# --- the notice --------------------------------------------------------------------------------------------


@task()
def send_sign_in_lock_notice_task(*, user_id: str, minutes: int) -> bool:
    """Tells a user that sign-in to their account was paused after many failed attempts. The attacker never
    sees whether this was sent: the sign-in answer is the same for every address."""
    try:
        profile = accounts.user_profile(user_id=uuid.UUID(user_id))
    except Exception:  # robust: the user may have been deleted or suspended since
        return False
    with translation.override(profile.preferred_language or settings.LANGUAGE_CODE):
        subject = gettext("Sign-in to your Azora account was paused")
        body = gettext(
            "Someone tried to sign in to your Azora account many times with a wrong password or code, so we "
            "paused sign-in for %(minutes)d minutes.\n\n"
            "If it was you, wait and try again, or reset your password.\n"
            "If it was not you, your password is still safe, but consider changing it and turning on two-factor "
            "authentication in your account settings."
        ) % {"minutes": minutes}
    try:
        EmailMessage(subject=subject, body=body, to=[profile.email]).send()
    except Exception:  # robust: a mail server that is down must not fail the task for ever; it is logged
        logger.exception("sign-in lock notice not sent")
        return False
    return True
