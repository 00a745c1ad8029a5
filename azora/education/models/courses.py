"""Education tables for courses and learning: catalogue, modules, lessons and their history, enrolments, progress."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from azora.shared.models import PublicModel, TimeStampedModel

__all__ = [
    "Category",
    "Course",
    "CourseInstructor",
    "CourseLevel",
    "CourseStatus",
    "Enrollment",
    "EnrollmentStatus",
    "Lesson",
    "LessonAttachment",
    "LessonProgress",
    "LessonVersion",
    "Module",
]


class CourseLevel(models.TextChoices):
    BEGINNER = "beginner", _("Beginner")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")
    EXPERT = "expert", _("Expert")


class CourseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class EnrollmentStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    # Access withdrawn (a refunded purchase, an admin's decision); the row, its progress and history are kept.
    REVOKED = "revoked", _("Revoked")


class Category(PublicModel):
    """A catalogue category (\"Finance\", \"Programming\"); a course has at most one."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Course(PublicModel):
    """A course: its catalogue facts, its instructors and its publication status."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    summary = models.CharField(max_length=500, blank=True, default="")
    description = models.TextField(blank=True, default="")
    language = models.CharField(max_length=16, default="en")
    level = models.CharField(max_length=16, choices=CourseLevel.choices, default=CourseLevel.BEGINNER)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, null=True, blank=True, related_name="courses")
    tags = models.JSONField(default=list, blank=True)
    estimated_hours = models.DecimalField(max_digits=6, decimal_places=1, default=0)
    # The cover's original in Django's default storage (its WebP variants sit beside it, see education/images.py);
    # written only by services.courses.course_cover_set and course_cover_variants_create.
    cover_image = models.CharField(max_length=300, blank=True, default="")
    status = models.CharField(max_length=16, choices=CourseStatus.choices, default=CourseStatus.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    # Prices belong to the revenue engine; the catalogue only needs to know whether a course is sold.
    is_paid = models.BooleanField(default=False)
    # Kept by enrollment_create in the same transaction; the "popular" sort reads it.
    enrollment_count = models.PositiveIntegerField(default=0)
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="CourseInstructor", related_name="+", through_fields=("course", "user")
    )
    prerequisites = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="+")

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="edu_course_newest_idx"),
            models.Index(fields=["status", "-enrollment_count", "-id"], name="edu_course_popular_idx"),
            models.Index(fields=["organisation"], name="edu_course_org_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class CourseInstructor(TimeStampedModel):
    """One instructor of a course; `position` orders them on the course page."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="instructor_links")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["course", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["course", "user"], name="edu_course_instructor_unique")]
        indexes = [models.Index(fields=["user", "course"], name="edu_instructor_user_idx")]


class Module(PublicModel):
    """An ordered part of a course."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=500, blank=True, default="")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["course", "position", "id"]
        indexes = [models.Index(fields=["course", "position"], name="edu_module_order_idx")]

    def __str__(self) -> str:
        return self.title


class Lesson(PublicModel):
    """A lesson: Markdown (and its sanitised HTML), an optional video, an estimated time and its order."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(max_length=200)
    body_markdown = models.TextField(blank=True, default="")
    # Rendered and sanitised once per edit by education.markdown; never raw user HTML.
    body_html = models.TextField(blank=True, default="")
    video_url = models.URLField(max_length=500, blank=True, default="")
    estimated_minutes = models.PositiveIntegerField(default=0)
    is_required = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["module", "position", "id"]
        indexes = [
            models.Index(fields=["module", "position"], name="edu_lesson_order_idx"),
            models.Index(fields=["course", "is_required"], name="edu_lesson_course_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class LessonVersion(PublicModel):
    """An earlier state of a published lesson, written whenever the published lesson is edited (append-only)."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body_markdown = models.TextField(blank=True, default="")
    video_url = models.URLField(max_length=500, blank=True, default="")
    estimated_minutes = models.PositiveIntegerField(default=0)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["lesson", "-version"]
        constraints = [models.UniqueConstraint(fields=["lesson", "version"], name="edu_lesson_version_unique")]


class LessonAttachment(PublicModel):
    """A downloadable file of a lesson, kept in Django's default storage."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(max_length=200)
    storage_path = models.CharField(max_length=300)
    content_type = models.CharField(max_length=100)
    size_bytes = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["lesson", "id"]


class Enrollment(PublicModel):
    """A learner's place in a course; `last_lesson` is where they resume."""

    # No index of their own: edu_enrollment_course_idx serves course_id, and the (user, course) unique constraint
    # serves user_id (its leading column). Django's default FK indexes duplicated both.
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrollments", db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    source = models.CharField(max_length=32, default="self")
    status = models.CharField(max_length=16, choices=EnrollmentStatus.choices, default=EnrollmentStatus.ACTIVE)
    completed_at = models.DateTimeField(null=True, blank=True)
    last_lesson = models.ForeignKey(Lesson, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    last_activity_at = models.DateTimeField(null=True, blank=True)
    # Set by enrollment_revoke and cleared when a new enrolment (a re-purchase) reactivates the row.
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="edu_enrollment_unique")]
        indexes = [models.Index(fields=["course"], name="edu_enrollment_course_idx")]


class LessonProgress(models.Model):
    """A lesson a learner completed inside an enrolment; one row per (enrolment, lesson), never duplicated."""

    id = models.BigAutoField(primary_key=True)
    # No index of their own: the (enrollment, lesson) unique constraint serves enrollment_id, edu_progress_lesson_idx
    # serves lesson_id; Django's default FK indexes duplicated both (51 MB of 243 on the benchmark's 2,000,000 rows,
    # and two more index entries to write per completed lesson).
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="lesson_progress", db_index=False)
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+", db_index=False)
    completed_at = models.DateTimeField()
    # An estimate, not a measurement: the time since the learner's previous activity in the enrolment, capped
    # (services.progress.lesson_seconds_spent); rows written before it existed hold 0.
    seconds_spent = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["enrollment", "id"]
        constraints = [models.UniqueConstraint(fields=["enrollment", "lesson"], name="edu_progress_unique")]
        indexes = [models.Index(fields=["lesson"], name="edu_progress_lesson_idx")]

    def __str__(self) -> str:
        return f"{self.enrollment_id} completed {self.lesson_id}"
