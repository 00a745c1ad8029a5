"""Data migration: the built-in offline `local` provider, so every AI feature works out of the box."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def create_local_provider(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Provider = apps.get_model("ai_routing", "Provider")
    Provider.objects.get_or_create(
        name="local",
        defaults={
            "kind": "local",
            "model": "azora-offline-bm25",
            "context_window": 32_000,
            "capabilities": ["chat", "stream", "offline", "citations"],
            "timeout_ms": 5_000,
            "priority": 1000,
            "tier": "simple",
        },
    )


def remove_local_provider(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("ai_routing", "Provider").objects.filter(name="local", kind="local").delete()


class Migration(migrations.Migration):
    dependencies = [("ai_routing", "0001_providers_budgets_usage")]

    operations = [migrations.RunPython(create_local_provider, remove_local_provider)]
