"""Drops four indexes that duplicated others (Django's default foreign-key indexes beside explicit ones):

- education_enrollment.course_id: edu_enrollment_course_idx is the same index;
- education_enrollment.user_id: the (user_id, course_id) unique constraint leads with it;
- education_lessonprogress.enrollment_id: the (enrollment_id, lesson_id) unique constraint leads with it;
- education_lessonprogress.lesson_id: edu_progress_lesson_idx is the same index.

On the benchmark's 2,000,000 progress rows they were 51 MB of 243 MB of that table's indexes, and two more index
entries to write per completed lesson. Only the indexes go: Django's own AlterField would also drop and re-add each
foreign key, which re-checks every row under a lock. On PostgreSQL the drops are CONCURRENTLY (no lock on writes),
so this migration is not atomic; a drop interrupted half-way is finished by running it again (IF EXISTS).
"""

from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

INDEXES = (
    "education_enrollment_course_id_af038787",
    "education_enrollment_user_id_84c2ea61",
    "education_lessonprogress_enrollment_id_603a2845",
    "education_lessonprogress_lesson_id_73da5e9f",
)
RECREATE = (
    "CREATE INDEX IF NOT EXISTS education_enrollment_course_id_af038787 ON education_enrollment (course_id)",
    "CREATE INDEX IF NOT EXISTS education_enrollment_user_id_84c2ea61 ON education_enrollment (user_id)",
    "CREATE INDEX IF NOT EXISTS education_lessonprogress_enrollment_id_603a2845"
    " ON education_lessonprogress (enrollment_id)",
    "CREATE INDEX IF NOT EXISTS education_lessonprogress_lesson_id_73da5e9f ON education_lessonprogress (lesson_id)",
)


def forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    concurrently = " CONCURRENTLY" if schema_editor.connection.vendor == "postgresql" else ""
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX{concurrently} IF EXISTS {name}")


def backward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for statement in RECREATE:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    atomic = False  # DROP INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ("education", "0006_enrollment_revoked_and_time_spent"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forward, backward)],
            state_operations=[
                migrations.AlterField(
                    model_name="enrollment",
                    name="course",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.PROTECT,
                        related_name="enrollments",
                        to="education.course",
                    ),
                ),
                migrations.AlterField(
                    model_name="enrollment",
                    name="user",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="lessonprogress",
                    name="enrollment",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="lesson_progress",
                        to="education.enrollment",
                    ),
                ),
                migrations.AlterField(
                    model_name="lessonprogress",
                    name="lesson",
                    field=models.ForeignKey(
                        db_index=False, on_delete=models.deletion.CASCADE, related_name="+", to="education.lesson"
                    ),
                ),
            ],
        )
    ]
