"""App configuration for Azora Finance (the ledger): demo data, and the AZR supply issued after migrate."""

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class FinanceConfig(AppConfig):
    name = "azora.finance"
    label = "finance"
    verbose_name = "Azora Finance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from azora.finance.demo import load_demo_data
        from azora.shared import demo

        # After accounts (10): the demo users receive AZR from the treasury.
        demo.register("finance", load_demo_data, order=30)
        post_migrate.connect(issue_supply_after_migrate, sender=self, dispatch_uid="finance.issue_supply")


def issue_supply_after_migrate(*, using: str = "default", **_: Any) -> None:
    """Set-up, not domain logic: the supply exists from the first migrate on (docs/decisions/0009)."""
    from django.db import connections

    from azora.finance.models import Transfer
    from azora.finance.services import supply_issue

    # `migrate finance zero` also sends post_migrate; then there is nothing to issue into.
    if Transfer._meta.db_table not in connections[using].introspection.table_names():
        return
    supply_issue()
