"""AI Routing's read side: provider configurations, usage records and the usage report."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate

from azora.ai_routing.config import ProviderConfig
from azora.ai_routing.models import Budget, BudgetPeriod, Provider, Usage


def provider_config_of(row: Provider) -> ProviderConfig:
    return ProviderConfig(
        name=row.name,
        kind=row.kind,
        base_url=row.base_url,
        model=row.model,
        secret_env_var=row.secret_env_var,
        input_price_micros_per_million=row.input_price_micros_per_million,
        output_price_micros_per_million=row.output_price_micros_per_million,
        context_window=row.context_window,
        capabilities=tuple(str(c) for c in (row.capabilities or ())),
        requests_per_minute=row.requests_per_minute,
        tokens_per_minute=row.tokens_per_minute,
        timeout_ms=row.timeout_ms,
        priority=row.priority,
        weight=row.weight,
        tier=row.tier,
    )


def provider_configs(*, active_only: bool = True) -> list[ProviderConfig]:
    rows = Provider.objects.all() if not active_only else Provider.objects.filter(is_active=True)
    return [provider_config_of(row) for row in rows.order_by("priority", "name")]


def provider_list() -> QuerySet[Provider]:
    return Provider.objects.order_by("priority", "name")


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
