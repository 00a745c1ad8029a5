"""The read side of courses: who may see and edit a course, course pages, lessons for learners, enrolments.

Every list reads a fixed number of queries whatever its length (prefetches and subqueries, never a loop).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.core.files.storage import default_storage
from django.db.models import OuterRef, Prefetch, Q, QuerySet

from azora.accounts.public import organisation_role_of, user_has_platform_role
from azora.education.errors import CourseNotFound, LessonNotFound
from azora.education.markdown import video_embed, video_html
from azora.education.models import (
    Category,
    Course,
    CourseInstructor,
    CourseStatus,
    Enrollment,
    Lesson,
    LessonAttachment,
    LessonProgress,
    LessonVersion,
    Module,
)
from azora.education.public.courses import (
    AttachmentView,
    CategoryView,
    CourseDetail,
    CourseSummary,
    EnrollmentView,
    InstructorView,
    LessonOutline,
    LessonVersionView,
    LessonView,
    ModuleView,
    ProgressView,
)
from azora.shared.pagination import Page, paginate_queryset

__all__ = [
    "categories",
    "course_detail",
    "course_summary",
    "courses_taught_by",
    "enrollment_views",
    "enrollments_of",
    "is_enrolled",
    "lesson_for_learner",
    "lesson_versions",
    "may_edit_course",
    "may_edit_loaded_course",
    "progress_of_enrollment",
    "visible_course_queryset",
    "with_summary_relations",
]

# Organisation roles that may edit every course of their organisation.
ORGANISATION_EDITOR_ROLES = frozenset({"owner", "admin"})
LESSON_ORDER = ("module__position", "module_id", "position", "id")
SUMMARY_DEFERRED = ("description", "created_at", "updated_at", "archived_at")


def _int(row: Any, name: str) -> int:
    """An integer annotation of a queried row (annotations are not attributes the type checker knows)."""
    return int(getattr(row, name) or 0)


# --- Permissions ---


def may_edit_loaded_course(*, user_id: uuid.UUID | None, course: Course, instructor_ids: Iterable[uuid.UUID]) -> bool:
    """Course instructors, owners and admins of the owning organisation, and platform admins may edit."""
    if user_id is None:
        return False
    if user_id in set(instructor_ids):
        return True
    if course.organisation_id is not None:
        role = organisation_role_of(user_id=user_id, organisation_id=course.organisation_id)
        if role in ORGANISATION_EDITOR_ROLES:
            return True
    return user_has_platform_role(user_id=user_id, role="platform_admin")


def may_edit_course(*, user_id: uuid.UUID, course_id: uuid.UUID) -> bool:
    course = Course.objects.filter(pk=course_id).first()
    if course is None:
        return False
    instructors = CourseInstructor.objects.filter(course_id=course_id).values_list("user_id", flat=True)
    return may_edit_loaded_course(user_id=user_id, course=course, instructor_ids=instructors)


def is_enrolled(*, user_id: uuid.UUID, course_id: uuid.UUID) -> bool:
    return Enrollment.objects.filter(user_id=user_id, course_id=course_id).exists()


def visible_course_queryset(*, viewer_id: uuid.UUID | None) -> QuerySet[Course]:
    """Courses a viewer may read without editing them: published, or archived with the viewer enrolled."""
    visible = Q(status=CourseStatus.PUBLISHED)
    if viewer_id is not None:
        enrolled = Enrollment.objects.filter(user_id=viewer_id, course_id=OuterRef("pk"))
        visible |= Q(status=CourseStatus.ARCHIVED) & Q(pk__in=enrolled.values("course_id"))
    return Course.objects.filter(visible)


# --- Summaries ---


def _instructor_links() -> QuerySet[CourseInstructor]:
    return (
        CourseInstructor.objects.select_related("user")
        .only("id", "course_id", "user_id", "position", "user__id", "user__display_name", "user__email")
        .order_by("position", "id")
    )


def with_summary_relations(queryset: QuerySet[Course], *, with_description: bool = False) -> QuerySet[Course]:
    """The joins and prefetches a CourseSummary reads (one extra query for every instructor of the page)."""
    queryset = queryset.select_related("category").prefetch_related(
        Prefetch("instructor_links", queryset=_instructor_links(), to_attr="ordered_instructor_links")
    )
    # A list's summaries need neither the long description nor the bookkeeping timestamps (each timestamp
    # costs a timezone-aware conversion per row).
    return queryset if with_description else queryset.defer(*SUMMARY_DEFERRED)


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
    rows = with_summary_relations(Course.objects.filter(pk__in=taught)).order_by("-created_at", "-id")
    return [course_summary(course) for course in rows]


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


def _completed_lesson_ids(enrollment_id: uuid.UUID) -> set[uuid.UUID]:
    return set(LessonProgress.objects.filter(enrollment_id=enrollment_id).values_list("lesson_id", flat=True))


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


def _course_for_viewer(*, viewer_id: uuid.UUID | None, **lookup: Any) -> tuple[Course, bool]:
    """The course and whether the viewer may edit it; CourseNotFound when the viewer may not see it."""
    queryset = with_summary_relations(Course.objects.filter(**lookup), with_description=True)
    course = queryset.first()
    if course is None:
        raise CourseNotFound()
    instructor_ids = [link.user_id for link in getattr(course, "ordered_instructor_links", [])]
    may_edit = may_edit_loaded_course(user_id=viewer_id, course=course, instructor_ids=instructor_ids)
    if may_edit or course.status == CourseStatus.PUBLISHED:
        return course, may_edit
    if course.status == CourseStatus.ARCHIVED and viewer_id and is_enrolled(user_id=viewer_id, course_id=course.id):
        return course, may_edit
    raise CourseNotFound()


def course_detail(
    *, viewer_id: uuid.UUID | None, slug: str | None = None, course_id: uuid.UUID | None = None
) -> CourseDetail:
    """A course page in a fixed number of queries (course, instructors, prerequisites, modules, lessons, viewer)."""
    lookup: dict[str, Any] = {"slug": slug} if slug is not None else {"pk": course_id}
    course, may_edit = _course_for_viewer(viewer_id=viewer_id, **lookup)
    prerequisites = [
        course_summary(p)
        for p in with_summary_relations(
            visible_course_queryset(viewer_id=viewer_id).filter(pk__in=course.prerequisites.values("pk"))
        ).order_by("title", "id")
    ]
    lessons = list(
        Lesson.objects.filter(course=course)
        .order_by(*LESSON_ORDER)
        .only("id", "module_id", "title", "position", "estimated_minutes", "is_required", "video_url")
    )
    enrollment = None
    completed: set[uuid.UUID] = set()
    if viewer_id is not None:
        enrollment = Enrollment.objects.filter(user_id=viewer_id, course=course).only("id").first()
        if enrollment is not None:
            completed = _completed_lesson_ids(enrollment.id)
    by_module: dict[uuid.UUID, list[LessonOutline]] = {}
    for lesson in lessons:
        by_module.setdefault(lesson.module_id, []).append(
            LessonOutline(
                id=lesson.id,
                title=lesson.title,
                position=lesson.position,
                estimated_minutes=lesson.estimated_minutes,
                is_required=lesson.is_required,
                has_video=bool(lesson.video_url),
                is_completed=lesson.id in completed,
            )
        )
    modules = tuple(
        ModuleView(
            id=module.id,
            course_id=course.id,
            title=module.title,
            summary=module.summary,
            position=module.position,
            lessons=tuple(by_module.get(module.id, [])),
        )
        for module in Module.objects.filter(course=course)
        .order_by("position", "id")
        .only("id", "title", "summary", "position")
    )
    resume = _first_incomplete(lessons, completed) if enrollment is not None else None
    return CourseDetail(
        course=course_summary(course),
        description=course.description,
        organisation_id=course.organisation_id,
        prerequisites=tuple(prerequisites),
        modules=modules,
        lesson_count=len(lessons),
        total_minutes=sum(lesson.estimated_minutes for lesson in lessons),
        created_at=course.created_at,
        updated_at=course.updated_at,
        viewer_may_edit=may_edit,
        viewer_enrollment_id=enrollment.id if enrollment else None,
        viewer_progress=_progress_from_lessons(lessons, completed) if enrollment else None,
        viewer_resume_lesson_id=resume.id if resume else None,
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
    enrollment = Enrollment.objects.filter(user_id=user_id, course=course).first()
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


def enrollment_views(enrollments: list[Enrollment], *, created: bool = False) -> list[EnrollmentView]:
    """Views of loaded enrolments with their progress and resume lesson, in two queries whatever their number.

    Plain lookups by key instead of correlated subqueries per row: PostgreSQL plans them in a fraction of the time.
    """
    if not enrollments:
        return []
    course_ids = {enrollment.course_id for enrollment in enrollments}
    outline: dict[uuid.UUID, list[tuple[uuid.UUID, str, bool]]] = {}
    lessons = Lesson.objects.filter(course_id__in=course_ids).order_by(*LESSON_ORDER)
    for lesson_id, course_id, title, is_required in lessons.values_list("id", "course_id", "title", "is_required"):
        outline.setdefault(course_id, []).append((lesson_id, title, is_required))
    done: dict[uuid.UUID, set[uuid.UUID]] = {}
    progress = LessonProgress.objects.filter(enrollment_id__in=[e.id for e in enrollments])
    for enrollment_id, lesson_id in progress.values_list("enrollment_id", "lesson_id"):
        done.setdefault(enrollment_id, set()).add(lesson_id)
    views = []
    for enrollment in enrollments:
        course_lessons = outline.get(enrollment.course_id, [])
        completed = done.get(enrollment.id, set())
        required = [lesson_id for lesson_id, _, is_required in course_lessons if is_required]
        resume = next(
            ((lesson_id, title) for lesson_id, title, _ in course_lessons if lesson_id not in completed), None
        )
        views.append(
            EnrollmentView(
                id=enrollment.id,
                course=course_summary(enrollment.course),
                user_id=enrollment.user_id,
                source=enrollment.source,
                status=enrollment.status,
                created_at=enrollment.created_at,
                completed_at=enrollment.completed_at,
                progress=progress_view(
                    completed_lessons=sum(1 for lesson_id, _, _ in course_lessons if lesson_id in completed),
                    total_lessons=len(course_lessons),
                    completed_required_lessons=sum(1 for lesson_id in required if lesson_id in completed),
                    required_lessons=len(required),
                ),
                resume_lesson_id=resume[0] if resume else None,
                resume_lesson_title=resume[1] if resume else None,
                created=created,
            )
        )
    return views


def enrollment_queryset(*, user_id: uuid.UUID) -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.filter(user_id=user_id)
        .select_related("course", "course__category")
        .defer("updated_at", "last_activity_at", *(f"course__{name}" for name in SUMMARY_DEFERRED))
        .prefetch_related(
            Prefetch("course__instructor_links", queryset=_instructor_links(), to_attr="ordered_instructor_links")
        )
    )


def enrollments_of(*, user_id: uuid.UUID, cursor: str | None = None, limit: int | None = None) -> Page[EnrollmentView]:
    page = paginate_queryset(
        enrollment_queryset(user_id=user_id), cursor=cursor, limit=limit, to_item=lambda row: row, ordering=("-id",)
    )
    return Page(items=enrollment_views(page.items), next_cursor=page.next_cursor)
