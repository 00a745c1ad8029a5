"""`Listing.required_skill_count` goes: nothing reads it since matching counts a listing's required skills in its
own read model (ADR 0026).

On PostgreSQL the covering index of migration 0004 carries the column, and dropping a column drops every index
that uses it: the index is first rebuilt without it (under a new name, then renamed, so that it never goes
missing). Backwards, the column comes back, is counted again from the listings' skills, and the index gets it
back.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

_COLUMNS = (
    "kind, job_type, is_remote, location, country, currency, pay_min_minor, pay_max_minor, pay_period, "
    "experience_years, {extra}published_at"
)


def _rebuild(schema_editor: BaseDatabaseSchemaEditor, *, with_count: bool) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    columns = _COLUMNS.format(extra="required_skill_count, " if with_count else "")
    schema_editor.execute("DROP INDEX IF EXISTS market_listing_match_new_idx")
    schema_editor.execute(
        f"CREATE INDEX market_listing_match_new_idx ON marketplace_listing (id) INCLUDE ({columns}) "  # noqa: S608 -- constant text
        "WHERE status = 'open'"
    )
    schema_editor.execute("DROP INDEX IF EXISTS market_listing_match_idx")
    schema_editor.execute("ALTER INDEX market_listing_match_new_idx RENAME TO market_listing_match_idx")


def index_without_count(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _rebuild(schema_editor, with_count=False)


def index_with_count(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _rebuild(schema_editor, with_count=True)


def count_again(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    from django.db.models import Count, IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    listing = apps.get_model("marketplace", "Listing")
    listing_skill = apps.get_model("marketplace", "ListingSkill")
    required = (
        listing_skill.objects.filter(listing_id=OuterRef("pk"), is_required=True)
        .order_by()
        .values("listing_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    listing.objects.update(required_skill_count=Coalesce(Subquery(required, output_field=IntegerField()), 0))


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0005_open_requirements")]

    operations = [
        migrations.RunPython(index_without_count, index_with_count),
        migrations.RunPython(migrations.RunPython.noop, count_again),
        migrations.RemoveField(model_name="listing", name="required_skill_count"),
    ]
