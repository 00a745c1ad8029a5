"""The write side of course authoring: courses, covers, publication, modules, lessons, versions and attachments.

Each function checks who may do it, validates everything before the first write, and owns its transaction, so a
refused request leaves nothing behind.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import get_valid_filename, slugify

from azora.accounts.public import organisation_role_of, user_has_platform_role
from azora.education.errors import (
    CourseHasNoLessons,
    CourseNotFound,
    CourseSlugTaken,
    CourseStatusTransitionInvalid,
    CoverImageTooLarge,
    InvalidInstructor,
    InvalidOrder,
    InvalidPrerequisite,
    InvalidUpload,
    InvalidVideoUrl,
    LessonHasProgress,
    LessonNotFound,
    ModuleNotFound,
    UnknownCategory,
)
from azora.education.images import cover_files_from_upload, cover_folder_paths, cover_variant_paths
from azora.education.markdown import render_lesson_markdown
from azora.education.models import (
    Category,
    Course,
    CourseInstructor,
    CourseLevel,
    CourseStatus,
    Lesson,
    LessonAttachment,
    LessonProgress,
    LessonVersion,
    Module,
)
from azora.education.outline_cache import outline_changed
from azora.education.public.courses import CategoryView, CourseDetail, LessonAuthorView, ModuleView
from azora.education.selectors.courses import (
    attachment_view,
    course_detail,
    may_edit_loaded_course,
    visible_course_queryset,
)
from azora.shared.errors import PermissionDenied, ValidationFailed
from azora.shared.ids import uuid7

__all__ = [
    "category_ensure",
    "course_archive",
    "course_cover_set",
    "course_cover_variants_create",
    "course_create",
    "course_publish",
    "course_update",
    "lesson_attachment_add",
    "lesson_create",
    "lesson_delete",
    "lesson_for_author",
    "lesson_reorder",
    "lesson_update",
    "module_create",
    "module_delete",
    "module_reorder",
    "module_update",
]

# Organisation roles that may create courses in their organisation, and that count as instructors there.
ORGANISATION_AUTHOR_ROLES = frozenset({"owner", "admin", "instructor"})
MAX_TAGS = 20
MAX_TAG_LENGTH = 40
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_LESSON_MARKDOWN = 200_000
# Attachments: extension -> content type; the file's first bytes must fit the type where it has a signature.
ATTACHMENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "txt": "text/plain",
    "md": "text/markdown",
    "csv": "text/csv",
    "zip": "application/zip",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
ATTACHMENT_SIGNATURES: dict[str, bytes] = {
    "pdf": b"%PDF-",
    "zip": b"PK\x03\x04",
    "docx": b"PK\x03\x04",
    "xlsx": b"PK\x03\x04",
    "pptx": b"PK\x03\x04",
    "png": b"\x89PNG\r\n\x1a\n",
    "jpg": b"\xff\xd8\xff",
    "jpeg": b"\xff\xd8\xff",
}
COURSE_FIELDS = frozenset(
    {
        "title", "slug", "summary", "description", "language", "level", "category", "tags", "estimated_hours",
        "instructor_ids", "prerequisite_ids", "is_paid",
    }
)  # fmt: skip
LESSON_FIELDS = frozenset({"title", "body_markdown", "video_url", "estimated_minutes", "is_required", "module_id"})
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, extra={"errors": [{"field": field, "message": message}]})


# --- Permissions ---


def _editable_course(*, course_id: uuid.UUID, user_id: uuid.UUID, lock: bool = False) -> Course:
    """The course, when `user_id` may edit it: NotFound if they may not even see it, PermissionDenied otherwise."""
    queryset = Course.objects.select_for_update() if lock else Course.objects.all()
    course = queryset.filter(pk=course_id).first()
    if course is None:
        raise CourseNotFound()
    instructor_ids = CourseInstructor.objects.filter(course_id=course_id).values_list("user_id", flat=True)
    if may_edit_loaded_course(user_id=user_id, course=course, instructor_ids=instructor_ids):
        return course
    if visible_course_queryset(viewer_id=user_id).filter(pk=course_id).exists():
        raise PermissionDenied("Only the course's instructors and its organisation's admins may change it.")
    raise CourseNotFound()


def _may_author_in(*, user_id: uuid.UUID, organisation_id: uuid.UUID | None) -> bool:
    if user_has_platform_role(user_id=user_id, role="platform_admin"):
        return True
    if organisation_id is not None:
        return organisation_role_of(user_id=user_id, organisation_id=organisation_id) in ORGANISATION_AUTHOR_ROLES
    return user_has_platform_role(user_id=user_id, role="instructor")


def _is_instructor(*, user_id: uuid.UUID, organisation_id: uuid.UUID | None) -> bool:
    if user_has_platform_role(user_id=user_id, role="instructor"):
        return True
    if organisation_id is None:
        return False
    return organisation_role_of(user_id=user_id, organisation_id=organisation_id) in ORGANISATION_AUTHOR_ROLES


# --- Field validation (everything is checked before anything is written) ---


def _clean_text(field: str, value: Any, *, max_length: int, required: bool = False) -> str:
    if not isinstance(value, str):
        raise _invalid(field, f"{field} must be text.")
    text: str = value.strip()
    if required and not text:
        raise _invalid(field, f"{field} must not be empty.")
    if len(text) > max_length:
        raise _invalid(field, f"{field} must be at most {max_length} characters.")
    return text


def _clean_slug(value: Any) -> str:
    slug = _clean_text("slug", value, max_length=120, required=True)
    if not _SLUG.match(slug):
        raise _invalid("slug", "slug may hold only lower-case letters, digits and single hyphens.")
    return slug


def _unique_slug_from(title: str) -> str:
    base = (slugify(title) or "course")[:100].strip("-") or "course"
    slug = base
    while Course.objects.filter(slug=slug).exists():
        slug = f"{base}-{uuid7().hex[-6:]}"
    return slug


def _clean_tags(value: Any) -> list[str]:
    if not isinstance(value, list | tuple) or len(value) > MAX_TAGS:
        raise _invalid("tags", f"tags must be a list of at most {MAX_TAGS} words.")
    tags: list[str] = []
    for tag in value:
        cleaned = _clean_text("tags", tag, max_length=MAX_TAG_LENGTH, required=True).lower()
        if cleaned not in tags:
            tags.append(cleaned)
    return tags


def _clean_hours(value: Any) -> Decimal:
    try:
        hours = Decimal(str(value))
    except InvalidOperation as error:
        raise _invalid("estimated_hours", "estimated_hours must be a number.") from error
    if not hours.is_finite() or hours < 0 or hours > 9999:
        raise _invalid("estimated_hours", "estimated_hours must be between 0 and 9999.")
    return hours.quantize(Decimal("0.1"))


def _clean_course_fields(fields: dict[str, Any], *, organisation_id: uuid.UUID | None) -> dict[str, Any]:
    """Validated model values for the given course fields (relations under their own keys)."""
    unknown = set(fields) - COURSE_FIELDS
    if unknown:
        raise _invalid(sorted(unknown)[0], f"Unknown course field: {sorted(unknown)[0]}.")
    cleaned: dict[str, Any] = {}
    if "title" in fields:
        cleaned["title"] = _clean_text("title", fields["title"], max_length=200, required=True)
    if "slug" in fields and fields["slug"] is not None:
        cleaned["slug"] = _clean_slug(fields["slug"])
    if "summary" in fields:
        cleaned["summary"] = _clean_text("summary", fields["summary"], max_length=500)
    if "description" in fields:
        cleaned["description"] = _clean_text("description", fields["description"], max_length=50_000)
    if "language" in fields:
        language = _clean_text("language", fields["language"], max_length=16, required=True)
        if not _LANGUAGE.match(language):
            raise _invalid("language", "language must be a language code such as en or pt-BR.")
        cleaned["language"] = language
    if "level" in fields:
        if fields["level"] not in CourseLevel.values:
            raise _invalid("level", f"level must be one of {', '.join(CourseLevel.values)}.")
        cleaned["level"] = fields["level"]
    if "category" in fields:
        slug = fields["category"]
        if slug in (None, ""):
            cleaned["category"] = None
        else:
            category = Category.objects.filter(slug=slug).first()
            if category is None:
                raise UnknownCategory(extra={"errors": [{"field": "category", "message": "No such category."}]})
            cleaned["category"] = category
    if "tags" in fields:
        cleaned["tags"] = _clean_tags(fields["tags"])
    if "estimated_hours" in fields:
        cleaned["estimated_hours"] = _clean_hours(fields["estimated_hours"])
    if "is_paid" in fields:
        if not isinstance(fields["is_paid"], bool):
            raise _invalid("is_paid", "is_paid must be true or false.")
        cleaned["is_paid"] = fields["is_paid"]
    if "instructor_ids" in fields:
        instructor_ids = list(dict.fromkeys(fields["instructor_ids"] or ()))
        for instructor_id in instructor_ids:
            if not _is_instructor(user_id=instructor_id, organisation_id=organisation_id):
                raise InvalidInstructor(extra={"instructor_id": str(instructor_id)})
        cleaned["instructor_ids"] = instructor_ids
    if "prerequisite_ids" in fields:
        prerequisite_ids = list(dict.fromkeys(fields["prerequisite_ids"] or ()))
        found = set(Course.objects.filter(pk__in=prerequisite_ids).values_list("pk", flat=True))
        missing = [p for p in prerequisite_ids if p not in found]
        if missing:
            raise InvalidPrerequisite(extra={"prerequisite_id": str(missing[0])})
        cleaned["prerequisite_ids"] = prerequisite_ids
    return cleaned


def _check_no_prerequisite_cycle(course_id: uuid.UUID, prerequisite_ids: Sequence[uuid.UUID]) -> None:
    """A course may not (even indirectly) be its own prerequisite."""
    through = Course.prerequisites.through
    frontier = set(prerequisite_ids)
    seen: set[uuid.UUID] = set()
    while frontier:
        if course_id in frontier:
            raise InvalidPrerequisite("A course cannot depend on itself, directly or through other courses.")
        seen |= frontier
        frontier = (
            set(through.objects.filter(from_course_id__in=frontier).values_list("to_course_id", flat=True)) - seen
        )


def _set_instructors(course: Course, instructor_ids: Sequence[uuid.UUID]) -> None:
    CourseInstructor.objects.filter(course=course).exclude(user_id__in=instructor_ids).delete()
    existing = {link.user_id: link for link in CourseInstructor.objects.filter(course=course)}
    for position, user_id in enumerate(instructor_ids):
        link = existing.get(user_id)
        if link is None:
            CourseInstructor.objects.create(course=course, user_id=user_id, position=position)
        elif link.position != position:
            link.position = position
            link.save(update_fields=["position", "updated_at"])


# --- Courses ---


def category_ensure(*, slug: str, name: str) -> CategoryView:
    slug = _clean_slug(slug)
    name = _clean_text("name", name, max_length=120, required=True)
    category, _ = Category.objects.get_or_create(slug=slug, defaults={"name": name})
    return CategoryView(id=category.id, name=category.name, slug=category.slug)


def course_create(
    *, user_id: uuid.UUID, title: str, organisation_id: uuid.UUID | None = None, **fields: Any
) -> CourseDetail:
    """A draft course taught by its creator first, then the other `instructor_ids`."""
    if not _may_author_in(user_id=user_id, organisation_id=organisation_id):
        raise PermissionDenied("Creating courses needs the instructor role (on the platform or in the organisation).")
    fields = {**fields, "title": title}
    fields["instructor_ids"] = [user_id, *[i for i in fields.get("instructor_ids") or () if i != user_id]]
    cleaned = _clean_course_fields(fields, organisation_id=organisation_id)
    instructor_ids = cleaned.pop("instructor_ids")
    prerequisite_ids = cleaned.pop("prerequisite_ids", [])
    slug = cleaned.pop("slug", None)
    if slug is not None and Course.objects.filter(slug=slug).exists():
        raise CourseSlugTaken(extra={"errors": [{"field": "slug", "message": "This slug is taken."}]})
    try:
        with transaction.atomic():
            course = Course.objects.create(
                organisation_id=organisation_id,
                created_by_id=user_id,
                slug=slug or _unique_slug_from(cleaned["title"]),
                **cleaned,
            )
            _set_instructors(course, instructor_ids)
            course.prerequisites.set(prerequisite_ids)
    except IntegrityError as error:  # a concurrent request took the slug between the check and the insert
        raise CourseSlugTaken() from error
    return course_detail(course_id=course.id, viewer_id=user_id)


def course_update(*, course_id: uuid.UUID, user_id: uuid.UUID, **fields: Any) -> CourseDetail:
    course = _editable_course(course_id=course_id, user_id=user_id)
    if "instructor_ids" in fields and not fields["instructor_ids"]:
        raise _invalid("instructor_ids", "A course needs at least one instructor.")
    cleaned = _clean_course_fields(fields, organisation_id=course.organisation_id)
    instructor_ids = cleaned.pop("instructor_ids", None)
    prerequisite_ids = cleaned.pop("prerequisite_ids", None)
    if prerequisite_ids is not None:
        _check_no_prerequisite_cycle(course.id, prerequisite_ids)
    if "slug" in cleaned and Course.objects.filter(slug=cleaned["slug"]).exclude(pk=course.id).exists():
        raise CourseSlugTaken(extra={"errors": [{"field": "slug", "message": "This slug is taken."}]})
    try:
        with transaction.atomic():
            course = Course.objects.select_for_update().get(pk=course.id)
            for name, value in cleaned.items():
                setattr(course, name, value)
            course.save()
            if instructor_ids is not None:
                _set_instructors(course, instructor_ids)
            if prerequisite_ids is not None:
                course.prerequisites.set(prerequisite_ids)
    except IntegrityError as error:
        raise CourseSlugTaken() from error
    return course_detail(course_id=course.id, viewer_id=user_id)


def _cover_save(*, course_id: uuid.UUID, content: bytes) -> str:
    """Decode and store one upload as a cover folder; returns the original's path. Nothing is stored when refused."""
    files = cover_files_from_upload(content)
    folder = f"education/covers/{course_id}/{uuid7().hex}"
    paths = cover_folder_paths(folder, files.extension)
    stored: list[str] = []
    try:
        # The folder name is new and random, so the storage keeps these exact names (no suffix is added).
        stored.append(default_storage.save(paths["original"], ContentFile(files.original)))
        for name, data in files.variants.items():
            stored.append(default_storage.save(paths[name], ContentFile(data)))
    except Exception:
        for path in stored:
            default_storage.delete(path)
        raise
    return stored[0]


def _cover_delete(path: str) -> None:
    """Remove a stored cover: the original and, for the folder layout, its variants."""
    for variant in (cover_variant_paths(path) or {}).values():
        default_storage.delete(variant)
    default_storage.delete(path)


def course_cover_set(*, course_id: uuid.UUID, user_id: uuid.UUID, filename: str, content: bytes) -> CourseDetail:
    """Store the cover and its WebP variants through Django's storage API; the previous one goes after commit."""
    _editable_course(course_id=course_id, user_id=user_id)
    path = _cover_save(course_id=course_id, content=content)
    try:
        with transaction.atomic():
            course = Course.objects.select_for_update().get(pk=course_id)
            previous = course.cover_image
            course.cover_image = path
            course.save(update_fields=["cover_image", "updated_at"])
            if previous:
                transaction.on_commit(lambda: _cover_delete(previous))
    except Exception:
        _cover_delete(path)
        raise
    return course_detail(course_id=course_id, viewer_id=user_id)


def course_cover_variants_create() -> dict[str, int]:
    """Give every cover stored before variants existed its folder and variants. Safe to run again.

    Returns counts: `created` (moved to the folder layout), `skipped` (already there), `failed` (the stored file is
    missing or no longer decodes; the course keeps its single-file cover, which pages still show).
    """
    counts = {"created": 0, "skipped": 0, "failed": 0}
    rows = Course.objects.exclude(cover_image="").order_by("pk").values_list("pk", "cover_image")
    for course_id, old_path in rows:
        if cover_variant_paths(old_path) is not None:
            counts["skipped"] += 1
            continue
        try:
            with default_storage.open(old_path, "rb") as handle:
                content = handle.read()
            new_path = _cover_save(course_id=course_id, content=content)
        except (OSError, InvalidUpload, CoverImageTooLarge):
            counts["failed"] += 1
            continue
        with transaction.atomic():
            # Only if no one uploaded a new cover meanwhile; otherwise the new folder is not needed.
            moved = Course.objects.filter(pk=course_id, cover_image=old_path).update(cover_image=new_path)
            if moved:
                transaction.on_commit(partial(default_storage.delete, old_path))
        if moved:
            counts["created"] += 1
        else:
            _cover_delete(new_path)
            counts["skipped"] += 1
    return counts


def course_publish(*, course_id: uuid.UUID, user_id: uuid.UUID) -> CourseDetail:
    """draft -> published; needs at least one lesson. Publishing a published course changes nothing."""
    with transaction.atomic():
        course = _editable_course(course_id=course_id, user_id=user_id, lock=True)
        if course.status == CourseStatus.ARCHIVED:
            raise CourseStatusTransitionInvalid("An archived course cannot be published again.")
        if course.status == CourseStatus.DRAFT:
            if not Lesson.objects.filter(course=course).exists():
                raise CourseHasNoLessons()
            course.status = CourseStatus.PUBLISHED
            course.published_at = timezone.now()
            course.save(update_fields=["status", "published_at", "updated_at"])
    return course_detail(course_id=course_id, viewer_id=user_id)


def course_archive(*, course_id: uuid.UUID, user_id: uuid.UUID) -> CourseDetail:
    """published -> archived: gone from the catalogue, still readable by its enrolled learners."""
    with transaction.atomic():
        course = _editable_course(course_id=course_id, user_id=user_id, lock=True)
        if course.status == CourseStatus.DRAFT:
            raise CourseStatusTransitionInvalid("A draft course is not published, so it cannot be archived.")
        if course.status == CourseStatus.PUBLISHED:
            course.status = CourseStatus.ARCHIVED
            course.archived_at = timezone.now()
            course.save(update_fields=["status", "archived_at", "updated_at"])
    return course_detail(course_id=course_id, viewer_id=user_id)


# --- Modules ---


def _module_view(module: Module) -> ModuleView:
    return ModuleView(
        id=module.id, course_id=module.course_id, title=module.title, summary=module.summary,
        position=module.position, lessons=(),
    )  # fmt: skip


def _editable_module(*, module_id: uuid.UUID, user_id: uuid.UUID) -> Module:
    module = Module.objects.filter(pk=module_id).first()
    if module is None:
        raise ModuleNotFound()
    try:
        _editable_course(course_id=module.course_id, user_id=user_id)
    except CourseNotFound as error:
        raise ModuleNotFound() from error
    return module


def module_create(*, course_id: uuid.UUID, user_id: uuid.UUID, title: str, summary: str = "") -> ModuleView:
    course = _editable_course(course_id=course_id, user_id=user_id)
    title = _clean_text("title", title, max_length=200, required=True)
    summary = _clean_text("summary", summary, max_length=500)
    with transaction.atomic():
        Course.objects.select_for_update().filter(pk=course.id).first()  # serialises positions per course
        last = Module.objects.filter(course=course).aggregate(last=Max("position"))["last"]
        module = Module.objects.create(
            course=course, title=title, summary=summary, position=0 if last is None else last + 1
        )
    return _module_view(module)


def module_update(*, module_id: uuid.UUID, user_id: uuid.UUID, **fields: Any) -> ModuleView:
    module = _editable_module(module_id=module_id, user_id=user_id)
    unknown = set(fields) - {"title", "summary"}
    if unknown:
        raise _invalid(sorted(unknown)[0], f"Unknown module field: {sorted(unknown)[0]}.")
    if "title" in fields:
        module.title = _clean_text("title", fields["title"], max_length=200, required=True)
    if "summary" in fields:
        module.summary = _clean_text("summary", fields["summary"], max_length=500)
    module.save()
    return _module_view(module)


def _refuse_if_learners_progressed(lesson_ids: Any) -> None:
    if LessonProgress.objects.filter(lesson_id__in=lesson_ids).exists():
        raise LessonHasProgress()


def module_delete(*, module_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """Delete a module and its lessons, unless a learner completed one of them (their progress would be lost)."""
    module = _editable_module(module_id=module_id, user_id=user_id)
    with transaction.atomic():
        _refuse_if_learners_progressed(Lesson.objects.filter(module=module).values("id"))
        module.delete()


def _reorder[T: (Module, Lesson)](items: list[T], ordered_ids: Sequence[uuid.UUID]) -> list[T]:
    by_id = {item.id: item for item in items}
    if len(ordered_ids) != len(by_id) or set(ordered_ids) != set(by_id):
        raise InvalidOrder(extra={"expected_count": len(by_id)})
    reordered = [by_id[item_id] for item_id in ordered_ids]
    for position, item in enumerate(reordered):
        item.position = position
    return reordered


def module_reorder(*, course_id: uuid.UUID, user_id: uuid.UUID, module_ids: Sequence[uuid.UUID]) -> list[ModuleView]:
    course = _editable_course(course_id=course_id, user_id=user_id)
    with transaction.atomic():
        modules = _reorder(list(Module.objects.select_for_update().filter(course=course)), module_ids)
        Module.objects.bulk_update(modules, ["position"])
        outline_changed(course.id)  # bulk_update sends no signals
    return [_module_view(module) for module in modules]


# --- Lessons ---


def _lesson_view(lesson: Lesson) -> LessonAuthorView:
    return LessonAuthorView(
        id=lesson.id,
        course_id=lesson.course_id,
        module_id=lesson.module_id,
        title=lesson.title,
        body_markdown=lesson.body_markdown,
        body_html=lesson.body_html,
        video_url=lesson.video_url,
        estimated_minutes=lesson.estimated_minutes,
        is_required=lesson.is_required,
        position=lesson.position,
        version=lesson.version,
        updated_at=lesson.updated_at,
        attachments=tuple(attachment_view(a) for a in lesson.attachments.order_by("id")),
    )


def _editable_lesson(*, lesson_id: uuid.UUID, user_id: uuid.UUID) -> Lesson:
    lesson = Lesson.objects.select_related("course").filter(pk=lesson_id).first()
    if lesson is None:
        raise LessonNotFound()
    try:
        _editable_course(course_id=lesson.course_id, user_id=user_id)
    except CourseNotFound as error:
        raise LessonNotFound() from error
    return lesson


def lesson_for_author(*, lesson_id: uuid.UUID, user_id: uuid.UUID) -> LessonAuthorView:
    """Reads nothing a learner cannot see, but lives here beside the other editor-only lesson access."""
    return _lesson_view(_editable_lesson(lesson_id=lesson_id, user_id=user_id))


def _clean_video_url(value: Any) -> str:
    url = _clean_text("video_url", value, max_length=500)
    if not url:
        return ""
    try:
        URLValidator(schemes=["https"])(url)
    except DjangoValidationError as error:
        raise InvalidVideoUrl(extra={"errors": [{"field": "video_url", "message": "Use an https:// URL."}]}) from error
    return url


def _clean_minutes(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10_000:
        raise _invalid("estimated_minutes", "estimated_minutes must be a whole number from 0 to 10000.")
    return value


def _clean_lesson_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - LESSON_FIELDS
    if unknown:
        raise _invalid(sorted(unknown)[0], f"Unknown lesson field: {sorted(unknown)[0]}.")
    cleaned: dict[str, Any] = {}
    if "title" in fields:
        cleaned["title"] = _clean_text("title", fields["title"], max_length=200, required=True)
    if "body_markdown" in fields:
        if not isinstance(fields["body_markdown"], str) or len(fields["body_markdown"]) > MAX_LESSON_MARKDOWN:
            raise _invalid("body_markdown", f"body_markdown must be text of at most {MAX_LESSON_MARKDOWN} characters.")
        cleaned["body_markdown"] = fields["body_markdown"]
        cleaned["body_html"] = render_lesson_markdown(fields["body_markdown"])
    if "video_url" in fields:
        cleaned["video_url"] = _clean_video_url(fields["video_url"])
    if "estimated_minutes" in fields:
        cleaned["estimated_minutes"] = _clean_minutes(fields["estimated_minutes"])
    if "is_required" in fields:
        if not isinstance(fields["is_required"], bool):
            raise _invalid("is_required", "is_required must be true or false.")
        cleaned["is_required"] = fields["is_required"]
    return cleaned


def lesson_create(*, module_id: uuid.UUID, user_id: uuid.UUID, title: str, **fields: Any) -> LessonAuthorView:
    module = _editable_module(module_id=module_id, user_id=user_id)
    cleaned = _clean_lesson_fields({**fields, "title": title})
    if "module_id" in cleaned:
        raise _invalid("module_id", "Create the lesson in its module.")
    with transaction.atomic():
        Course.objects.select_for_update().filter(pk=module.course_id).first()  # serialises positions per course
        last = Lesson.objects.filter(module=module).aggregate(last=Max("position"))["last"]
        lesson = Lesson.objects.create(
            course_id=module.course_id, module=module, position=0 if last is None else last + 1, **cleaned
        )
    return _lesson_view(lesson)


def lesson_update(*, lesson_id: uuid.UUID, user_id: uuid.UUID, **fields: Any) -> LessonAuthorView:
    """Change a lesson; in a published (or archived) course the state before the edit is kept as a version."""
    lesson = _editable_lesson(lesson_id=lesson_id, user_id=user_id)
    target_module_id = fields.pop("module_id", None)
    cleaned = _clean_lesson_fields(fields)
    target_module = None
    if target_module_id is not None and target_module_id != lesson.module_id:
        target_module = Module.objects.filter(pk=target_module_id, course_id=lesson.course_id).first()
        if target_module is None:
            raise _invalid("module_id", "The module must belong to the same course.")
    with transaction.atomic():
        lesson = Lesson.objects.select_for_update().select_related("course").get(pk=lesson.id)
        changed = {name: value for name, value in cleaned.items() if getattr(lesson, name) != value}
        if not changed and target_module is None:
            return _lesson_view(lesson)
        if lesson.course.status != CourseStatus.DRAFT and changed:
            LessonVersion.objects.create(
                lesson=lesson,
                version=lesson.version,
                title=lesson.title,
                body_markdown=lesson.body_markdown,
                video_url=lesson.video_url,
                estimated_minutes=lesson.estimated_minutes,
                edited_by_id=user_id,
            )
            lesson.version += 1
        for name, value in changed.items():
            setattr(lesson, name, value)
        if target_module is not None:
            last = Lesson.objects.filter(module=target_module).aggregate(last=Max("position"))["last"]
            lesson.module = target_module
            lesson.position = 0 if last is None else last + 1
        lesson.save()
    return _lesson_view(lesson)


def lesson_delete(*, lesson_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """Delete a lesson, unless a learner completed it (their progress would be lost)."""
    lesson = _editable_lesson(lesson_id=lesson_id, user_id=user_id)
    with transaction.atomic():
        _refuse_if_learners_progressed([lesson.id])
        lesson.delete()


def lesson_reorder(
    *, module_id: uuid.UUID, user_id: uuid.UUID, lesson_ids: Sequence[uuid.UUID]
) -> list[LessonAuthorView]:
    module = _editable_module(module_id=module_id, user_id=user_id)
    with transaction.atomic():
        lessons = _reorder(list(Lesson.objects.select_for_update().filter(module=module)), lesson_ids)
        Lesson.objects.bulk_update(lessons, ["position"])
        outline_changed(module.course_id)  # bulk_update sends no signals
    return [_lesson_view(lesson) for lesson in lessons]


def _attachment_type(filename: str, content: bytes) -> tuple[str, str]:
    """(safe file name, content type) of an accepted attachment; InvalidUpload otherwise."""
    name = get_valid_filename(filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1])[:150]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ATTACHMENT_TYPES:
        raise InvalidUpload(f"Attachments may be: {', '.join(sorted(ATTACHMENT_TYPES))}.")
    if len(content) == 0 or len(content) > MAX_ATTACHMENT_BYTES:
        raise InvalidUpload(f"An attachment must be between 1 byte and {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MiB.")
    signature = ATTACHMENT_SIGNATURES.get(extension)
    if signature is not None and not content.startswith(signature):
        raise InvalidUpload(f"The file's content is not a .{extension} file.")
    if signature is None and b"\x00" in content[:4096]:
        raise InvalidUpload(f"A .{extension} attachment must be text.")
    return name, ATTACHMENT_TYPES[extension]


def lesson_attachment_add(
    *, lesson_id: uuid.UUID, user_id: uuid.UUID, filename: str, content: bytes
) -> LessonAuthorView:
    lesson = _editable_lesson(lesson_id=lesson_id, user_id=user_id)
    name, content_type = _attachment_type(filename, content)
    path = default_storage.save(f"education/attachments/{lesson.id}/{uuid7().hex}/{name}", ContentFile(content))
    try:
        with transaction.atomic():
            LessonAttachment.objects.create(
                lesson=lesson, name=name, storage_path=path, content_type=content_type, size_bytes=len(content)
            )
    except Exception:
        default_storage.delete(path)
        raise
    return _lesson_view(lesson)
