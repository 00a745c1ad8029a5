"""App configuration for Health Monitor."""

from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "azora.health"
    label = "health"
    verbose_name = "Health Monitor"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from azora.health import checks
        from azora.health.public import register_probe

        register_probe("database", checks.database)
        register_probe("cache", checks.cache_round_trip)
        register_probe("migrations", checks.migrations_applied)
        register_probe("task_queue", checks.task_queue)
