"""Catalogue search: a weighted tsvector with GIN and trigram indexes (PostgreSQL), an FTS5 table kept by triggers (SQLite).

Hand-written because each database engine needs its own SQL; selectors.search is the one reader of both.
"""

from __future__ import annotations

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# The tsvector is a generated column, so no trigger or application code can forget to keep it current.
POSTGRES_FORWARD = [
    """
    ALTER TABLE education_course ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(summary, '')), 'B')
        || setweight(to_tsvector('simple', coalesce(tags::text, '')), 'B')
        || setweight(to_tsvector('english', coalesce(description, '')), 'D')
    ) STORED
    """,
    "CREATE INDEX edu_course_search_gin ON education_course USING gin (search_vector)",
    "CREATE INDEX edu_course_title_trgm ON education_course USING gin (lower(title) gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS edu_course_title_trgm",
    "DROP INDEX IF EXISTS edu_course_search_gin",
    "ALTER TABLE education_course DROP COLUMN IF EXISTS search_vector",
]

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE education_course_fts USING fts5(
        course_id UNINDEXED, title, summary, tags, description, tokenize = 'unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER education_course_fts_insert AFTER INSERT ON education_course BEGIN
        INSERT INTO education_course_fts (course_id, title, summary, tags, description)
        VALUES (new.id, new.title, new.summary, new.tags, new.description);
    END
    """,
    """
    CREATE TRIGGER education_course_fts_update AFTER UPDATE OF title, summary, tags, description
    ON education_course BEGIN
        DELETE FROM education_course_fts WHERE course_id = old.id;
        INSERT INTO education_course_fts (course_id, title, summary, tags, description)
        VALUES (new.id, new.title, new.summary, new.tags, new.description);
    END
    """,
    """
    CREATE TRIGGER education_course_fts_delete AFTER DELETE ON education_course BEGIN
        DELETE FROM education_course_fts WHERE course_id = old.id;
    END
    """,
    """
    INSERT INTO education_course_fts (course_id, title, summary, tags, description)
    SELECT id, title, summary, tags, description FROM education_course
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS education_course_fts_delete",
    "DROP TRIGGER IF EXISTS education_course_fts_update",
    "DROP TRIGGER IF EXISTS education_course_fts_insert",
    "DROP TABLE IF EXISTS education_course_fts",
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
    dependencies = [("education", "0001_courses_initial")]

    # TrigramExtension does nothing on other engines; pg_trgm serves the typo-tolerant fallback.
    operations = [TrigramExtension(), migrations.RunPython(forward, backward)]
