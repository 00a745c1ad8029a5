"""Request and response shapes of the courses, enrolment and progress API; requests refuse unknown fields."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from azora.education.public.courses import (
    CategoryView,
    CourseDetail,
    CourseSummary,
    CoverImages,
    EnrollmentView,
    ModuleView,
    ProgressView,
)
from azora.shared.pagination import MAX_CURSOR_LENGTH, MAX_LIMIT, Page
from azora.shared.schemas import StrictIn

Level = Literal["beginner", "intermediate", "advanced", "expert"]


# --- Responses ---


class CategoryOut(Schema):
    id: uuid.UUID
    name: str
    slug: str


class InstructorOut(Schema):
    user_id: uuid.UUID
    display_name: str


class CoverOut(Schema):
    """The cover's files: pages show `card_url` (640x360) and `hero_url` (1280x720); both are the original for a
    cover stored before variants existed (`has_variants` false)."""

    original_url: str
    card_url: str
    card_width: int
    card_height: int
    hero_url: str
    hero_width: int
    hero_height: int
    has_variants: bool


class CourseSummaryOut(Schema):
    id: uuid.UUID
    slug: str
    title: str
    summary: str
    language: str
    level: str
    category: CategoryOut | None
    tags: list[str]
    estimated_hours: Decimal
    cover_image_url: str | None
    cover: CoverOut | None
    status: str
    is_paid: bool
    enrollment_count: int
    published_at: datetime | None
    instructors: list[InstructorOut]


class ProgressOut(Schema):
    completed_lessons: int
    total_lessons: int
    completed_required_lessons: int
    required_lessons: int
    percent: int


class LessonOutlineOut(Schema):
    id: uuid.UUID
    title: str
    position: int
    estimated_minutes: int
    is_required: bool
    has_video: bool
    is_completed: bool


class ModuleOut(Schema):
    id: uuid.UUID
    course_id: uuid.UUID
    title: str
    summary: str
    position: int
    lessons: list[LessonOutlineOut]
    completed_lessons: int = 0
    is_completed: bool = False


class CourseDetailOut(Schema):
    course: CourseSummaryOut
    description: str
    organisation_id: uuid.UUID | None
    prerequisites: list[CourseSummaryOut]
    modules: list[ModuleOut]
    lesson_count: int
    total_minutes: int
    created_at: datetime
    updated_at: datetime
    viewer_may_edit: bool
    viewer_enrollment_id: uuid.UUID | None
    viewer_progress: ProgressOut | None
    viewer_resume_lesson_id: uuid.UUID | None


class AttachmentOut(Schema):
    id: uuid.UUID
    name: str
    url: str
    content_type: str
    size_bytes: int


class LessonOut(Schema):
    id: uuid.UUID
    course_id: uuid.UUID
    course_slug: str
    course_title: str
    module_id: uuid.UUID
    module_title: str
    title: str
    body_html: str
    video_url: str
    video_embed_url: str | None
    attachments: list[AttachmentOut]
    estimated_minutes: int
    is_required: bool
    version: int
    updated_at: datetime
    previous_lesson_id: uuid.UUID | None
    next_lesson_id: uuid.UUID | None
    is_completed: bool
    progress: ProgressOut | None


class LessonAuthorOut(Schema):
    id: uuid.UUID
    course_id: uuid.UUID
    module_id: uuid.UUID
    title: str
    body_markdown: str
    body_html: str
    video_url: str
    estimated_minutes: int
    is_required: bool
    position: int
    version: int
    updated_at: datetime
    attachments: list[AttachmentOut]


class LessonVersionOut(Schema):
    version: int
    title: str
    body_markdown: str
    video_url: str
    estimated_minutes: int
    edited_by_id: uuid.UUID | None
    created_at: datetime


class EnrollmentOut(Schema):
    id: uuid.UUID
    course: CourseSummaryOut
    user_id: uuid.UUID
    source: str
    status: str
    created_at: datetime
    completed_at: datetime | None
    progress: ProgressOut
    resume_lesson_id: uuid.UUID | None
    resume_lesson_title: str | None


class EnrollmentPageOut(Schema):
    items: list[EnrollmentOut]
    next_cursor: str | None


class CoursePageOut(Schema):
    items: list[CourseSummaryOut]
    next_cursor: str | None


class LessonCompletionOut(Schema):
    lesson_id: uuid.UUID
    course_id: uuid.UUID
    enrollment_id: uuid.UUID
    progress: ProgressOut
    next_lesson_id: uuid.UUID | None
    course_completed: bool


# --- Requests ---


class CourseSearchIn(Schema):
    q: str | None = Field(default=None, max_length=200, description="Words to look for (typos are tolerated).")
    level: Level | None = None
    category: str | None = Field(default=None, max_length=80, description="A category slug.")
    language: str | None = Field(default=None, max_length=16)
    price: Literal["free", "paid"] | None = None
    sort: Literal["relevance", "newest", "popular"] = "relevance"
    cursor: str | None = Field(default=None, max_length=MAX_CURSOR_LENGTH)
    limit: int = Field(default=20, ge=1, le=MAX_LIMIT)


class CourseCreateIn(StrictIn):
    title: str = Field(min_length=1, max_length=200)
    slug: str | None = Field(default=None, max_length=120)
    summary: str = Field(default="", max_length=500)
    description: str = Field(default="", max_length=50_000)
    language: str = Field(default="en", max_length=16)
    level: Level = "beginner"
    category: str | None = Field(default=None, max_length=80)
    tags: list[str] = Field(default_factory=list, max_length=20)
    estimated_hours: Decimal = Field(default=Decimal(0), ge=0, le=9999)
    organisation_id: uuid.UUID | None = None
    instructor_ids: list[uuid.UUID] = Field(default_factory=list, max_length=20)
    prerequisite_ids: list[uuid.UUID] = Field(default_factory=list, max_length=20)
    is_paid: bool = False


class CourseUpdateIn(StrictIn):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    slug: str | None = Field(default=None, max_length=120)
    summary: str | None = Field(default=None, max_length=500)
    description: str | None = Field(default=None, max_length=50_000)
    language: str | None = Field(default=None, max_length=16)
    level: Level | None = None
    category: str | None = Field(default=None, max_length=80)
    tags: list[str] | None = Field(default=None, max_length=20)
    estimated_hours: Decimal | None = Field(default=None, ge=0, le=9999)
    instructor_ids: list[uuid.UUID] | None = Field(default=None, max_length=20)
    prerequisite_ids: list[uuid.UUID] | None = Field(default=None, max_length=20)
    is_paid: bool | None = None


class ModuleCreateIn(StrictIn):
    title: str = Field(min_length=1, max_length=200)
    summary: str = Field(default="", max_length=500)


class ModuleUpdateIn(StrictIn):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    summary: str | None = Field(default=None, max_length=500)


class ReorderIn(StrictIn):
    ids: list[uuid.UUID] = Field(max_length=500, description="Every item of the parent, in the new order.")


class LessonCreateIn(StrictIn):
    title: str = Field(min_length=1, max_length=200)
    body_markdown: str = Field(default="", max_length=200_000)
    video_url: str = Field(default="", max_length=500)
    estimated_minutes: int = Field(default=0, ge=0, le=10_000)
    is_required: bool = True


class LessonUpdateIn(StrictIn):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    body_markdown: str | None = Field(default=None, max_length=200_000)
    video_url: str | None = Field(default=None, max_length=500)
    estimated_minutes: int | None = Field(default=None, ge=0, le=10_000)
    is_required: bool | None = None
    module_id: uuid.UUID | None = None


# --- Trusted responses ---
# The read endpoints build their JSON from the selectors' dataclasses directly instead of validating them again
# through the response schemas above (pydantic validation of a nested page cost more CPU than its queries). The
# dicts hold the same keys and Python values the schemas would dump, and the schemas stay the OpenAPI contract:
# tests/test_courses_trusted_json.py proves that each dict equals the schema's own dump of the same object.


def _str(value: uuid.UUID | None) -> str | None:
    """UUIDs as text here: cheaper than the JSON encoder's fallback for every id of a page."""
    return None if value is None else str(value)


def category_json(category: CategoryView | None) -> dict[str, Any] | None:
    if category is None:
        return None
    return {"id": str(category.id), "name": category.name, "slug": category.slug}


def cover_json(cover: CoverImages | None) -> dict[str, Any] | None:
    if cover is None:
        return None
    return {
        "original_url": cover.original_url,
        "card_url": cover.card_url,
        "card_width": cover.card_width,
        "card_height": cover.card_height,
        "hero_url": cover.hero_url,
        "hero_width": cover.hero_width,
        "hero_height": cover.hero_height,
        "has_variants": cover.has_variants,
    }


def course_summary_json(course: CourseSummary) -> dict[str, Any]:
    return {
        "id": str(course.id),
        "slug": course.slug,
        "title": course.title,
        "summary": course.summary,
        "language": course.language,
        "level": course.level,
        "category": category_json(course.category),
        "tags": list(course.tags),
        "estimated_hours": course.estimated_hours,
        "cover_image_url": course.cover_image_url,
        "cover": cover_json(course.cover),
        "status": course.status,
        "is_paid": course.is_paid,
        "enrollment_count": course.enrollment_count,
        "published_at": course.published_at,
        "instructors": [{"user_id": str(i.user_id), "display_name": i.display_name} for i in course.instructors],
    }


def progress_json(progress: ProgressView | None) -> dict[str, Any] | None:
    if progress is None:
        return None
    return {
        "completed_lessons": progress.completed_lessons,
        "total_lessons": progress.total_lessons,
        "completed_required_lessons": progress.completed_required_lessons,
        "required_lessons": progress.required_lessons,
        "percent": progress.percent,
    }


def _module_json(module: ModuleView) -> dict[str, Any]:
    lessons = [
        {
            "id": str(lesson.id),
            "title": lesson.title,
            "position": lesson.position,
            "estimated_minutes": lesson.estimated_minutes,
            "is_required": lesson.is_required,
            "has_video": lesson.has_video,
            "is_completed": lesson.is_completed,
        }
        for lesson in module.lessons
    ]
    completed = sum(1 for lesson in module.lessons if lesson.is_completed)
    return {
        "id": str(module.id),
        "course_id": str(module.course_id),
        "title": module.title,
        "summary": module.summary,
        "position": module.position,
        "lessons": lessons,
        "completed_lessons": completed,
        "is_completed": module.is_completed,
    }


def course_detail_json(detail: CourseDetail) -> dict[str, Any]:
    return {
        "course": course_summary_json(detail.course),
        "description": detail.description,
        "organisation_id": _str(detail.organisation_id),
        "prerequisites": [course_summary_json(course) for course in detail.prerequisites],
        "modules": [_module_json(module) for module in detail.modules],
        "lesson_count": detail.lesson_count,
        "total_minutes": detail.total_minutes,
        "created_at": detail.created_at,
        "updated_at": detail.updated_at,
        "viewer_may_edit": detail.viewer_may_edit,
        "viewer_enrollment_id": _str(detail.viewer_enrollment_id),
        "viewer_progress": progress_json(detail.viewer_progress),
        "viewer_resume_lesson_id": _str(detail.viewer_resume_lesson_id),
    }


def enrollment_json(enrollment: EnrollmentView) -> dict[str, Any]:
    return {
        "id": str(enrollment.id),
        "course": course_summary_json(enrollment.course),
        "user_id": str(enrollment.user_id),
        "source": enrollment.source,
        "status": enrollment.status,
        "created_at": enrollment.created_at,
        "completed_at": enrollment.completed_at,
        "progress": progress_json(enrollment.progress),
        "resume_lesson_id": _str(enrollment.resume_lesson_id),
        "resume_lesson_title": enrollment.resume_lesson_title,
    }


def course_page_json(page: Page[CourseSummary]) -> dict[str, Any]:
    return {"items": [course_summary_json(course) for course in page.items], "next_cursor": page.next_cursor}


def enrollment_page_json(page: Page[EnrollmentView]) -> dict[str, Any]:
    return {"items": [enrollment_json(enrollment) for enrollment in page.items], "next_cursor": page.next_cursor}
