"""App configuration for AI Routing: model providers, routing strategies, budgets and usage."""

from django.apps import AppConfig


class AiRoutingConfig(AppConfig):
    name = "azora.ai_routing"
    label = "ai_routing"
    verbose_name = "AI Routing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from azora.ai_routing import checks  # noqa: F401 -- importing registers ai_routing.E001
