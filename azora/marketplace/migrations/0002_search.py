"""Listing search: denormalised skill names and poster name, partial indexes over open listings, and full text --
a weighted generated tsvector with a partial GIN index (PostgreSQL), an FTS5 table kept by triggers (SQLite).

The full-text parts are hand-written because each engine needs its own SQL (as education's 0002_courses_search);
selectors.search is their one reader.
"""

import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# A generated column: no trigger or application code can forget to keep it current.
POSTGRES_FORWARD = [
    """
    ALTER TABLE marketplace_listing ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(skills_text, '')), 'B')
        || setweight(to_tsvector('english', coalesce(location, '')), 'C')
        || setweight(to_tsvector('english', coalesce(description, '')), 'D')
    ) STORED
    """,
    # Only open listings are ever searched, so the index holds only those (smaller, and cheaper to keep).
    "CREATE INDEX market_listing_search_gin ON marketplace_listing USING gin (search_vector) WHERE status = 'open'",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS market_listing_search_gin",
    "ALTER TABLE marketplace_listing DROP COLUMN IF EXISTS search_vector",
]

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE marketplace_listing_fts USING fts5(
        listing_id UNINDEXED, title, skills_text, location, description,
        tokenize = 'unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER marketplace_listing_fts_insert AFTER INSERT ON marketplace_listing BEGIN
        INSERT INTO marketplace_listing_fts (listing_id, title, skills_text, location, description)
        VALUES (new.id, new.title, new.skills_text, new.location, new.description);
    END
    """,
    """
    CREATE TRIGGER marketplace_listing_fts_update AFTER UPDATE OF title, skills_text, location, description
    ON marketplace_listing BEGIN
        DELETE FROM marketplace_listing_fts WHERE listing_id = old.id;
        INSERT INTO marketplace_listing_fts (listing_id, title, skills_text, location, description)
        VALUES (new.id, new.title, new.skills_text, new.location, new.description);
    END
    """,
    """
    CREATE TRIGGER marketplace_listing_fts_delete AFTER DELETE ON marketplace_listing BEGIN
        DELETE FROM marketplace_listing_fts WHERE listing_id = old.id;
    END
    """,
    """
    INSERT INTO marketplace_listing_fts (listing_id, title, skills_text, location, description)
    SELECT id, title, skills_text, location, description FROM marketplace_listing
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS marketplace_listing_fts_delete",
    "DROP TRIGGER IF EXISTS marketplace_listing_fts_update",
    "DROP TRIGGER IF EXISTS marketplace_listing_fts_insert",
    "DROP TABLE IF EXISTS marketplace_listing_fts",
]


def _run(schema_editor: BaseDatabaseSchemaEditor, *, postgres: list[str], sqlite: list[str]) -> None:
    vendor = schema_editor.connection.vendor
    statements = postgres if vendor == "postgresql" else sqlite if vendor == "sqlite" else []
    for statement in statements:
        schema_editor.execute(statement)


def forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, postgres=POSTGRES_FORWARD, sqlite=SQLITE_FORWARD)


def backward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, postgres=POSTGRES_BACKWARD, sqlite=SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="listing",
            name="poster_name",
            field=models.CharField(blank=True, default="", max_length=200),
        ),
        migrations.AddField(
            model_name="listing",
            name="required_skill_count",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="listing",
            name="skills_text",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.AddIndex(
            model_name="listing",
            index=models.Index(
                models.OrderBy(models.F("published_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("status", "open")),
                name="market_listing_open_new_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="listing",
            index=models.Index(
                models.OrderBy(models.F("pay_max_minor"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("status", "open")),
                name="market_listing_open_pay_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="listing",
            index=models.Index(
                django.db.models.functions.text.Lower("location"),
                condition=models.Q(("status", "open")),
                name="market_listing_open_loc_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="listing",
            index=models.Index(
                condition=models.Q(("required_skill_count", 0), ("status", "open")),
                fields=["id"],
                name="market_listing_noskill_idx",
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
