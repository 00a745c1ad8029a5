"""App configuration for Health Monitor: every app's `probes.py` registers its probes when the app registry is ready."""

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class HealthConfig(AppConfig):
    name = "azora.health"
    label = "health"
    verbose_name = "Health Monitor"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from azora.health import requests

        # ADR 0021: apps above health register with it; health never imports them by name.
        autodiscover_modules("probes")
        requests.install()
