"""App configuration for Azora Aegis: its system checks, the sign-in signal receivers, and every app's privacy
and moderation hooks (ADR 0021)."""

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class SecurityConfig(AppConfig):
    name = "azora.security"
    label = "security"
    verbose_name = "Azora Aegis"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from azora.security import (
            checks,  # noqa: F401 -- importing registers the system checks
            receivers,
        )

        receivers.connect()
        autodiscover_modules("privacy", "moderation")
