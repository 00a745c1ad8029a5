"""A covering partial index over open listings (PostgreSQL only): matching's join with ListingSkill and the search
facets read these narrow columns from the index instead of the wide rows (description, its HTML, the tsvector).

Raw SQL, not in the model's Meta: SQLite has no INCLUDE, and Django's check warns (models.W040) on every command
in the embedded mode when a model declares one.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

FORWARD = """
    CREATE INDEX IF NOT EXISTS market_listing_match_idx ON marketplace_listing (id)
    INCLUDE (kind, job_type, is_remote, location, country, currency, pay_min_minor, pay_max_minor, pay_period,
             experience_years, required_skill_count, published_at)
    WHERE status = 'open'
"""
BACKWARD = "DROP INDEX IF EXISTS market_listing_match_idx"


def forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0003_skills_catalogue")]

    operations = [migrations.RunPython(forward, backward)]
