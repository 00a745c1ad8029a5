"""IP allow and deny rules: validating and saving them (with the lockout guard), and compiling the active ones into
sorted integer ranges that the edge searches with bisect."""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import uuid
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

import azora.accounts.public as accounts
from azora.security.errors import InvalidIpRule, IpRuleNotFound, LockoutRefused
from azora.security.models import IpRule
from azora.shared.pagination import Page, paginate_queryset

logger = logging.getLogger(__name__)

# The cache key every process compares with the version of the rules it compiled: saving or deleting a rule
# writes a new value, so each process recompiles on its next request.
VERSION_KEY = "azora:security:ip-rules:version"
# How far back an operator's sign-in addresses count for the lockout guard.
OPERATOR_IP_LOOKBACK = dt.timedelta(days=30)
MAX_REASON_LENGTH = 300

BlockReason = Literal["ip_rule", "automatic_block"]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


# --- compiled rules: pure, no database ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RangeSet:
    """Disjoint, sorted, inclusive integer ranges of one address family; membership is one bisect."""

    starts: tuple[int, ...] = ()
    ends: tuple[int, ...] = ()

    @classmethod
    def of(cls, networks: Iterable[Network]) -> RangeSet:
        spans = sorted((int(net.network_address), int(net.broadcast_address)) for net in networks)
        merged: list[list[int]] = []
        for start, end in spans:
            if merged and start <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        return cls(starts=tuple(span[0] for span in merged), ends=tuple(span[1] for span in merged))

    def __contains__(self, value: int) -> bool:
        index = bisect_right(self.starts, value) - 1
        return index >= 0 and value <= self.ends[index]

    def __len__(self) -> int:
        return len(self.starts)


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """One rule as the compiler needs it."""

    action: str
    network: Network
    source: str


@dataclass(frozen=True, slots=True)
class CompiledRules:
    """The active rules of one moment: allow ranges, manual and automatic deny ranges, per address family.

    `valid_until` is the earliest expiry among them: after it the set must be compiled again.
    """

    allow: Mapping[int, RangeSet] = field(default_factory=dict)
    deny_manual: Mapping[int, RangeSet] = field(default_factory=dict)
    deny_automatic: Mapping[int, RangeSet] = field(default_factory=dict)
    valid_until: dt.datetime | None = None

    @property
    def is_empty(self) -> bool:
        return not any(len(ranges) for group in (self.deny_manual, self.deny_automatic) for ranges in group.values())

    def is_allowed(self, ip: str) -> bool:
        parsed = address_key(ip)
        return parsed is not None and parsed[1] in self.allow.get(parsed[0], RangeSet())

    def block_reason(self, ip: str) -> BlockReason | None:
        """Why requests from `ip` are refused, or None. An allow rule wins over every deny rule."""
        if self.is_empty:
            return None
        parsed = address_key(ip)
        if parsed is None:
            return None
        version, value = parsed
        if value in self.allow.get(version, RangeSet()):
            return None
        if value in self.deny_manual.get(version, RangeSet()):
            return "ip_rule"
        if value in self.deny_automatic.get(version, RangeSet()):
            return "automatic_block"
        return None


def address_key(ip: str) -> tuple[int, int] | None:
    """(IP version, integer value) of an address; an IPv4-mapped IPv6 address counts as its IPv4 address."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.version, int(address)


def compile_rules(specs: Iterable[RuleSpec], *, valid_until: dt.datetime | None = None) -> CompiledRules:
    groups: dict[str, dict[int, list[Network]]] = {"allow": {}, "manual": {}, "automatic": {}}
    for spec in specs:
        group = "allow" if spec.action == IpRule.Action.ALLOW else spec.source
        groups[group].setdefault(spec.network.version, []).append(spec.network)

    def ranges(group: str) -> dict[int, RangeSet]:
        return {version: RangeSet.of(networks) for version, networks in groups[group].items()}

    return CompiledRules(
        allow=ranges("allow"),
        deny_manual=ranges(IpRule.Source.MANUAL),
        deny_automatic=ranges(IpRule.Source.AUTOMATIC),
        valid_until=valid_until,
    )


def parse_network(cidr: str) -> Network:
    """An address or CIDR range, normalised ("10.0.0.7/8" is refused: host bits set means a typo)."""
    text = (cidr or "").strip()
    if not text or len(text) > 64:
        raise _invalid("cidr", gettext("Give an IPv4 or IPv6 address or CIDR range, such as 203.0.113.0/24."))
    try:
        network = ipaddress.ip_network(text, strict=True)
    except ValueError as error:
        message = gettext("%(value)s is not an IP address or CIDR range (%(problem)s).") % {
            "value": text[:64],
            "problem": str(error),
        }
        raise _invalid("cidr", message) from error
    if isinstance(network, ipaddress.IPv6Network) and network.network_address.ipv4_mapped is not None:
        # Stored as IPv4, so that it matches the IPv4 form the edge sees.
        mapped = network.network_address.ipv4_mapped
        network = ipaddress.ip_network(f"{mapped}/{max(0, network.prefixlen - 96)}", strict=False)
    return network


def _invalid(field_name: str, message: str) -> InvalidIpRule:
    return InvalidIpRule(message, extra={"errors": [{"field": field_name, "message": message}]})


# --- reading the rules --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IpRuleRow:
    id: uuid.UUID
    action: str
    cidr: str
    reason: str
    source: str
    expires_at: dt.datetime | None
    created_by_id: uuid.UUID | None
    created_at: dt.datetime


def _row(rule: IpRule) -> IpRuleRow:
    return IpRuleRow(
        id=rule.id,
        action=rule.action,
        cidr=rule.cidr,
        reason=rule.reason,
        source=rule.source,
        expires_at=rule.expires_at,
        created_by_id=rule.created_by_id,
        created_at=rule.created_at,
    )


def _active(now: dt.datetime) -> Q:
    return Q(expires_at__isnull=True) | Q(expires_at__gt=now)


def ip_rule_rows(*, include_expired: bool = False, now: dt.datetime | None = None) -> list[IpRuleRow]:
    rules = IpRule.objects.all() if include_expired else IpRule.objects.filter(_active(now or timezone.now()))
    return [_row(rule) for rule in rules.order_by("-id")]


def ip_rule_page(
    *,
    include_expired: bool = False,
    cursor: str | None = None,
    limit: int | None = None,
    now: dt.datetime | None = None,
) -> Page[IpRuleRow]:
    rules = IpRule.objects.all() if include_expired else IpRule.objects.filter(_active(now or timezone.now()))
    return paginate_queryset(rules, cursor=cursor, limit=limit, to_item=_row, ordering=("-id",))


def active_specs(*, now: dt.datetime) -> tuple[list[RuleSpec], dt.datetime | None]:
    """The rules in force at `now`, and the earliest moment one of them expires."""
    specs: list[RuleSpec] = []
    earliest: dt.datetime | None = None
    for action, cidr, source, expires_at in IpRule.objects.filter(_active(now)).values_list(
        "action", "cidr", "source", "expires_at"
    ):
        try:
            network = ipaddress.ip_network(cidr, strict=False)
        except ValueError:
            logger.warning("ip rule skipped: stored range does not parse")
            continue
        specs.append(RuleSpec(action=action, network=network, source=source))
        if expires_at is not None and (earliest is None or expires_at < earliest):
            earliest = expires_at
    return specs, earliest


def compiled_from_database(*, now: dt.datetime) -> CompiledRules:
    specs, valid_until = active_specs(now=now)
    return compile_rules(specs, valid_until=valid_until)


# --- changing the rules --------------------------------------------------------------------------------------


def rules_version() -> str | None:
    value = cache.get(VERSION_KEY)
    return str(value) if value is not None else None


def rules_version_bump() -> None:
    """Tell every process to recompile: a new random version (a counter could repeat after the cache restarts)."""
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # robust: a cache outage must not undo a saved rule; the process-local reset still applies
        logger.warning("ip rules version not published: the cache is unreachable")
    from azora.security import edge

    edge.rules_forget()


def _validated_action(action: str) -> str:
    if action not in IpRule.Action.values:
        raise _invalid("action", gettext("The action must be allow or deny."))
    return action


def _validated_reason(reason: str) -> str:
    cleaned = " ".join((reason or "").split())
    if not cleaned:
        raise _invalid("reason", gettext("Say why this rule exists."))
    if len(cleaned) > MAX_REASON_LENGTH:
        raise _invalid("reason", gettext("The reason must be at most 300 characters."))
    return cleaned


def _validated_expiry(expires_at: dt.datetime | None, now: dt.datetime) -> dt.datetime | None:
    if expires_at is None:
        return None
    if timezone.is_naive(expires_at):
        raise _invalid("expires_at", gettext("The expiry needs a time zone."))
    if expires_at <= now:
        raise _invalid("expires_at", gettext("The expiry must be in the future."))
    return expires_at


def lockout_check(*, specs: list[RuleSpec], actor_ip: str | None, now: dt.datetime) -> None:
    """Refuses a rule set that blocks the acting operator's address, or every address of every platform operator
    seen in the lookback (operators without a recent address cannot be judged and are not counted)."""
    compiled = compile_rules(specs)
    if actor_ip and compiled.block_reason(actor_ip) is not None:
        raise LockoutRefused(
            gettext("This rule would block your own address (%(ip)s).") % {"ip": actor_ip},
            extra={"ip": actor_ip},
        )
    operators = accounts.platform_operator_ips(since=now - OPERATOR_IP_LOOKBACK)
    known = [ips for ips in operators.values() if ips]
    if known and all(all(compiled.block_reason(ip) is not None for ip in ips) for ips in known):
        raise LockoutRefused(gettext("This rule would block every platform operator's recent addresses."))


def ip_rule_create(
    *,
    actor_id: uuid.UUID | None,
    action: str,
    cidr: str,
    reason: str,
    expires_at: dt.datetime | None = None,
    actor_ip: str | None = None,
    source: str = IpRule.Source.MANUAL,
    request: HttpRequest | None = None,
    now: dt.datetime | None = None,
) -> IpRuleRow:
    """Validates, guards against a lockout, saves and audits a rule; every process applies it on its next request."""
    from azora.security.public import audit

    now = now or timezone.now()
    actor_ip = actor_ip or _request_ip(request)
    action = _validated_action(action)
    network = parse_network(cidr)
    reason = _validated_reason(reason)
    expires_at = _validated_expiry(expires_at, now)
    with transaction.atomic():
        if action == IpRule.Action.DENY:
            current, _ = active_specs(now=now)
            lockout_check(specs=[*current, RuleSpec(action, network, source)], actor_ip=actor_ip, now=now)
        rule = IpRule.objects.create(
            action=action,
            cidr=str(network),
            reason=reason,
            source=source,
            expires_at=expires_at,
            created_by_id=actor_id,
        )
        audit.audit_record(
            action="security.ip_rule_created",
            actor_id=actor_id,
            target_type="ip_rule",
            target_id=str(rule.id),
            detail={
                "action": action,
                "cidr": rule.cidr,
                "source": source,
                "reason": reason,
                "expires_at": expires_at.isoformat() if expires_at else None,
            },
            request=request,
            ip=actor_ip,
            occurred_at=now,
        )
        transaction.on_commit(rules_version_bump)
    return _row(rule)


def ip_rule_delete(
    *,
    actor_id: uuid.UUID | None,
    rule_id: uuid.UUID,
    actor_ip: str | None = None,
    request: HttpRequest | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Deletes and audits a rule. Removing an allow rule passes the lockout guard first: the deny rules it
    overrode apply again."""
    from azora.security.public import audit

    now = now or timezone.now()
    actor_ip = actor_ip or _request_ip(request)
    with transaction.atomic():
        rule = IpRule.objects.select_for_update().filter(id=rule_id).first()
        if rule is None:
            raise IpRuleNotFound()
        if rule.action == IpRule.Action.ALLOW:
            current, _ = active_specs(now=now)
            remaining = _without_one(current, RuleSpec(rule.action, parse_network(rule.cidr), rule.source))
            lockout_check(specs=remaining, actor_ip=actor_ip, now=now)
        detail = {"action": rule.action, "cidr": rule.cidr, "source": rule.source, "reason": rule.reason}
        rule.delete()
        audit.audit_record(
            action="security.ip_rule_deleted",
            actor_id=actor_id,
            target_type="ip_rule",
            target_id=str(rule_id),
            detail=detail,
            request=request,
            ip=actor_ip,
            occurred_at=now,
        )
        transaction.on_commit(rules_version_bump)


def _request_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    from azora.security.identity import client_ip

    return client_ip(request, trusted_proxy_count=settings.AZORA_TRUSTED_PROXY_COUNT)


def _without_one(specs: list[RuleSpec], removed: RuleSpec) -> list[RuleSpec]:
    remaining = list(specs)
    if removed in remaining:
        remaining.remove(removed)
    return remaining


def ip_rules_prune(*, now: dt.datetime, keep_expired_for: dt.timedelta) -> int:
    """Deletes rules that expired longer than `keep_expired_for` ago (they stay listed for a while first)."""
    deleted, _ = IpRule.objects.filter(expires_at__lt=now - keep_expired_for).delete()
    return deleted
