"""The read side of courses: who may see and edit a course, course pages, lessons for learners, enrolments.

Every list reads a fixed number of queries whatever its length (prefetches and subqueries, never a loop).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from django.core.files.storage import default_storage
from django.db.models import FilteredRelation, OuterRef, Prefetch, Q, QuerySet

from azora.accounts.public import organisation_list_for_user, organisation_role_of, user_has_platform_role
from azora.education.errors import CourseNotFound, LessonNotFound
from azora.education.images import cover_variant_paths
from azora.education.markdown import video_embed, video_html
from azora.education.models import (
    Category,
    Course,
    CourseInstructor,
    CourseStatus,
    Enrollment,
    EnrollmentStatus,
    Lesson,
    LessonAttachment,
    LessonProgress,
    LessonVersion,
)
from azora.education.outline_cache import Outline, outlines
from azora.education.public.courses import (
    AttachmentView,
    CategoryView,
    CourseDetail,
    CourseFacts,
    CourseSummary,
    CoverImages,
    EnrollmentView,
    InstructorView,
    LessonOutline,
    LessonVersionView,
    LessonView,
    ModuleView,
    ProgressView,
)
from azora.shared.compiled import CompiledQuery
from azora.shared.pagination import InvalidCursor, Page, clamp_limit, decode_cursor, encode_cursor

__all__ = [
    "ACCESS_STATUSES",
    "categories",
    "course_detail",
    "course_facts",
    "course_progress_percent",
    "course_summary",
    "courses_taught_by",
    "enrollment_views",
    "enrollments_created_since",
    "enrollments_of",
    "is_enrolled",
    "lesson_for_learner",
    "lesson_versions",
    "may_edit_course",
    "may_edit_loaded_course",
    "progress_of_enrollment",
    "summaries_from_rows",
    "visible_course_queryset",
]

# Organisation roles that may edit every course of their organisation.
ORGANISATION_EDITOR_ROLES = frozenset({"owner", "admin"})
LESSON_ORDER = ("module__position", "module_id", "position", "id")
SUMMARY_DEFERRED = ("description", "created_at", "updated_at", "archived_at")
# The enrolment statuses that give access to a course; a revoked enrolment is kept for its history only.
ACCESS_STATUSES = (EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED)


def _int(row: Any, name: str) -> int:
    """An integer annotation of a queried row (annotations are not attributes the type checker knows)."""
    return int(getattr(row, name) or 0)


# --- Permissions ---


def may_edit_loaded_course(*, user_id: uuid.UUID | None, course: Course, instructor_ids: Iterable[uuid.UUID]) -> bool:
    """Course instructors, owners and admins of the owning organisation, and platform admins may edit."""
    return _may_edit(user_id=user_id, organisation_id=course.organisation_id, instructor_ids=instructor_ids)


def _may_edit(
    *, user_id: uuid.UUID | None, organisation_id: uuid.UUID | None, instructor_ids: Iterable[uuid.UUID]
) -> bool:
    if user_id is None:
        return False
    if user_id in set(instructor_ids):
        return True
    if organisation_id is not None:
        role = organisation_role_of(user_id=user_id, organisation_id=organisation_id)
        if role in ORGANISATION_EDITOR_ROLES:
            return True
    return user_has_platform_role(user_id=user_id, role="platform_admin")


def may_edit_course(*, user_id: uuid.UUID, course_id: uuid.UUID) -> bool:
    course = Course.objects.filter(pk=course_id).first()
    if course is None:
        return False
    instructors = CourseInstructor.objects.filter(course_id=course_id).values_list("user_id", flat=True)
    return may_edit_loaded_course(user_id=user_id, course=course, instructor_ids=instructors)


def courses_editable_by(*, user_id: uuid.UUID) -> list[uuid.UUID]:
    """Ids of the courses (any status) the user edits as an instructor or as an owner/admin of the owning
    organisation, oldest first. Platform admins edit every course; callers check that role themselves."""
    organisation_ids = [
        organisation.id
        for organisation in organisation_list_for_user(user_id=user_id)
        if organisation.role in ORGANISATION_EDITOR_ROLES
    ]
    taught = CourseInstructor.objects.filter(user_id=user_id).values("course_id")
    editable = Q(pk__in=taught) | Q(organisation_id__in=organisation_ids)
    return list(Course.objects.filter(editable).order_by("pk").values_list("pk", flat=True))


def course_titles(*, course_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Titles of the given courses (any status) by id, in one query; unknown ids are left out."""
    wanted = set(course_ids)
    if not wanted:
        return {}
    return dict(Course.objects.filter(pk__in=wanted).values_list("pk", "title"))


def is_enrolled(*, user_id: uuid.UUID, course_id: uuid.UUID) -> bool:
    """An active or completed enrolment; a revoked one does not count."""
    return Enrollment.objects.filter(user_id=user_id, course_id=course_id, status__in=ACCESS_STATUSES).exists()


def visible_course_queryset(*, viewer_id: uuid.UUID | None) -> QuerySet[Course]:
    """Courses a viewer may read without editing them: published, or archived with the viewer enrolled."""
    visible = Q(status=CourseStatus.PUBLISHED)
    if viewer_id is not None:
        enrolled = Enrollment.objects.filter(user_id=viewer_id, course_id=OuterRef("pk"), status__in=ACCESS_STATUSES)
        visible |= Q(status=CourseStatus.ARCHIVED) & Q(pk__in=enrolled.values("course_id"))
    return Course.objects.filter(visible)


# --- Summaries ---


def _instructor_links() -> QuerySet[CourseInstructor]:
    return (
        CourseInstructor.objects.select_related("user")
        .only("id", "course_id", "user_id", "position", "user__id", "user__display_name", "user__email")
        .order_by("position", "id")
    )


def summaries_from_rows(rows: Iterable[dict[str, Any]]) -> list[CourseSummary]:
    """Summaries of course rows read as `values(*SUMMARY_VALUES)`, in their order, with every instructor of them
    read in one query (no model instances: building them cost more than the queries)."""
    rows = list(rows)
    instructors = _instructors_of(row["id"] for row in rows) if rows else {}
    return [_summary_from_row(row, instructors.get(row["id"], ())) for row in rows]


def _category_view(category: Category | None) -> CategoryView | None:
    if category is None:
        return None
    return CategoryView(id=category.id, name=category.name, slug=category.slug)


def _instructor_views(course: Course) -> tuple[InstructorView, ...]:
    links: list[CourseInstructor] = getattr(course, "ordered_instructor_links", None) or list(
        course.instructor_links.select_related("user").order_by("position", "id")
    )
    return tuple(InstructorView(user_id=link.user_id, display_name=link.user.get_full_name()) for link in links)


def cover_url(path: str) -> str | None:
    return default_storage.url(path) if path else None


def cover_images(path: str) -> CoverImages | None:
    """The cover's URLs from its stored path alone (the layout names the variants: no storage call per course)."""
    if not path:
        return None
    original = default_storage.url(path)
    variants = cover_variant_paths(path)
    if variants is None:
        return CoverImages(original_url=original, card_url=original, hero_url=original, has_variants=False)
    return CoverImages(
        original_url=original,
        card_url=default_storage.url(variants["card"]),
        hero_url=default_storage.url(variants["hero"]),
        has_variants=True,
    )


def course_summary(course: Course) -> CourseSummary:
    return CourseSummary(
        id=course.id,
        slug=course.slug,
        title=course.title,
        summary=course.summary,
        language=course.language,
        level=course.level,
        category=_category_view(course.category),
        tags=tuple(str(tag) for tag in course.tags or ()),
        estimated_hours=course.estimated_hours,
        cover_image_url=cover_url(course.cover_image),
        cover=cover_images(course.cover_image),
        status=course.status,
        is_paid=course.is_paid,
        enrollment_count=course.enrollment_count,
        published_at=course.published_at,
        instructors=_instructor_views(course),
    )


def categories() -> list[CategoryView]:
    return [CategoryView(id=c.id, name=c.name, slug=c.slug) for c in Category.objects.order_by("name", "id")]


def courses_taught_by(*, user_id: uuid.UUID) -> list[CourseSummary]:
    taught = CourseInstructor.objects.filter(user_id=user_id).values("course_id")
    return summaries_from_rows(
        Course.objects.filter(pk__in=taught).order_by("-created_at", "-id").values(*SUMMARY_VALUES)
    )


# --- Progress ---


def progress_view(
    *, completed_lessons: int, total_lessons: int, completed_required_lessons: int, required_lessons: int
) -> ProgressView:
    if required_lessons:
        percent = completed_required_lessons * 100 // required_lessons
    else:
        percent = 100 if total_lessons == 0 or completed_lessons >= total_lessons else 0
    return ProgressView(
        completed_lessons=completed_lessons,
        total_lessons=total_lessons,
        completed_required_lessons=completed_required_lessons,
        required_lessons=required_lessons,
        percent=percent,
    )


# No ordering: the model's default ordering would join the enrolments for nothing.
_COMPLETED = CompiledQuery(
    "completed lessons",
    lambda *, enrollment: LessonProgress.objects.filter(enrollment_id=enrollment).order_by().values("lesson_id"),
)


def _completed_lesson_ids(enrollment_id: uuid.UUID) -> set[uuid.UUID]:
    return {row["lesson_id"] for row in _COMPLETED.run(enrollment=enrollment_id)}


def _progress_from_lessons(lessons: Iterable[Lesson], completed: set[uuid.UUID]) -> ProgressView:
    lessons = list(lessons)
    required = [lesson for lesson in lessons if lesson.is_required]
    return progress_view(
        completed_lessons=sum(1 for lesson in lessons if lesson.id in completed),
        total_lessons=len(lessons),
        completed_required_lessons=sum(1 for lesson in required if lesson.id in completed),
        required_lessons=len(required),
    )


def progress_of_enrollment(*, enrollment_id: uuid.UUID, course_id: uuid.UUID) -> ProgressView:
    lessons = Lesson.objects.filter(course_id=course_id).only("id", "is_required")
    return _progress_from_lessons(lessons, _completed_lesson_ids(enrollment_id))


def _first_incomplete(lessons: list[Lesson], completed: set[uuid.UUID]) -> Lesson | None:
    return next((lesson for lesson in lessons if lesson.id not in completed), None)


# --- Course page ---

# The columns a CourseSummary reads from a course row (values() rows: no model instances, no prefetch objects).
SUMMARY_VALUES = (
    "id", "slug", "title", "summary", "language", "level", "tags", "estimated_hours", "cover_image", "status",
    "is_paid", "enrollment_count", "published_at", "category_id", "category__name", "category__slug",
)  # fmt: skip
# The course's instructors joined to its row (one row per instructor, in order; NULLs for a course without any).
INSTRUCTOR_VALUES = (
    "instructor_links__user_id",
    "instructor_links__user__display_name",
    "instructor_links__user__email",
)
INSTRUCTOR_ORDER = ("instructor_links__position", "instructor_links__id")


def _summary_from_row(row: dict[str, Any], instructors: tuple[InstructorView, ...]) -> CourseSummary:
    category_id = row["category_id"]
    return CourseSummary(
        id=row["id"],
        slug=row["slug"],
        title=row["title"],
        summary=row["summary"],
        language=row["language"],
        level=row["level"],
        category=None
        if category_id is None
        else CategoryView(id=category_id, name=row["category__name"], slug=row["category__slug"]),
        tags=tuple(str(tag) for tag in row["tags"] or ()),
        estimated_hours=row["estimated_hours"],
        cover_image_url=cover_url(row["cover_image"]),
        cover=cover_images(row["cover_image"]),
        status=row["status"],
        is_paid=row["is_paid"],
        enrollment_count=row["enrollment_count"],
        published_at=row["published_at"],
        instructors=instructors,
    )


def _grouped_by_course(rows: Iterable[dict[str, Any]]) -> list[tuple[dict[str, Any], tuple[InstructorView, ...]]]:
    """Rows of courses joined to their instructors, as (course row, instructors) in the rows' order."""
    grouped: dict[uuid.UUID, tuple[dict[str, Any], list[InstructorView]]] = {}
    for row in rows:
        entry = grouped.get(row["id"])
        if entry is None:
            entry = grouped[row["id"]] = (row, [])
        user_id = row["instructor_links__user_id"]
        if user_id is not None:
            name = row["instructor_links__user__display_name"] or row["instructor_links__user__email"]
            entry[1].append(InstructorView(user_id=user_id, display_name=name))
    return [(row, tuple(instructors)) for row, instructors in grouped.values()]


def _course_row_query(field: str, with_viewer: bool, *, ref: Any, viewer: Any = None) -> QuerySet[Course, Any]:
    """The course (by `field`) joined to its instructors and, `with_viewer`, to the viewer's enrolment."""
    queryset = Course.objects.filter(**{field: ref})
    extra: tuple[str, ...] = ()
    if with_viewer:
        queryset = queryset.annotate(
            viewer_enrollment=FilteredRelation(
                "enrollments", condition=Q(enrollments__user_id=viewer, enrollments__status__in=ACCESS_STATUSES)
            )
        )
        extra = ("viewer_enrollment__id",)
    rows: QuerySet[Course, Any] = queryset.values(
        *SUMMARY_VALUES, "description", "organisation_id", "created_at", "updated_at", *INSTRUCTOR_VALUES, *extra
    ).order_by(*INSTRUCTOR_ORDER)
    return rows


_COURSE_ROW = CompiledQuery("course page", _course_row_query)


def _course_row_for_viewer(
    *, viewer_id: uuid.UUID | None, lookup: dict[str, Any]
) -> tuple[dict[str, Any], tuple[InstructorView, ...], uuid.UUID | None, bool]:
    """(course row, instructors, the viewer's enrolment id, whether the viewer may edit) in one query (plus the
    role lookups of a viewer who is not an instructor); CourseNotFound when the viewer may not see the course."""
    ((field, ref),) = lookup.items()
    if viewer_id is None:
        rows = _COURSE_ROW.run((field, False), ref=ref)
    else:
        rows = _COURSE_ROW.run((field, True), ref=ref, viewer=viewer_id)
    if not rows:
        raise CourseNotFound()
    row, instructors = _grouped_by_course(rows)[0]
    enrollment_id: uuid.UUID | None = row.get("viewer_enrollment__id")
    may_edit = _may_edit(
        user_id=viewer_id,
        organisation_id=row["organisation_id"],
        instructor_ids=[instructor.user_id for instructor in instructors],
    )
    status = row["status"]
    if may_edit or status == CourseStatus.PUBLISHED or (status == CourseStatus.ARCHIVED and enrollment_id):
        return row, instructors, enrollment_id, may_edit
    raise CourseNotFound()


def _prerequisite_summaries(
    *, prerequisite_ids: tuple[uuid.UUID, ...], viewer_id: uuid.UUID | None
) -> tuple[CourseSummary, ...]:
    """The prerequisites the viewer may see (published, or archived and the viewer enrolled), with their
    instructors: one query whatever their number, none for a course without prerequisites."""
    if not prerequisite_ids:
        return ()
    rows = (
        visible_course_queryset(viewer_id=viewer_id)
        .filter(pk__in=prerequisite_ids)
        .values(*SUMMARY_VALUES, *INSTRUCTOR_VALUES)
        .order_by("title", "id", *INSTRUCTOR_ORDER)
    )
    return tuple(_summary_from_row(row, instructors) for row, instructors in _grouped_by_course(rows))


def _module_views(
    course_id: uuid.UUID, outline: Outline, completed: set[uuid.UUID] | frozenset[uuid.UUID]
) -> tuple[ModuleView, ...]:
    return tuple(
        ModuleView(
            id=module.id,
            course_id=course_id,
            title=module.title,
            summary=module.summary,
            position=module.position,
            lessons=tuple(
                LessonOutline(
                    id=lesson.id,
                    title=lesson.title,
                    position=lesson.position,
                    estimated_minutes=lesson.estimated_minutes,
                    is_required=lesson.is_required,
                    has_video=lesson.has_video,
                    is_completed=lesson.id in completed,
                )
                for lesson in module.lessons
            ),
        )
        for module in outline.modules
    )


def course_detail(
    *, viewer_id: uuid.UUID | None, slug: str | None = None, course_id: uuid.UUID | None = None
) -> CourseDetail:
    """A course page in a fixed number of queries whatever its size: the course with its instructors and the
    viewer's enrolment (one query), the viewer's role when not an instructor, the prerequisites (when it has any),
    the viewer's completed lessons; the outline (modules, lessons, prerequisite ids) comes from `outline_cache`."""
    lookup: dict[str, Any] = {"slug": slug} if slug is not None else {"pk": course_id}
    row, instructors, enrollment_id, may_edit = _course_row_for_viewer(viewer_id=viewer_id, lookup=lookup)
    course_id = row["id"]
    outline = outlines([course_id])[course_id]
    prerequisites = _prerequisite_summaries(prerequisite_ids=outline.prerequisite_ids, viewer_id=viewer_id)
    completed: set[uuid.UUID] = set()
    if enrollment_id is not None:
        completed = _completed_lesson_ids(enrollment_id)
    lessons = outline.lessons
    resume = next((lesson for lesson in lessons if lesson.id not in completed), None) if enrollment_id else None
    return CourseDetail(
        course=_summary_from_row(row, instructors),
        description=row["description"],
        organisation_id=row["organisation_id"],
        prerequisites=prerequisites,
        modules=_module_views(course_id, outline, completed),
        lesson_count=len(lessons),
        total_minutes=sum(lesson.estimated_minutes for lesson in lessons),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        viewer_may_edit=may_edit,
        viewer_enrollment_id=enrollment_id,
        viewer_progress=_outline_progress(outline, completed) if enrollment_id else None,
        viewer_resume_lesson_id=resume.id if resume else None,
    )


def _outline_progress(outline: Outline, completed: set[uuid.UUID] | frozenset[uuid.UUID]) -> ProgressView:
    lessons = outline.lessons
    required = [lesson.id for lesson in lessons if lesson.is_required]
    return progress_view(
        completed_lessons=sum(1 for lesson in lessons if lesson.id in completed),
        total_lessons=len(lessons),
        completed_required_lessons=sum(1 for lesson_id in required if lesson_id in completed),
        required_lessons=len(required),
    )


# --- Lessons ---


def attachment_view(attachment: LessonAttachment) -> AttachmentView:
    return AttachmentView(
        id=attachment.id,
        name=attachment.name,
        url=default_storage.url(attachment.storage_path),
        content_type=attachment.content_type,
        size_bytes=attachment.size_bytes,
    )


def lesson_for_learner(*, lesson_id: uuid.UUID, user_id: uuid.UUID) -> LessonView:
    """A lesson for an enrolled learner (published or archived course) or for someone who may edit the course."""
    lesson = Lesson.objects.select_related("course", "module").filter(pk=lesson_id).first()
    if lesson is None:
        raise LessonNotFound()
    course = lesson.course
    enrollment = Enrollment.objects.filter(user_id=user_id, course=course, status__in=ACCESS_STATUSES).first()
    readable = enrollment is not None and course.status in (CourseStatus.PUBLISHED, CourseStatus.ARCHIVED)
    if not readable and not may_edit_course(user_id=user_id, course_id=course.id):
        raise LessonNotFound()
    outline = list(Lesson.objects.filter(course=course).order_by(*LESSON_ORDER).only("id", "is_required"))
    index = next(i for i, item in enumerate(outline) if item.id == lesson.id)
    completed = _completed_lesson_ids(enrollment.id) if enrollment else set()
    embed = video_embed(lesson.video_url)
    return LessonView(
        id=lesson.id,
        course_id=course.id,
        course_slug=course.slug,
        course_title=course.title,
        module_id=lesson.module_id,
        module_title=lesson.module.title,
        title=lesson.title,
        body_html=lesson.body_html,
        video_url=lesson.video_url,
        video_embed_url=embed.embed_url if embed else None,
        video_html=video_html(lesson.video_url, title=lesson.title),
        attachments=tuple(attachment_view(a) for a in lesson.attachments.order_by("id")),
        estimated_minutes=lesson.estimated_minutes,
        is_required=lesson.is_required,
        version=lesson.version,
        updated_at=lesson.updated_at,
        previous_lesson_id=outline[index - 1].id if index > 0 else None,
        next_lesson_id=outline[index + 1].id if index + 1 < len(outline) else None,
        is_completed=lesson.id in completed,
        progress=_progress_from_lessons(outline, completed) if enrollment else None,
    )


def lesson_versions(*, lesson_id: uuid.UUID, user_id: uuid.UUID) -> list[LessonVersionView]:
    lesson = Lesson.objects.filter(pk=lesson_id).only("id", "course_id").first()
    if lesson is None or not may_edit_course(user_id=user_id, course_id=lesson.course_id):
        raise LessonNotFound()
    return [
        LessonVersionView(
            version=v.version,
            title=v.title,
            body_markdown=v.body_markdown,
            video_url=v.video_url,
            estimated_minutes=v.estimated_minutes,
            edited_by_id=v.edited_by_id,
            created_at=v.created_at,
        )
        for v in LessonVersion.objects.filter(lesson_id=lesson_id).order_by("-version")
    ]


# --- Enrolments ---

ENROLLMENT_VALUES = ("id", "course_id", "user_id", "source", "status", "created_at", "completed_at")


def _enrollment_view(
    row: dict[str, Any], course: CourseSummary, outline: Outline, completed: set[uuid.UUID], *, created: bool
) -> EnrollmentView:
    resume = next((lesson for lesson in outline.lessons if lesson.id not in completed), None)
    return EnrollmentView(
        id=row["id"],
        course=course,
        user_id=row["user_id"],
        source=row["source"],
        status=row["status"],
        created_at=row["created_at"],
        completed_at=row["completed_at"],
        progress=_outline_progress(outline, completed),
        resume_lesson_id=resume.id if resume else None,
        resume_lesson_title=resume.title if resume else None,
        created=created,
    )


_INSTRUCTORS = CompiledQuery(
    "instructors of courses",
    lambda *, courses: (
        CourseInstructor.objects.filter(course_id__in=courses)
        .order_by("position", "id")
        .values("course_id", "user_id", "user__display_name", "user__email")
    ),
)


def _instructors_of(course_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, tuple[InstructorView, ...]]:
    """Every instructor of the courses, in order: one query whatever their number."""
    found: dict[uuid.UUID, list[InstructorView]] = {}
    for row in _INSTRUCTORS.run(courses=list(dict.fromkeys(course_ids))):
        name = row["user__display_name"] or row["user__email"]
        found.setdefault(row["course_id"], []).append(InstructorView(user_id=row["user_id"], display_name=name))
    return {course_id: tuple(views) for course_id, views in found.items()}


_PROGRESS = CompiledQuery(
    "progress of enrolments",
    lambda *, enrollments: (
        LessonProgress.objects.filter(enrollment_id__in=enrollments).order_by().values("enrollment_id", "lesson_id")
    ),
)


def _completed_by_enrollment(enrollment_ids: list[uuid.UUID]) -> dict[uuid.UUID, set[uuid.UUID]]:
    done: dict[uuid.UUID, set[uuid.UUID]] = {}
    for row in _PROGRESS.run(enrollments=list(dict.fromkeys(enrollment_ids))):
        done.setdefault(row["enrollment_id"], set()).add(row["lesson_id"])
    return done


def _enrollment_views_from_rows(rows: list[dict[str, Any]], *, created: bool = False) -> list[EnrollmentView]:
    """Views of enrolment rows (with their courses' summary columns under `course__`): the instructors and the
    progress rows in one query each, the outlines from the outline cache."""
    if not rows:
        return []
    course_ids = [row["course_id"] for row in rows]
    instructors = _instructors_of(course_ids)
    course_outlines = outlines(course_ids)
    done = _completed_by_enrollment([row["id"] for row in rows])
    views = []
    for row in rows:
        course_row = {name: row[f"course__{name}"] for name in SUMMARY_VALUES}
        course = _summary_from_row(course_row, instructors.get(row["course_id"], ()))
        views.append(
            _enrollment_view(
                row, course, course_outlines[row["course_id"]], done.get(row["id"], set()), created=created
            )
        )
    return views


def enrollment_views(enrollments: list[Enrollment], *, created: bool = False) -> list[EnrollmentView]:
    """Views of loaded enrolments (from `enrollment_queryset`) with their progress and resume lesson."""
    if not enrollments:
        return []
    course_outlines = outlines(enrollment.course_id for enrollment in enrollments)
    done = _completed_by_enrollment([enrollment.id for enrollment in enrollments])
    return [
        _enrollment_view(
            {name: getattr(enrollment, name) for name in ENROLLMENT_VALUES},
            course_summary(enrollment.course),
            course_outlines[enrollment.course_id],
            done.get(enrollment.id, set()),
            created=created,
        )
        for enrollment in enrollments
    ]


def enrollment_queryset(*, user_id: uuid.UUID) -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.filter(user_id=user_id)
        .select_related("course", "course__category")
        .defer("updated_at", "last_activity_at", *(f"course__{name}" for name in SUMMARY_DEFERRED))
        .prefetch_related(
            Prefetch("course__instructor_links", queryset=_instructor_links(), to_attr="ordered_instructor_links")
        )
    )


def _enrollments_query(limit: int, after_cursor: bool, *, user: Any, after: Any = None) -> QuerySet[Enrollment, Any]:
    queryset = Enrollment.objects.filter(user_id=user, status__in=ACCESS_STATUSES)
    if after_cursor:
        queryset = queryset.filter(id__lt=after)
    rows: QuerySet[Enrollment, Any] = queryset.order_by("-id").values(
        *ENROLLMENT_VALUES, *(f"course__{name}" for name in SUMMARY_VALUES)
    )[:limit]
    return rows


_ENROLLMENTS = CompiledQuery("enrolments of a user", _enrollments_query)


def enrollments_of(*, user_id: uuid.UUID, cursor: str | None = None, limit: int | None = None) -> Page[EnrollmentView]:
    """The user's enrolments, newest first (UUIDv7 ids are time-ordered), one cursor page at a time: three queries
    whatever the page size (enrolments with their courses, the courses' instructors, the progress rows).

    "My courses" lists what the learner may open: a revoked enrolment is left out (its row and progress are kept,
    and come back if the learner buys the course again)."""
    size = clamp_limit(limit)
    if cursor:
        try:
            after = uuid.UUID(decode_cursor(cursor, size=1)[0])
        except ValueError as error:
            raise InvalidCursor() from error
        rows = _ENROLLMENTS.run((size + 1, True), user=user_id, after=after)
    else:
        rows = _ENROLLMENTS.run((size + 1, False), user=user_id)
    next_cursor = encode_cursor([rows[size - 1]["id"]]) if len(rows) > size else None
    return Page(items=_enrollment_views_from_rows(rows[:size]), next_cursor=next_cursor)


# --- Facts for the revenue engine (no viewer: the caller decides who may see what) ---


def course_facts(*, course_id: uuid.UUID) -> CourseFacts:
    """The facts the revenue engine prices, splits and rewards by, whatever the course's status; CourseNotFound."""
    row = (
        Course.objects.filter(pk=course_id)
        .values("id", "title", "slug", "level", "status", "is_paid", "organisation_id", "created_by_id")
        .first()
    )
    if row is None:
        raise CourseNotFound()
    instructor_ids = CourseInstructor.objects.filter(course_id=course_id).order_by("position", "id")
    return CourseFacts(**row, instructor_ids=tuple(instructor_ids.values_list("user_id", flat=True)))


def enrollments_created_since(*, user_id: uuid.UUID, since: datetime, sources: Collection[str] | None = None) -> int:
    """How many enrolments the user started at or after `since` (only those whose `source` is in `sources`, when
    given), revoked ones included (giving a course back does not give an enrolment back); reactivating a revoked
    enrolment starts none."""
    started = Enrollment.objects.filter(user_id=user_id, created_at__gte=since)
    if sources is not None:
        started = started.filter(source__in=list(sources))
    return started.count()


def enrollment_count(*, since: datetime | None = None) -> int:
    enrollments = Enrollment.objects.filter(revoked_at__isnull=True)
    if since is not None:
        enrollments = enrollments.filter(created_at__gte=since)
    return enrollments.count()


def course_progress_percent(*, user_id: uuid.UUID, course_id: uuid.UUID) -> int:
    """The learner's progress as the course page shows it (ProgressView.percent); 0 when not enrolled or revoked."""
    enrollment_id = (
        Enrollment.objects.filter(user_id=user_id, course_id=course_id, status__in=ACCESS_STATUSES)
        .values_list("id", flat=True)
        .first()
    )
    if enrollment_id is None:
        return 0
    return progress_of_enrollment(enrollment_id=enrollment_id, course_id=course_id).percent
