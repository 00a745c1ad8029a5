"""App configuration for the Elara AI Orchestrator: its usage counter with the revenue engine and its subscribers."""

from django.apps import AppConfig


class AgentsConfig(AppConfig):
    name = "azora.agents"
    label = "agents"
    verbose_name = "Elara AI Orchestrator"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from azora.agents import wiring
        from azora.agents.demo import load_demo_data
        from azora.shared import demo

        wiring.connect()
        # After the accounts, education and revenue demos (10-60): the learner asks about a demo course.
        demo.register("agents", load_demo_data, order=70)
