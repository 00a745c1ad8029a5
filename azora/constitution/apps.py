"""App configuration for Constitutional AI: the constitution, its rails, and the decisions audit."""

import time
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

        # Every governed chat of ai_routing runs through the constitution's rails (ADR 0014).
        register_guard(ConstitutionGuard())
        post_migrate.connect(load_constitution_after_migrate, sender=self, dispatch_uid="constitution.load")
        warm_up_if_serving()


def warm_up_if_serving() -> None:
    """In a process that takes traffic (AZORA_WARM_UP, set by `azora serve`/`run`/`worker`), load the rails' models
    now, before the first request, instead of making the first chat wait for them (~3 s)."""
    from django.conf import settings

    if not settings.AZORA_WARM_UP:
        return
    from azora.constitution.rails import detectors
    from azora.shared.observability.logging import get_logger

    started = time.perf_counter()
    detectors.warm_up()
    get_logger("azora.constitution").info("constitution.warmed_up", seconds=round(time.perf_counter() - started, 2))


def load_constitution_after_migrate(*, using: str = "default", **_: Any) -> None:
    """Set-up, not domain logic: the repository's constitution.yaml becomes a version when its `version` is new."""
    from django.db import connections

    from azora.constitution.models import ConstitutionVersion
    from azora.constitution.services import constitution_sync_from_repo

    # `migrate constitution zero` also sends post_migrate; then there is no table to load into.
    if ConstitutionVersion._meta.db_table not in connections[using].introspection.table_names():
        return
    constitution_sync_from_repo()
