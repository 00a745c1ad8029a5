"""App configuration for AI Routing: model providers, routing strategies, budgets and usage."""

from django.apps import AppConfig


class AiRoutingConfig(AppConfig):
    name = "azora.ai_routing"
    label = "ai_routing"
    verbose_name = "AI Routing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from azora.ai_routing import checks  # noqa: F401 -- importing registers ai_routing.E001
        from azora.ai_routing.models import Provider

        post_save.connect(_providers_changed, sender=Provider, dispatch_uid="ai_routing.provider_saved")
        post_delete.connect(_providers_changed, sender=Provider, dispatch_uid="ai_routing.provider_deleted")


def _providers_changed(**_: object) -> None:
    """This process's cached providers are dropped now and again once the change commits (a chat in between could
    have read the rows from before it)."""
    from django.db import transaction

    from azora.ai_routing.selectors import provider_configs_forget

    provider_configs_forget()
    transaction.on_commit(provider_configs_forget)
