"""App configuration for the Elara AI Orchestrator: its usage counter with the revenue engine and its subscribers."""

from django.apps import AppConfig


class AgentsConfig(AppConfig):
    name = "azora.agents"
    label = "agents"
    verbose_name = "Elara AI Orchestrator"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from azora.agents import wiring

        wiring.connect()
