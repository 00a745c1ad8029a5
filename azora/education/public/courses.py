"""Education's public functions for courses, authoring, enrolment, progress and catalogue search.

Every function is keyword-only and returns frozen dataclasses; they delegate to the area's services and
selectors, imported inside each function because those modules import the dataclasses defined here.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from azora.shared.pagination import Page

__all__ = [
    "AttachmentView",
    "CategoryView",
    "CourseDetail",
    "CourseFacts",
    "CourseSort",
    "CourseSummary",
    "CoverImages",
    "EnrollmentView",
    "InstructorView",
    "LessonAuthorView",
    "LessonCompletion",
    "LessonOutline",
    "LessonVersionView",
    "LessonView",
    "ModuleView",
    "PriceFilter",
    "ProgressView",
    "categories",
    "category_ensure",
    "course_archive",
    "course_cover_set",
    "course_cover_variants_create",
    "course_create",
    "course_detail",
    "course_detail_by_id",
    "course_facts",
    "course_progress_percent",
    "course_publish",
    "course_search",
    "course_set_paid",
    "course_titles",
    "course_update",
    "courses_editable_by",
    "courses_taught_by",
    "enrollment_count",
    "enrollment_create",
    "enrollment_revoke",
    "enrollments_created_since",
    "enrollments_of",
    "is_enrolled",
    "lesson_attachment_add",
    "lesson_complete",
    "lesson_create",
    "lesson_delete",
    "lesson_for_author",
    "lesson_for_learner",
    "lesson_reorder",
    "lesson_update",
    "lesson_versions",
    "may_edit_course",
    "module_create",
    "module_delete",
    "module_reorder",
    "module_update",
]

CourseSort = Literal["relevance", "newest", "popular"]
PriceFilter = Literal["free", "paid"]


@dataclass(frozen=True, slots=True)
class CategoryView:
    id: uuid.UUID
    name: str
    slug: str


@dataclass(frozen=True, slots=True)
class InstructorView:
    user_id: uuid.UUID
    display_name: str


@dataclass(frozen=True, slots=True)
class CoverImages:
    """A course's cover URLs. A cover stored before variants existed has none: card and hero are the original."""

    original_url: str
    card_url: str  # 640x360 WebP
    hero_url: str  # 1280x720 WebP
    has_variants: bool
    card_width: int = 640
    card_height: int = 360
    hero_width: int = 1280
    hero_height: int = 720


@dataclass(frozen=True, slots=True)
class CourseSummary:
    """A course as the catalogue lists it."""

    id: uuid.UUID
    slug: str
    title: str
    summary: str
    language: str
    level: str
    category: CategoryView | None
    tags: tuple[str, ...]
    estimated_hours: Decimal
    cover_image_url: str | None
    status: str
    is_paid: bool
    enrollment_count: int
    published_at: datetime | None
    instructors: tuple[InstructorView, ...]
    cover: CoverImages | None = None  # None when the course has no cover; the same file as cover_image_url


@dataclass(frozen=True, slots=True)
class ProgressView:
    """How far a learner is: required lessons decide completion; `percent` is of required lessons (0-100)."""

    completed_lessons: int
    total_lessons: int
    completed_required_lessons: int
    required_lessons: int
    percent: int


@dataclass(frozen=True, slots=True)
class LessonOutline:
    id: uuid.UUID
    title: str
    position: int
    estimated_minutes: int
    is_required: bool
    has_video: bool
    is_completed: bool  # for the viewer; False for anyone not enrolled


@dataclass(frozen=True, slots=True)
class ModuleView:
    id: uuid.UUID
    course_id: uuid.UUID
    title: str
    summary: str
    position: int
    lessons: tuple[LessonOutline, ...]

    @property
    def completed_lessons(self) -> int:
        """The viewer's completed lessons of this module (module-level progress)."""
        return sum(1 for lesson in self.lessons if lesson.is_completed)

    @property
    def is_completed(self) -> bool:
        """Every required lesson of the module is done (a module without lessons is not)."""
        required = [lesson for lesson in self.lessons if lesson.is_required]
        return bool(self.lessons) and all(lesson.is_completed for lesson in required)


@dataclass(frozen=True, slots=True)
class CourseDetail:
    """A course page: the summary, its outline, and what the viewer may do with it."""

    course: CourseSummary
    description: str
    organisation_id: uuid.UUID | None
    prerequisites: tuple[CourseSummary, ...]
    modules: tuple[ModuleView, ...]
    lesson_count: int
    total_minutes: int
    created_at: datetime
    updated_at: datetime
    viewer_may_edit: bool
    viewer_enrollment_id: uuid.UUID | None
    viewer_progress: ProgressView | None
    viewer_resume_lesson_id: uuid.UUID | None

    @property
    def id(self) -> uuid.UUID:
        return self.course.id

    @property
    def slug(self) -> str:
        return self.course.slug


@dataclass(frozen=True, slots=True)
class AttachmentView:
    id: uuid.UUID
    name: str
    url: str
    content_type: str
    size_bytes: int


@dataclass(frozen=True, slots=True)
class LessonView:
    """A lesson as a learner (or the course's instructor) reads it; `body_html` and `video_html` are sanitised."""

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
    video_html: str
    attachments: tuple[AttachmentView, ...]
    estimated_minutes: int
    is_required: bool
    version: int
    updated_at: datetime
    previous_lesson_id: uuid.UUID | None
    next_lesson_id: uuid.UUID | None
    is_completed: bool
    progress: ProgressView | None  # None for an instructor who is not enrolled


@dataclass(frozen=True, slots=True)
class LessonAuthorView:
    """A lesson as its author edits it: the Markdown source beside the rendered HTML."""

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
    attachments: tuple[AttachmentView, ...]


@dataclass(frozen=True, slots=True)
class LessonVersionView:
    version: int
    title: str
    body_markdown: str
    video_url: str
    estimated_minutes: int
    edited_by_id: uuid.UUID | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class EnrollmentView:
    """An enrolment with its progress and where to resume; `created` tells a new enrolment from an existing one."""

    id: uuid.UUID
    course: CourseSummary
    user_id: uuid.UUID
    source: str
    status: str
    created_at: datetime
    completed_at: datetime | None
    progress: ProgressView
    resume_lesson_id: uuid.UUID | None
    resume_lesson_title: str | None
    created: bool = False


@dataclass(frozen=True, slots=True)
class CourseFacts:
    """A course's facts for the revenue engine, whatever its status and whoever asks (no viewer filtering)."""

    id: uuid.UUID
    title: str
    slug: str
    level: str  # beginner, intermediate, advanced or expert
    status: str  # draft, published or archived
    is_paid: bool
    organisation_id: uuid.UUID | None
    instructor_ids: tuple[uuid.UUID, ...]  # in the course page's order
    created_by_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class LessonCompletion:
    lesson_id: uuid.UUID
    course_id: uuid.UUID
    enrollment_id: uuid.UUID
    progress: ProgressView
    next_lesson_id: uuid.UUID | None
    course_completed: bool


# --- Catalogue and learning ---


def course_search(
    *,
    query: str | None = None,
    level: str | None = None,
    category: str | None = None,
    language: str | None = None,
    price: PriceFilter | None = None,
    sort: CourseSort = "relevance",
    cursor: str | None = None,
    limit: int | None = None,
    viewer_id: uuid.UUID | None = None,
) -> Page[CourseSummary]:
    """Published courses matching `query` (full text; typos tolerated on PostgreSQL) and the filters.

    `category` is a category slug; "relevance" falls back to "newest" without a query.
    """
    from azora.education.selectors import search

    return search.course_search(
        query=query,
        level=level,
        category=category,
        language=language,
        price=price,
        sort=sort,
        cursor=cursor,
        limit=limit,
        viewer_id=viewer_id,
    )


def course_detail(*, slug: str, viewer_id: uuid.UUID | None) -> CourseDetail:
    """CourseNotFound unless published, archived with the viewer enrolled, or editable by the viewer."""
    from azora.education.selectors import courses

    return courses.course_detail(slug=slug, viewer_id=viewer_id)


def course_detail_by_id(*, course_id: uuid.UUID, viewer_id: uuid.UUID | None) -> CourseDetail:
    from azora.education.selectors import courses

    return courses.course_detail(course_id=course_id, viewer_id=viewer_id)


def categories() -> list[CategoryView]:
    from azora.education.selectors import courses

    return courses.categories()


def courses_taught_by(*, user_id: uuid.UUID) -> list[CourseSummary]:
    """Every course (any status) the user teaches, newest first."""
    from azora.education.selectors import courses

    return courses.courses_taught_by(user_id=user_id)


def courses_editable_by(*, user_id: uuid.UUID) -> list[uuid.UUID]:
    """Ids of the courses the user edits as an instructor or an owner/admin of the owning organisation (platform
    admins edit every course: check that role yourself)."""
    from azora.education.selectors import courses

    return courses.courses_editable_by(user_id=user_id)


def course_titles(*, course_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Titles of the given courses (any status) by id, in one query; unknown ids are left out."""
    from azora.education.selectors import courses

    return courses.course_titles(course_ids=course_ids)


def is_enrolled(*, user_id: uuid.UUID, course_id: uuid.UUID) -> bool:
    from azora.education.selectors import courses

    return courses.is_enrolled(user_id=user_id, course_id=course_id)


def may_edit_course(*, user_id: uuid.UUID, course_id: uuid.UUID) -> bool:
    from azora.education.selectors import courses

    return courses.may_edit_course(user_id=user_id, course_id=course_id)


def lesson_for_learner(*, lesson_id: uuid.UUID, user_id: uuid.UUID) -> LessonView:
    """LessonNotFound unless the user is enrolled in the lesson's course or may edit it."""
    from azora.education.selectors import courses

    return courses.lesson_for_learner(lesson_id=lesson_id, user_id=user_id)


def lesson_for_author(*, lesson_id: uuid.UUID, user_id: uuid.UUID) -> LessonAuthorView:
    """A lesson's Markdown source for someone who may edit its course; LessonNotFound for anyone else."""
    from azora.education.services import courses

    return courses.lesson_for_author(lesson_id=lesson_id, user_id=user_id)


def lesson_complete(*, lesson_id: uuid.UUID, user_id: uuid.UUID) -> LessonCompletion:
    """Mark the lesson done (idempotent), move the resume point, and evaluate course completion."""
    from azora.education.services import progress

    return progress.lesson_complete(lesson_id=lesson_id, user_id=user_id)


def enrollment_create(*, course_id: uuid.UUID, user_id: uuid.UUID, source: str = "self") -> EnrollmentView:
    """Enrol (idempotent). Self-enrolment needs a free published course; other sources (a purchase) skip the price.

    A new enrolment (or the reactivation of a revoked one) first passes every registered enrolment gate.
    """
    from azora.education.services import enrollment

    return enrollment.enrollment_create(course_id=course_id, user_id=user_id, source=source)


def enrollments_of(*, user_id: uuid.UUID, cursor: str | None = None, limit: int | None = None) -> Page[EnrollmentView]:
    """The user's enrolments, most recent first, each with progress and the lesson to resume (revoked ones left out)."""
    from azora.education.selectors import courses

    return courses.enrollments_of(user_id=user_id, cursor=cursor, limit=limit)


# --- For the revenue engine (docs/education.md, "For the revenue engine") ---


def enrollment_revoke(*, course_id: uuid.UUID, user_id: uuid.UUID, reason: str) -> None:
    """Withdraw access (a full refund, an admin): status "revoked", EnrollmentRevoked published; idempotent.

    EnrollmentNotFound when the user never enrolled; ValidationFailed for an empty or over-long reason.
    """
    from azora.education.services import enrollment

    enrollment.enrollment_revoke(course_id=course_id, user_id=user_id, reason=reason)


def enrollments_created_since(*, user_id: uuid.UUID, since: datetime, sources: Collection[str] | None = None) -> int:
    """Enrolments the user started at or after `since` (revoked ones still count); `sources` keeps only those
    enrolled by one of them (e.g. {"self"}), None counts every source."""
    from azora.education.selectors import courses

    return courses.enrollments_created_since(user_id=user_id, since=since, sources=sources)


def enrollment_count(*, since: datetime | None = None) -> int:
    """Enrolments on the platform (revoked ones left out), or only those started at or after `since`; for the
    operators' dashboard."""
    from azora.education.selectors import courses

    return courses.enrollment_count(since=since)


def course_facts(*, course_id: uuid.UUID) -> CourseFacts:
    """The course's facts whatever its status (no viewer filtering); CourseNotFound for an unknown id."""
    from azora.education.selectors import courses

    return courses.course_facts(course_id=course_id)


def course_set_paid(*, course_id: uuid.UUID, is_paid: bool) -> None:
    """Mark the course as sold or free (the revenue engine, when prices are set or removed); CourseNotFound."""
    from azora.education.services import enrollment

    enrollment.course_set_paid(course_id=course_id, is_paid=is_paid)


def course_progress_percent(*, user_id: uuid.UUID, course_id: uuid.UUID) -> int:
    """The learner's progress percent as the course page shows it; 0 when not enrolled (or revoked)."""
    from azora.education.selectors import courses

    return courses.course_progress_percent(user_id=user_id, course_id=course_id)


# --- Authoring (course instructors, organisation owners/admins, platform admins) ---


def category_ensure(*, slug: str, name: str) -> CategoryView:
    from azora.education.services import courses

    return courses.category_ensure(slug=slug, name=name)


def course_create(*, user_id: uuid.UUID, title: str, **fields: Any) -> CourseDetail:
    """Create a draft course taught by `user_id` (and `instructor_ids`).

    Fields: slug, summary, description, language, level, category (slug), tags, estimated_hours,
    organisation_id, instructor_ids, prerequisite_ids, is_paid.
    """
    from azora.education.services import courses

    return courses.course_create(user_id=user_id, title=title, **fields)


def course_update(*, course_id: uuid.UUID, user_id: uuid.UUID, **fields: Any) -> CourseDetail:
    from azora.education.services import courses

    return courses.course_update(course_id=course_id, user_id=user_id, **fields)


def course_cover_set(*, course_id: uuid.UUID, user_id: uuid.UUID, filename: str, content: bytes) -> CourseDetail:
    """Store a PNG, JPEG or WebP cover (at most 2 MiB, 40 megapixels) and its WebP variants without metadata."""
    from azora.education.services import courses

    return courses.course_cover_set(course_id=course_id, user_id=user_id, filename=filename, content=content)


def course_cover_variants_create() -> dict[str, int]:
    """Move covers stored before variants existed into the folder layout with variants (idempotent); counts."""
    from azora.education.services import courses

    return courses.course_cover_variants_create()


def course_publish(*, course_id: uuid.UUID, user_id: uuid.UUID) -> CourseDetail:
    from azora.education.services import courses

    return courses.course_publish(course_id=course_id, user_id=user_id)


def course_archive(*, course_id: uuid.UUID, user_id: uuid.UUID) -> CourseDetail:
    from azora.education.services import courses

    return courses.course_archive(course_id=course_id, user_id=user_id)


def module_create(*, course_id: uuid.UUID, user_id: uuid.UUID, title: str, summary: str = "") -> ModuleView:
    from azora.education.services import courses

    return courses.module_create(course_id=course_id, user_id=user_id, title=title, summary=summary)


def module_update(*, module_id: uuid.UUID, user_id: uuid.UUID, **fields: Any) -> ModuleView:
    from azora.education.services import courses

    return courses.module_update(module_id=module_id, user_id=user_id, **fields)


def module_delete(*, module_id: uuid.UUID, user_id: uuid.UUID) -> None:
    from azora.education.services import courses

    courses.module_delete(module_id=module_id, user_id=user_id)


def module_reorder(*, course_id: uuid.UUID, user_id: uuid.UUID, module_ids: Sequence[uuid.UUID]) -> list[ModuleView]:
    from azora.education.services import courses

    return courses.module_reorder(course_id=course_id, user_id=user_id, module_ids=module_ids)


def lesson_create(*, module_id: uuid.UUID, user_id: uuid.UUID, title: str, **fields: Any) -> LessonAuthorView:
    """Fields: body_markdown, video_url, estimated_minutes, is_required."""
    from azora.education.services import courses

    return courses.lesson_create(module_id=module_id, user_id=user_id, title=title, **fields)


def lesson_update(*, lesson_id: uuid.UUID, user_id: uuid.UUID, **fields: Any) -> LessonAuthorView:
    """An edit of a lesson in a published course first keeps the previous state as a LessonVersion."""
    from azora.education.services import courses

    return courses.lesson_update(lesson_id=lesson_id, user_id=user_id, **fields)


def lesson_delete(*, lesson_id: uuid.UUID, user_id: uuid.UUID) -> None:
    from azora.education.services import courses

    courses.lesson_delete(lesson_id=lesson_id, user_id=user_id)


def lesson_reorder(
    *, module_id: uuid.UUID, user_id: uuid.UUID, lesson_ids: Sequence[uuid.UUID]
) -> list[LessonAuthorView]:
    from azora.education.services import courses

    return courses.lesson_reorder(module_id=module_id, user_id=user_id, lesson_ids=lesson_ids)


def lesson_attachment_add(
    *, lesson_id: uuid.UUID, user_id: uuid.UUID, filename: str, content: bytes
) -> LessonAuthorView:
    from azora.education.services import courses

    return courses.lesson_attachment_add(lesson_id=lesson_id, user_id=user_id, filename=filename, content=content)


def lesson_versions(*, lesson_id: uuid.UUID, user_id: uuid.UUID) -> list[LessonVersionView]:
    """Earlier versions of a lesson, newest first (editors only)."""
    from azora.education.selectors import courses

    return courses.lesson_versions(lesson_id=lesson_id, user_id=user_id)
