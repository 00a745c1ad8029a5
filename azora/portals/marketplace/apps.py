"""App configuration for the Marketplace UI."""

from django.apps import AppConfig


class MarketplacePortalConfig(AppConfig):
    name = "azora.portals.marketplace"
    label = "marketplace_portal"
    verbose_name = "Marketplace UI"
