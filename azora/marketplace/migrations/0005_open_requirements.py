"""The open-requirements read model "my matches" ranks from (models.OpenRequirement), filled from the listings.

Its index on (skill, level) is raw SQL, as 0004's: on PostgreSQL it covers every column the ranking reads (SQLite
has no INCLUDE, and Django's check warns, models.W040, when a model declares one). The partial index of open
listings with no required skill goes: those listings now have their row in the read model.

The rows are computed here as `services.match_index` computes them (a frozen copy: a migration must not change
when the app's code does).
"""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

INDEX_POSTGRESQL = """
    CREATE INDEX market_openreq_skill_idx ON marketplace_openrequirement (skill_id, level)
    INCLUDE (listing_id, kind, required_count, experience_years, is_remote, place, currency, monthly_pay, published_at)
"""
INDEX_SQLITE = "CREATE INDEX market_openreq_skill_idx ON marketplace_openrequirement (skill_id, level, listing_id)"
MONTHLY = {"month": (1, 1), "project": (1, 1), "year": (1, 12), "hour": (160, 1)}


def _place(location: str, country: str) -> str:
    return f"{location.strip().casefold()}\n{country.strip().casefold()}" if location.strip() else ""


def _rows(apps: StateApps) -> Any:
    listing_model = apps.get_model("marketplace", "Listing")
    row_model = apps.get_model("marketplace", "OpenRequirement")
    required: dict[Any, list[tuple[Any, int]]] = {}
    for listing_id, skill_id, level in (
        apps.get_model("marketplace", "ListingSkill")
        .objects.filter(is_required=True, listing__status="open")
        .values_list("listing_id", "skill_id", "level")
    ):
        required.setdefault(listing_id, []).append((skill_id, level))
    for listing in listing_model.objects.filter(status="open").iterator(chunk_size=2_000):
        skills = required.get(listing.id, [])
        times, per = MONTHLY.get(listing.pay_period, (1, 1))
        for skill_id, level in skills or [(None, 0)]:
            yield row_model(
                listing_id=listing.id, skill_id=skill_id, level=level, kind=listing.kind, required_count=len(skills),
                experience_years=listing.experience_years, is_remote=listing.is_remote,
                place=_place(listing.location, listing.country), currency=listing.currency,
                monthly_pay=listing.pay_max_minor * times / per, published_at=listing.published_at,
            )  # fmt: skip


def forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    postgresql = schema_editor.connection.vendor == "postgresql"
    schema_editor.execute(INDEX_POSTGRESQL if postgresql else INDEX_SQLITE)
    apps.get_model("marketplace", "OpenRequirement").objects.bulk_create(_rows(apps), batch_size=5_000)


def backward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    schema_editor.execute("DROP INDEX IF EXISTS market_openreq_skill_idx")


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0004_listing_covering_index")]

    operations = [
        migrations.CreateModel(
            name="OpenRequirement",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("skill_id", models.UUIDField(null=True)),
                ("level", models.PositiveSmallIntegerField(default=0)),
                ("kind", models.CharField(choices=[("job", "Job"), ("gig", "Gig")], max_length=8)),
                ("required_count", models.PositiveSmallIntegerField()),
                ("experience_years", models.PositiveSmallIntegerField()),
                ("is_remote", models.BooleanField()),
                ("place", models.TextField(blank=True)),
                ("currency", models.CharField(max_length=8)),
                ("monthly_pay", models.FloatField()),
                ("published_at", models.DateTimeField(null=True)),
                (
                    "listing",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="marketplace.listing"
                    ),
                ),
            ],
        ),
        migrations.RunPython(forward, backward),
        migrations.RemoveIndex(model_name="listing", name="market_listing_noskill_idx"),
    ]
