"""App configuration for the Pay UI."""

from django.apps import AppConfig


class PayPortalConfig(AppConfig):
    name = "azora.portals.pay"
    label = "pay_portal"
    verbose_name = "Pay UI"
