"""AI Routing's tables: model providers (as data), monthly budgets, their periods and reservations, usage records."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from azora.shared.ids import uuid7
from azora.shared.models import PublicModel


class ProviderKind(models.TextChoices):
    OPENAI_COMPATIBLE = "openai_compatible", _("OpenAI-compatible (OpenAI, Ollama, vLLM, llama.cpp, LM Studio)")
    ANTHROPIC = "anthropic", _("Anthropic")
    LOCAL = "local", _("Built-in offline assistant")


class Tier(models.TextChoices):
    SIMPLE = "simple", _("Simple")
    MODERATE = "moderate", _("Moderate")
    COMPLEX = "complex", _("Complex")


class Provider(PublicModel):
    """A model endpoint the router may call. The secret is never stored: only the NAME of the environment variable."""

    name = models.SlugField(max_length=64, unique=True)
    kind = models.CharField(max_length=32, choices=ProviderKind.choices)
    base_url = models.URLField(max_length=300, blank=True, default="")
    model = models.CharField(max_length=120)
    secret_env_var = models.CharField(
        max_length=100,
        blank=True,
        default="",
        help_text=_("Name of the environment variable that holds the API key (never the key itself)."),
    )
    # Prices in micro-units of AZORA_AI_CURRENCY per million tokens (USD 0.15 per million = 150000).
    input_price_micros_per_million = models.PositiveBigIntegerField(default=0)
    output_price_micros_per_million = models.PositiveBigIntegerField(default=0)
    context_window = models.PositiveIntegerField(default=8192)
    capabilities = models.JSONField(default=list, blank=True)
    requests_per_minute = models.PositiveIntegerField(default=0, help_text=_("0 = no limit"))
    tokens_per_minute = models.PositiveIntegerField(default=0, help_text=_("0 = no limit"))
    timeout_ms = models.PositiveIntegerField(default=30_000)
    priority = models.PositiveIntegerField(default=100, help_text=_("Ordered fallback: lower first"))
    weight = models.PositiveIntegerField(default=1, help_text=_("Weighted strategy: share of requests"))
    tier = models.CharField(max_length=16, choices=Tier.choices, blank=True, default="")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["priority", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind}: {self.model})"


class BudgetScope(models.TextChoices):
    USER = "user", _("User")
    ORGANISATION = "organisation", _("Organisation")
    PLAN = "plan", _("Plan")


class Budget(PublicModel):
    """A monthly spending limit for a user, an organisation or a plan (subject: the id, or the plan's code)."""

    scope = models.CharField(max_length=16, choices=BudgetScope.choices)
    subject = models.CharField(max_length=64)
    limit_micros = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)

    class Meta:
        ordering = ["scope", "subject"]
        constraints = [models.UniqueConstraint(fields=["scope", "subject"], name="ai_budget_scope_subject_unique")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.subject}"


class BudgetPeriod(PublicModel):
    """One budget's month: what was spent (settled) and what is reserved by calls in flight; alerts already sent."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="periods")
    month = models.DateField(help_text=_("First day of the month (UTC)"))
    spent_micros = models.BigIntegerField(default=0)
    reserved_micros = models.BigIntegerField(default=0)
    alerted_percent = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["budget", "-month"]
        constraints = [models.UniqueConstraint(fields=["budget", "month"], name="ai_budget_period_unique")]


class BudgetReservation(models.Model):
    """Money held on a period by a call in flight; deleted when the call settles (stale ones released by a job)."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    period = models.ForeignKey(BudgetPeriod, on_delete=models.CASCADE, related_name="reservations")
    amount_micros = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="ai_reservation_created_idx")]

    def __str__(self) -> str:
        return f"{self.amount_micros} on {self.period_id}"


class Outcome(models.TextChoices):
    OK = "ok", _("Answered")
    REFUSED = "refused", _("Refused by the guard")
    ERROR = "error", _("Failed")
    BUDGET_REFUSED = "budget_refused", _("Refused: budget")
    RATE_LIMITED = "rate_limited", _("Refused: rate limit")


class Usage(models.Model):
    """One chat: who, which provider and model, tokens, cost, latency, outcome, cache, routing and guard decisions.

    Append-only. Cost is in integer micro-units of `currency`.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    user_id = models.UUIDField(null=True, blank=True)
    organisation_id = models.UUIDField(null=True, blank=True)
    api_key_id = models.UUIDField(null=True, blank=True)
    plan = models.CharField(max_length=64, blank=True, default="")
    purpose = models.CharField(max_length=32, default="chat")
    request_id = models.CharField(max_length=64, blank=True, default="")
    provider = models.CharField(max_length=64, blank=True, default="")
    model = models.CharField(max_length=120, blank=True, default="")
    tokens_in = models.PositiveIntegerField(default=0)
    tokens_out = models.PositiveIntegerField(default=0)
    cost_micros = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3)
    latency_ms = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    error_code = models.CharField(max_length=64, blank=True, default="")
    cache_hit = models.BooleanField(default=False)
    streamed = models.BooleanField(default=False)
    strategy = models.CharField(max_length=32, blank=True, default="")
    decision = models.JSONField(default=dict, blank=True)
    attempts = models.JSONField(default=list, blank=True)
    input_decision_id = models.UUIDField(null=True, blank=True)
    output_decision_id = models.UUIDField(null=True, blank=True)
    input_action = models.CharField(max_length=16, blank=True, default="")
    output_action = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user_id", "created_at"], name="ai_usage_user_idx"),
            models.Index(fields=["organisation_id", "created_at"], name="ai_usage_org_idx"),
            models.Index(fields=["provider", "created_at"], name="ai_usage_provider_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.provider or '-'} {self.outcome} {self.created_at:%Y-%m-%d %H:%M}"
