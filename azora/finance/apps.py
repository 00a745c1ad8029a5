"""App configuration for Azora Finance (the ledger)."""

from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "azora.finance"
    label = "finance"
    verbose_name = "Azora Finance"
    default_auto_field = "django.db.models.BigAutoField"
