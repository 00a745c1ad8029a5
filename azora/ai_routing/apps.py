"""App configuration for AI Routing: model providers, routing strategies, budgets and usage."""

from django.apps import AppConfig


class AiRoutingConfig(AppConfig):
    name = "azora.ai_routing"
    label = "ai_routing"
    verbose_name = "AI Routing"
    default_auto_field = "django.db.models.BigAutoField"
