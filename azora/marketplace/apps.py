"""App configuration for Azora Marketplace: its subscribers, periodic jobs and demo data."""

from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "azora.marketplace"
    label = "marketplace"
    verbose_name = "Azora Marketplace"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from azora.marketplace import wiring

        wiring.connect()
