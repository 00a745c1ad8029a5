"""App configuration for Azora Aegis."""

from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "azora.security"
    label = "security"
    verbose_name = "Azora Aegis"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from azora.security import checks  # noqa: F401 -- importing registers the system checks
