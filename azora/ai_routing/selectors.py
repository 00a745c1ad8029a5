"""AI Routing's read side: who administers it, provider configurations and states, usage and budgets."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from time import monotonic
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate

import azora.accounts.public as accounts
from azora.ai_routing import adapters, resilience
from azora.ai_routing.config import ProviderConfig, router_settings
from azora.ai_routing.errors import AiAdminRequired
from azora.ai_routing.models import Budget, BudgetPeriod, Provider, ProviderKind, Usage
from azora.shared.compiled import CompiledQuery
from azora.shared.errors import ValidationFailed

ADMIN_ROLES = frozenset({"platform_admin"})
MAX_REPORT_DAYS = 366
DEFAULT_REPORT_DAYS = 30


def may_administer_ai(*, user_id: uuid.UUID | None, via_api_key: bool) -> bool:
    """Platform admins administer AI routing, and never through an API key."""
    if user_id is None or via_api_key:
        return False
    return not accounts.platform_roles_of(user_id=user_id).isdisjoint(ADMIN_ROLES)


_CONFIG_FIELDS = (
    "name",
    "kind",
    "base_url",
    "model",
    "secret_env_var",
    "input_price_micros_per_million",
    "output_price_micros_per_million",
    "context_window",
    "capabilities",
    "requests_per_minute",
    "tokens_per_minute",
    "timeout_ms",
    "priority",
    "weight",
    "tier",
)


def provider_config_of(row: Provider) -> ProviderConfig:
    return _config_from({field: getattr(row, field) for field in _CONFIG_FIELDS})


def _config_from(values: dict[str, Any]) -> ProviderConfig:
    return ProviderConfig(**{**values, "capabilities": tuple(str(c) for c in (values["capabilities"] or ()))})


def _configs_query(active_only: bool) -> QuerySet[Provider, Any]:
    rows = Provider.objects.filter(is_active=True) if active_only else Provider.objects.all()
    configs: QuerySet[Provider, Any] = rows.order_by("priority", "name").values(*_CONFIG_FIELDS)
    return configs


# Every chat reads the providers: compiled once per thread (docs/ai-routing.md, "Performance").
_CONFIGS = CompiledQuery("provider configs", _configs_query)
# The active providers as last read, with when (time.monotonic): (read at, configs); None until read or after a change.
_active: tuple[float, tuple[ProviderConfig, ...]] | None = None


def provider_configs(*, active_only: bool = True) -> list[ProviderConfig]:
    """The providers in routing order. The active ones are read at most once per AZORA_AI_PROVIDER_CACHE_SECONDS
    per process (every chat asks; rows change when an admin edits them); a change saved through the ORM in this
    process is seen at once, one saved in another process within that time."""
    global _active
    ttl = settings.AZORA_AI_PROVIDER_CACHE_SECONDS
    if not active_only or ttl <= 0:
        return [_config_from(row) for row in _CONFIGS.run((active_only,))]
    now = monotonic()
    cached = _active
    if cached is None or now - cached[0] >= ttl:
        cached = _active = (now, tuple(_config_from(row) for row in _CONFIGS.run((True,))))
    return list(cached[1])


def provider_configs_forget() -> None:
    """Drop the cached active providers (a provider was saved or deleted)."""
    global _active
    _active = None


def offline_only() -> bool:
    """True when no provider other than the built-in offline one (`local`) is active: every chat will be answered by
    BM25 excerpts of lessons, so a caller that wants a model's own words (onboarding guidance) may skip the call."""
    return not Provider.objects.filter(is_active=True).exclude(kind=ProviderKind.LOCAL).exists()


def provider_list() -> QuerySet[Provider]:
    return Provider.objects.order_by("priority", "name")


@dataclass(frozen=True)
class ProviderStatus:
    """A provider's configuration as an admin sees it, with whether its secret is set and its live state."""

    id: uuid.UUID
    name: str
    kind: str
    base_url: str
    model: str
    secret_env_var: str
    secret_is_set: bool
    input_price_micros_per_million: int
    output_price_micros_per_million: int
    context_window: int
    capabilities: tuple[str, ...]
    requests_per_minute: int
    tokens_per_minute: int
    timeout_ms: int
    priority: int
    weight: int
    tier: str
    is_active: bool
    breaker_state: str
    latency_ms_average: float | None


def provider_statuses() -> list[ProviderStatus]:
    """Every configured provider, in routing order, with its breaker state and moving latency average."""
    statuses = []
    for row in provider_list():
        config = provider_config_of(row)
        statuses.append(
            ProviderStatus(
                id=row.id,
                name=row.name,
                kind=row.kind,
                base_url=row.base_url,
                model=row.model,
                secret_env_var=row.secret_env_var,
                secret_is_set=adapters.secret_is_set(config),
                input_price_micros_per_million=row.input_price_micros_per_million,
                output_price_micros_per_million=row.output_price_micros_per_million,
                context_window=row.context_window,
                capabilities=config.capabilities,
                requests_per_minute=row.requests_per_minute,
                tokens_per_minute=row.tokens_per_minute,
                timeout_ms=row.timeout_ms,
                priority=row.priority,
                weight=row.weight,
                tier=row.tier,
                is_active=row.is_active,
                breaker_state=resilience.breaker_status(row.name).state,
                latency_ms_average=resilience.latency_average(row.name),
            )
        )
    return statuses


@dataclass(frozen=True)
class UsageRow:
    day: date
    provider: str
    user_id: uuid.UUID | None
    organisation_id: uuid.UUID | None
    requests: int
    tokens_in: int
    tokens_out: int
    cost_micros: int
    cache_hits: int


def usage_report(
    *,
    since: datetime,
    until: datetime,
    user_id: uuid.UUID | None = None,
    organisation_id: uuid.UUID | None = None,
    provider: str | None = None,
    limit: int = 1000,
) -> list[UsageRow]:
    """Usage per day, provider, user and organisation in [since, until), newest day first."""
    rows = Usage.objects.filter(created_at__gte=since, created_at__lt=until)
    if user_id is not None:
        rows = rows.filter(user_id=user_id)
    if organisation_id is not None:
        rows = rows.filter(organisation_id=organisation_id)
    if provider:
        rows = rows.filter(provider=provider)
    grouped = (
        rows.annotate(day=TruncDate("created_at"))
        .values("day", "provider", "user_id", "organisation_id")
        .annotate(
            requests=Count("id"),
            tokens_in=Sum("tokens_in"),
            tokens_out=Sum("tokens_out"),
            cost_micros=Sum("cost_micros"),
            cache_hits=Count("id", filter=Q(cache_hit=True)),
        )
        .order_by("-day", "provider", "user_id", "organisation_id")[:limit]
    )
    return [
        UsageRow(
            day=row["day"],
            provider=row["provider"],
            user_id=row["user_id"],
            organisation_id=row["organisation_id"],
            requests=row["requests"],
            tokens_in=row["tokens_in"] or 0,
            tokens_out=row["tokens_out"] or 0,
            cost_micros=row["cost_micros"] or 0,
            cache_hits=row["cache_hits"],
        )
        for row in grouped
    ]


@dataclass(frozen=True)
class BudgetView:
    id: uuid.UUID
    scope: str
    subject: str
    limit_micros: int
    currency: str
    month: date
    spent_micros: int
    reserved_micros: int
    alerted_percent: int


@dataclass(frozen=True)
class UsageReport:
    since: date
    until: date
    currency: str
    rows: list[UsageRow]


def usage_report_for_viewer(
    *,
    viewer_user_id: uuid.UUID | None,
    viewer_organisation_id: uuid.UUID | None,
    via_api_key: bool,
    since: date | None = None,
    until: date | None = None,
    user_id: uuid.UUID | None = None,
    organisation_id: uuid.UUID | None = None,
    provider: str | None = None,
    today: date | None = None,
) -> UsageReport:
    """The viewer's own usage (an organisation key: its organisation's); admins may ask for anyone's.

    The period is whole UTC days, `until` inclusive, by default the last 30 days, at most MAX_REPORT_DAYS.
    """
    last = until or today or datetime.now(UTC).date()
    first = since or (last - timedelta(days=DEFAULT_REPORT_DAYS))
    if first > last or (last - first).days > MAX_REPORT_DAYS:
        raise ValidationFailed(
            f"The period must run forward and cover at most {MAX_REPORT_DAYS} days.", extra={"fields": ["since"]}
        )
    if user_id is not None or organisation_id is not None:
        if not may_administer_ai(user_id=viewer_user_id, via_api_key=via_api_key):
            raise AiAdminRequired()
    elif viewer_user_id is not None:
        user_id = viewer_user_id
    else:
        organisation_id = viewer_organisation_id
    rows = usage_report(
        since=datetime.combine(first, time.min, tzinfo=UTC),
        until=datetime.combine(last + timedelta(days=1), time.min, tzinfo=UTC),
        user_id=user_id,
        organisation_id=organisation_id,
        provider=provider,
    )
    return UsageReport(since=first, until=last, currency=router_settings().currency, rows=rows)


def budget_list(*, month: date) -> list[BudgetView]:
    periods = {p.budget_id: p for p in BudgetPeriod.objects.filter(month=month)}
    views = []
    for budget in Budget.objects.order_by("scope", "subject"):
        period = periods.get(budget.pk)
        views.append(
            BudgetView(
                id=budget.pk,
                scope=budget.scope,
                subject=budget.subject,
                limit_micros=budget.limit_micros,
                currency=budget.currency,
                month=month,
                spent_micros=period.spent_micros if period else 0,
                reserved_micros=period.reserved_micros if period else 0,
                alerted_percent=period.alerted_percent if period else 0,
            )
        )
    return views


@dataclass(frozen=True)
class ProviderUsageRow:
    """One provider's calls over a period, for operators: requests, failures, tokens, cost and mean latency."""

    provider: str
    requests: int
    errors: int
    tokens_in: int
    tokens_out: int
    cost_micros: int
    mean_latency_ms: float | None


def usage_by_provider(*, since: datetime, until: datetime) -> list[ProviderUsageRow]:
    """Usage per provider in [since, until), the costliest first (one query); calls that never reached a
    provider (refused by the guard or a budget) are grouped under ""."""
    grouped = (
        Usage.objects.filter(created_at__gte=since, created_at__lt=until)
        .values("provider")
        .annotate(
            requests=Count("id"),
            errors=Count("id", filter=Q(outcome="error")),
            tokens_in=Sum("tokens_in"),
            tokens_out=Sum("tokens_out"),
            cost_micros=Sum("cost_micros"),
            latency_total=Sum("latency_ms"),
        )
        .order_by("-cost_micros", "-requests", "provider")
    )
    return [
        ProviderUsageRow(
            provider=row["provider"],
            requests=row["requests"],
            errors=row["errors"],
            tokens_in=row["tokens_in"] or 0,
            tokens_out=row["tokens_out"] or 0,
            cost_micros=row["cost_micros"] or 0,
            mean_latency_ms=(row["latency_total"] or 0) / row["requests"] if row["requests"] else None,
        )
        for row in grouped
    ]
