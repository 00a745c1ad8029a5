"""App configuration for Constitutional AI: the constitution, its rails, and the decisions audit."""

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ConstitutionConfig(AppConfig):
    name = "azora.constitution"
    label = "constitution"
    verbose_name = "Constitutional AI"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from azora.ai_routing.public import register_guard
        from azora.constitution.rails.guard import ConstitutionGuard

        # Every governed chat of ai_routing runs through the constitution's rails (AI-CONTRACTS §1).
        register_guard(ConstitutionGuard())
        post_migrate.connect(load_constitution_after_migrate, sender=self, dispatch_uid="constitution.load")


def load_constitution_after_migrate(*, using: str = "default", **_: Any) -> None:
    """Set-up, not domain logic: the repository's constitution.yaml becomes a version when its `version` is new."""
    from django.db import connections

    from azora.constitution.models import ConstitutionVersion
    from azora.constitution.services import constitution_sync_from_repo

    # `migrate constitution zero` also sends post_migrate; then there is no table to load into.
    if ConstitutionVersion._meta.db_table not in connections[using].introspection.table_names():
        return
    constitution_sync_from_repo()
