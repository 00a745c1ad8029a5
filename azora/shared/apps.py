"""App configuration for Shared Services."""

from django.apps import AppConfig


class SharedConfig(AppConfig):
    name = "azora.shared"
    label = "shared"
    verbose_name = "Shared Services"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from azora.shared.observability import setup

        setup.configure()
