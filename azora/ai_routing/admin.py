"""Django admin for AI Routing: providers and budgets are edited here; usage is read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from azora.ai_routing.models import Budget, BudgetPeriod, Provider, Usage


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin[Provider]):
    list_display = ("name", "kind", "model", "tier", "priority", "weight", "is_active")
    list_filter = ("kind", "tier", "is_active")
    search_fields = ("name", "model")
    fieldsets = (
        (None, {"fields": ("name", "kind", "base_url", "model", "is_active")}),
        ("Secret", {"fields": ("secret_env_var",), "description": "The NAME of an environment variable, never a key."}),
        (
            "Prices and limits",
            {
                "fields": (
                    "input_price_micros_per_million",
                    "output_price_micros_per_million",
                    "context_window",
                    "requests_per_minute",
                    "tokens_per_minute",
                    "timeout_ms",
                )
            },
        ),
        ("Routing", {"fields": ("priority", "weight", "tier", "capabilities")}),
    )


class BudgetPeriodInline(admin.TabularInline[BudgetPeriod, Budget]):
    model = BudgetPeriod
    fields = ("month", "spent_micros", "reserved_micros", "alerted_percent")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Budget)
class BudgetAdmin(admin.ModelAdmin[Budget]):
    list_display = ("scope", "subject", "limit_micros", "currency")
    list_filter = ("scope",)
    search_fields = ("subject",)
    inlines = (BudgetPeriodInline,)


@admin.register(Usage)
class UsageAdmin(admin.ModelAdmin[Usage]):
    list_display = ("created_at", "provider", "model", "outcome", "tokens_in", "tokens_out", "cost_micros", "cache_hit")
    list_filter = ("outcome", "provider", "cache_hit", "streamed")
    search_fields = ("=user_id", "=organisation_id", "request_id")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
