"""App configuration for the Education Revenue Engine: its event subscribers, periodic jobs and enrolment gate."""

from django.apps import AppConfig


class RevenueConfig(AppConfig):
    name = "azora.revenue"
    label = "revenue"
    verbose_name = "Education Revenue Engine"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from azora.revenue import wiring

        wiring.connect()
