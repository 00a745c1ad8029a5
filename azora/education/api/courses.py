"""Education API routes for courses: the catalogue, course pages, authoring, enrolment, lessons and progress."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from azora.accounts.public import request_user_id
from azora.education.errors import CourseNotFound, InvalidUpload
from azora.education.public import courses as education
from azora.education.schemas.courses import (
    AttachmentOut,
    CategoryOut,
    CourseCreateIn,
    CourseDetailOut,
    CoursePageOut,
    CourseSearchIn,
    CourseSummaryOut,
    CourseUpdateIn,
    EnrollmentOut,
    EnrollmentPageOut,
    LessonAuthorOut,
    LessonCompletionOut,
    LessonCreateIn,
    LessonOut,
    LessonUpdateIn,
    LessonVersionOut,
    ModuleCreateIn,
    ModuleOut,
    ModuleUpdateIn,
    ReorderIn,
    course_detail_json,
    course_page_json,
    enrollment_page_json,
)
from azora.shared.pagination import PageParams
from azora.shared.schemas import trusted_json

router = Router()

# Uploads larger than this are refused before they are read into memory (the services check exact limits).
MAX_UPLOAD_BYTES = 20 * 1024 * 1024

__all__ = ["AttachmentOut", "router"]


def _user_id(request: HttpRequest) -> uuid.UUID:
    """The signed-in user (session or JWT); API keys carry no education scope, so they are refused."""
    return request_user_id(request, scope="education")


def _read_upload(file: UploadedFile) -> bytes:
    if file.size is None or file.size > MAX_UPLOAD_BYTES:
        raise InvalidUpload(f"A file may be at most {MAX_UPLOAD_BYTES // (1024 * 1024)} MiB.")
    content: bytes = file.read()
    return content


# --- Catalogue ---


@router.get("/courses", response=CoursePageOut, summary="Search the catalogue (published courses)")
def course_list(request: HttpRequest, filters: Query[CourseSearchIn]) -> object:
    page = education.course_search(
        query=filters.q,
        level=filters.level,
        category=filters.category,
        language=filters.language,
        price=filters.price,
        sort=filters.sort,
        cursor=filters.cursor,
        limit=filters.limit,
        viewer_id=_user_id(request),
    )
    return trusted_json(request, course_page_json(page))


@router.get("/categories", response=list[CategoryOut], summary="Catalogue categories")
def category_list(request: HttpRequest) -> object:
    _user_id(request)
    return education.categories()


@router.get("/courses/{ref}", response=CourseDetailOut, summary="A course page, by slug (or id)")
def course_get(request: HttpRequest, ref: str) -> object:
    viewer_id = _user_id(request)
    try:
        course_id = uuid.UUID(ref)
    except ValueError:
        detail = education.course_detail(slug=ref, viewer_id=viewer_id)
    else:
        detail = education.course_detail_by_id(course_id=course_id, viewer_id=viewer_id)
    return trusted_json(request, course_detail_json(detail))


# --- Authoring ---


@router.post("/courses", response={201: CourseDetailOut}, summary="Create a draft course (instructors)")
def course_create(request: HttpRequest, payload: CourseCreateIn) -> Status[object]:
    fields = payload.model_dump()
    title = fields.pop("title")
    return Status(201, education.course_create(user_id=_user_id(request), title=title, **fields))


def _course_id(ref: str) -> uuid.UUID:
    try:
        return uuid.UUID(ref)
    except ValueError as error:
        raise CourseNotFound() from error


@router.patch("/courses/{ref}", response=CourseDetailOut, summary="Change a course (its instructors and admins)")
def course_update(request: HttpRequest, ref: str, payload: CourseUpdateIn) -> object:
    fields: dict[str, Any] = payload.model_dump(exclude_unset=True)
    return education.course_update(course_id=_course_id(ref), user_id=_user_id(request), **fields)


@router.post("/courses/{uuid:course_id}/cover", response=CourseDetailOut, summary="Upload the cover image")
def course_cover_set(request: HttpRequest, course_id: uuid.UUID, file: File[UploadedFile]) -> object:
    user_id = _user_id(request)
    content = _read_upload(file)
    return education.course_cover_set(course_id=course_id, user_id=user_id, filename=file.name or "", content=content)


@router.post("/courses/{uuid:course_id}/publish", response=CourseDetailOut, summary="Publish a draft course")
def course_publish(request: HttpRequest, course_id: uuid.UUID) -> object:
    return education.course_publish(course_id=course_id, user_id=_user_id(request))


@router.post("/courses/{uuid:course_id}/archive", response=CourseDetailOut, summary="Archive a published course")
def course_archive(request: HttpRequest, course_id: uuid.UUID) -> object:
    return education.course_archive(course_id=course_id, user_id=_user_id(request))


@router.get("/me/courses", response=list[CourseSummaryOut], summary="Courses the caller teaches")
def courses_taught(request: HttpRequest) -> object:
    return education.courses_taught_by(user_id=_user_id(request))


@router.post("/courses/{uuid:course_id}/modules", response={201: ModuleOut}, summary="Add a module")
def module_create(request: HttpRequest, course_id: uuid.UUID, payload: ModuleCreateIn) -> Status[object]:
    module = education.module_create(
        course_id=course_id, user_id=_user_id(request), title=payload.title, summary=payload.summary
    )
    return Status(201, module)


@router.post("/courses/{uuid:course_id}/modules/reorder", response=list[ModuleOut], summary="Reorder modules")
def module_reorder(request: HttpRequest, course_id: uuid.UUID, payload: ReorderIn) -> object:
    return education.module_reorder(course_id=course_id, user_id=_user_id(request), module_ids=payload.ids)


@router.patch("/modules/{uuid:module_id}", response=ModuleOut, summary="Change a module")
def module_update(request: HttpRequest, module_id: uuid.UUID, payload: ModuleUpdateIn) -> object:
    fields: dict[str, Any] = payload.model_dump(exclude_unset=True)
    return education.module_update(module_id=module_id, user_id=_user_id(request), **fields)


@router.delete("/modules/{uuid:module_id}", response={204: None}, summary="Delete a module and its lessons")
def module_delete(request: HttpRequest, module_id: uuid.UUID) -> Status[None]:
    education.module_delete(module_id=module_id, user_id=_user_id(request))
    return Status(204, None)


@router.post("/modules/{uuid:module_id}/lessons", response={201: LessonAuthorOut}, summary="Add a lesson")
def lesson_create(request: HttpRequest, module_id: uuid.UUID, payload: LessonCreateIn) -> Status[object]:
    fields = payload.model_dump()
    title = fields.pop("title")
    return Status(201, education.lesson_create(module_id=module_id, user_id=_user_id(request), title=title, **fields))


@router.post("/modules/{uuid:module_id}/lessons/reorder", response=list[LessonAuthorOut], summary="Reorder lessons")
def lesson_reorder(request: HttpRequest, module_id: uuid.UUID, payload: ReorderIn) -> object:
    return education.lesson_reorder(module_id=module_id, user_id=_user_id(request), lesson_ids=payload.ids)


@router.get("/lessons/{uuid:lesson_id}/source", response=LessonAuthorOut, summary="A lesson's Markdown (editors)")
def lesson_source(request: HttpRequest, lesson_id: uuid.UUID) -> object:
    return education.lesson_for_author(lesson_id=lesson_id, user_id=_user_id(request))


@router.patch("/lessons/{uuid:lesson_id}", response=LessonAuthorOut, summary="Change a lesson (versions kept)")
def lesson_update(request: HttpRequest, lesson_id: uuid.UUID, payload: LessonUpdateIn) -> object:
    fields: dict[str, Any] = payload.model_dump(exclude_unset=True)
    return education.lesson_update(lesson_id=lesson_id, user_id=_user_id(request), **fields)


@router.delete("/lessons/{uuid:lesson_id}", response={204: None}, summary="Delete a lesson")
def lesson_delete(request: HttpRequest, lesson_id: uuid.UUID) -> Status[None]:
    education.lesson_delete(lesson_id=lesson_id, user_id=_user_id(request))
    return Status(204, None)


@router.get("/lessons/{uuid:lesson_id}/versions", response=list[LessonVersionOut], summary="A lesson's history")
def lesson_versions(request: HttpRequest, lesson_id: uuid.UUID) -> object:
    return education.lesson_versions(lesson_id=lesson_id, user_id=_user_id(request))


@router.post(
    "/lessons/{uuid:lesson_id}/attachments", response={201: LessonAuthorOut}, summary="Attach a downloadable file"
)
def lesson_attachment_add(request: HttpRequest, lesson_id: uuid.UUID, file: File[UploadedFile]) -> Status[object]:
    user_id = _user_id(request)
    content = _read_upload(file)
    lesson = education.lesson_attachment_add(
        lesson_id=lesson_id, user_id=user_id, filename=file.name or "", content=content
    )
    return Status(201, lesson)


# --- Enrolment and learning ---


@router.post(
    "/courses/{uuid:course_id}/enrollments",
    response={200: EnrollmentOut, 201: EnrollmentOut},
    summary="Enrol in a free published course (201 new, 200 already enrolled)",
)
def enrollment_create(request: HttpRequest, course_id: uuid.UUID) -> Status[object]:
    enrollment = education.enrollment_create(course_id=course_id, user_id=_user_id(request), source="self")
    return Status(201 if enrollment.created else 200, enrollment)


@router.get("/me/enrollments", response=EnrollmentPageOut, summary="The caller's enrolments with progress")
def my_enrollments(request: HttpRequest, page: Query[PageParams]) -> object:
    enrollments = education.enrollments_of(user_id=_user_id(request), cursor=page.cursor, limit=page.limit)
    return trusted_json(request, enrollment_page_json(enrollments))


@router.get("/lessons/{uuid:lesson_id}", response=LessonOut, summary="A lesson (enrolled learners and editors)")
def lesson_get(request: HttpRequest, lesson_id: uuid.UUID) -> object:
    return education.lesson_for_learner(lesson_id=lesson_id, user_id=_user_id(request))


@router.post("/lessons/{uuid:lesson_id}/complete", response=LessonCompletionOut, summary="Mark a lesson done")
def lesson_complete(request: HttpRequest, lesson_id: uuid.UUID) -> object:
    return education.lesson_complete(lesson_id=lesson_id, user_id=_user_id(request))
