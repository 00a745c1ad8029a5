"""App configuration for Health Monitor."""

from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "azora.health"
    label = "health"
    verbose_name = "Health Monitor"
    default_auto_field = "django.db.models.BigAutoField"
