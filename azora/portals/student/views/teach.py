"""The instructor area: my courses, course details, modules and lessons (Markdown with preview), order, status."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import azora.accounts.public as accounts
import azora.education.public as education
from azora.portals.student.forms import AttachmentForm, CourseForm, LessonForm, ModuleForm, MoveForm
from azora.portals.student.views.common import (
    INVALID,
    HtmxRequest,
    add_domain_error,
    domain_errors_as_http,
    render_page,
    user_id_of,
)
from azora.shared.errors import DomainError, NotFound


def editable_course(request: HtmxRequest, course_id: uuid.UUID) -> education.CourseDetail:
    """The course if the signed-in person may edit it; a 404 otherwise (as for a course that does not exist)."""
    course = education.course_detail_by_id(course_id=course_id, viewer_id=user_id_of(request))
    if not course.viewer_may_edit:
        raise Http404
    return course


def module_of(course: education.CourseDetail, module_id: uuid.UUID) -> education.ModuleView:
    for module in course.modules:
        if module.id == module_id:
            return module
    raise Http404


def lesson_of(
    course: education.CourseDetail, lesson_id: uuid.UUID
) -> tuple[education.ModuleView, education.LessonOutline]:
    for module in course.modules:
        for lesson in module.lessons:
            if lesson.id == lesson_id:
                return module, lesson
    raise Http404


def moved(ids: list[uuid.UUID], item_id: uuid.UUID, direction: str) -> list[uuid.UUID]:
    """The order after moving one item a place up or down (unchanged at either end)."""
    index = ids.index(item_id)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(ids):
        ids[index], ids[target] = ids[target], ids[index]
    return ids


# The Education service's names for the course form's fields.
COURSE_FIELD_ALIASES = {
    "prerequisite_ids": "prerequisites",
    "code:invalid_prerequisite": "prerequisites",
    "instructor_ids": "instructors",
    "code:invalid_instructor": "instructors",
}


def prerequisite_ids(form: CourseForm, user_id: uuid.UUID) -> list[uuid.UUID] | None:
    """The ids of the courses the form names as prerequisites; None (with the error on the field) if one is unknown."""
    ids = []
    for slug in form.cleaned_data["prerequisites"]:
        try:
            ids.append(education.course_detail(slug=slug, viewer_id=user_id).id)
        except NotFound:
            form.add_error("prerequisites", _("There is no course at /courses/%(slug)s/.") % {"slug": slug})
            return None
    return ids


def instructor_ids(form: CourseForm) -> list[uuid.UUID] | None:
    """The ids of the people the form names as instructors; None (with the error on the field) if one is unknown."""
    ids = []
    for email in form.cleaned_data["instructors"]:
        user_id = accounts.active_user_id_by_email(email=email)
        if user_id is None:
            form.add_error(
                "instructors", _("Nobody has an Azora account with the address %(email)s.") % {"email": email}
            )
            return None
        ids.append(user_id)
    return ids


def _instructor_emails(course: education.CourseDetail) -> str:
    return "\n".join(accounts.user_profile(user_id=person.user_id).email for person in course.course.instructors)


def _category_choices() -> list[tuple[str, str]]:
    return [(category.slug, category.name) for category in education.categories()]


# --- My courses, a new course, course details ---------------------------------------------------------


@login_required
@require_GET
def teach_home(request: HtmxRequest) -> HttpResponse:
    courses = education.courses_taught_by(user_id=user_id_of(request))
    return render_page(request, "student/teach/home.html", {"courses": courses})


@login_required
@require_http_methods(["GET", "POST"])
def course_new(request: HtmxRequest) -> HttpResponse:
    if request.method == "GET":
        form = CourseForm(initial={"level": "beginner", "language": "en"}, categories=_category_choices())
        return render_page(request, "student/teach/course_form.html", {"form": form})
    form = CourseForm(request.POST, categories=_category_choices())
    if form.is_valid() and (prerequisites := prerequisite_ids(form, user_id_of(request))) is not None:
        fields = form.course_fields()
        title = str(fields.pop("title"))
        try:
            course = education.course_create(
                user_id=user_id_of(request), title=title, prerequisite_ids=prerequisites, **fields
            )
        except DomainError as error:
            add_domain_error(form, error, COURSE_FIELD_ALIASES)
        else:
            messages.success(request, _("The course was created as a draft. Add modules and lessons next."))
            return redirect("student:teach_course", course_id=course.id)
    return render_page(request, "student/teach/course_form.html", {"form": form}, status=INVALID)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def course_edit(request: HtmxRequest, course_id: uuid.UUID) -> HttpResponse:
    course = editable_course(request, course_id)
    if request.method == "GET":
        summary = course.course
        initial = {
            "title": summary.title,
            "slug": summary.slug,
            "summary": summary.summary,
            "description": course.description,
            "category": summary.category.slug if summary.category else "",
            "level": summary.level,
            "language": summary.language,
            "tags": ", ".join(summary.tags),
            "estimated_hours": summary.estimated_hours,
            "prerequisites": "\n".join(prerequisite.slug for prerequisite in course.prerequisites),
            "instructors": _instructor_emails(course),
        }
        form = CourseForm(initial=initial, categories=_category_choices(), with_instructors=True)
        return render_page(request, "student/teach/course_form.html", {"form": form, "course": course})
    form = CourseForm(request.POST, categories=_category_choices(), with_instructors=True)
    user_id = user_id_of(request)
    if (
        form.is_valid()
        and (prerequisites := prerequisite_ids(form, user_id)) is not None
        and (instructors := instructor_ids(form)) is not None
    ):
        try:
            education.course_update(
                course_id=course.id,
                user_id=user_id,
                prerequisite_ids=prerequisites,
                instructor_ids=instructors,
                **form.course_fields(),
            )
        except NotFound:
            raise
        except DomainError as error:
            refused = str(error.extra.get("instructor_id", ""))
            emails = dict(zip((str(i) for i in instructors), form.cleaned_data["instructors"], strict=True))
            if refused in emails:
                message = _("%(email)s does not hold the instructor role.") % {"email": emails[refused]}
                form.add_error("instructors", f"{message} {error.detail}")
            else:
                add_domain_error(form, error, COURSE_FIELD_ALIASES)
        else:
            messages.success(request, _("The course details were saved."))
            if not education.may_edit_course(user_id=user_id, course_id=course.id):
                return redirect("student:teach")
            return redirect("student:teach_course", course_id=course.id)
    return render_page(request, "student/teach/course_form.html", {"form": form, "course": course}, status=INVALID)


@login_required
@require_GET
@domain_errors_as_http
def course_outline(request: HtmxRequest, course_id: uuid.UUID) -> HttpResponse:
    course = editable_course(request, course_id)
    return _outline_page(request, course, ModuleForm())


def _outline_page(
    request: HtmxRequest, course: education.CourseDetail, module_form: ModuleForm, *, status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {
        "course": course,
        "module_form": module_form,
        "assessments": education.assessments_for_author(course_id=course.id, user_id=user_id_of(request)),
    }
    return render_page(request, "student/teach/course.html", context, status=status)


def _status_action(
    action: Callable[..., education.CourseDetail], done: Any
) -> Callable[[HtmxRequest, uuid.UUID], HttpResponse]:
    @login_required
    @require_POST
    @domain_errors_as_http
    def view(request: HtmxRequest, course_id: uuid.UUID) -> HttpResponse:
        course = editable_course(request, course_id)
        try:
            action(course_id=course.id, user_id=user_id_of(request))
        except NotFound:
            raise
        except DomainError as error:
            messages.error(request, str(error.detail))
        else:
            messages.success(request, str(done))
        return redirect("student:teach_course", course_id=course.id)

    return view


course_publish = _status_action(
    education.course_publish, gettext_lazy("The course is published: learners can find it and enrol.")
)
course_archive = _status_action(
    education.course_archive, gettext_lazy("The course is archived: enrolled learners can still read it.")
)


# --- Modules --------------------------------------------------------------------------------------------


@login_required
@require_POST
@domain_errors_as_http
def module_create(request: HtmxRequest, course_id: uuid.UUID) -> HttpResponse:
    course = editable_course(request, course_id)
    form = ModuleForm(request.POST)
    if form.is_valid():
        try:
            education.module_create(course_id=course.id, user_id=user_id_of(request), **form.cleaned_data)
        except NotFound:
            raise
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The module was added."))
            return redirect("student:teach_course", course_id=course.id)
    return _outline_page(request, course, form, status=INVALID)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def module_edit(request: HtmxRequest, course_id: uuid.UUID, module_id: uuid.UUID) -> HttpResponse:
    course = editable_course(request, course_id)
    module = module_of(course, module_id)
    if request.method == "GET":
        form = ModuleForm(initial={"title": module.title, "summary": module.summary})
        return render_page(
            request, "student/teach/module_form.html", {"form": form, "course": course, "module": module}
        )
    form = ModuleForm(request.POST)
    if form.is_valid():
        try:
            education.module_update(module_id=module.id, user_id=user_id_of(request), **form.cleaned_data)
        except NotFound:
            raise
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The module was saved."))
            return redirect("student:teach_course", course_id=course.id)
    context = {"form": form, "course": course, "module": module}
    return render_page(request, "student/teach/module_form.html", context, status=INVALID)


@login_required
@require_POST
@domain_errors_as_http
def module_delete(request: HtmxRequest, course_id: uuid.UUID, module_id: uuid.UUID) -> HttpResponse:
    course = editable_course(request, course_id)
    module = module_of(course, module_id)
    try:
        education.module_delete(module_id=module.id, user_id=user_id_of(request))
    except NotFound:
        raise
    except DomainError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(request, _("The module %(title)s was deleted.") % {"title": module.title})
    return redirect("student:teach_course", course_id=course.id)


@login_required
@require_POST
@domain_errors_as_http
def module_move(request: HtmxRequest, course_id: uuid.UUID, module_id: uuid.UUID) -> HttpResponse:
    course = editable_course(request, course_id)
    module_of(course, module_id)
    form = MoveForm(request.POST)
    if form.is_valid():
        order = moved([module.id for module in course.modules], module_id, form.cleaned_data["direction"])
        education.module_reorder(course_id=course.id, user_id=user_id_of(request), module_ids=order)
    return redirect("student:teach_course", course_id=course.id)


# --- Lessons --------------------------------------------------------------------------------------------


def _preview_html(markdown: str) -> str | None:
    """The domain's own rendering of the Markdown, without saving it (None if the service offers no preview)."""
    render = getattr(education, "markdown_render", None)
    return str(render(markdown=markdown)) if render is not None else None


def _lesson_page(request: HtmxRequest, context: Mapping[str, Any], *, status: int = 200) -> HttpResponse:
    context = {**context, "can_preview": hasattr(education, "markdown_render")}
    return render_page(request, "student/teach/lesson_form.html", context, partial="editor", status=status)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def lesson_new(request: HtmxRequest, course_id: uuid.UUID, module_id: uuid.UUID) -> HttpResponse:
    course = editable_course(request, course_id)
    module = module_of(course, module_id)
    context: dict[str, Any] = {"course": course, "module": module}
    if request.method == "GET":
        context["form"] = LessonForm(initial={"is_required": True})
        return _lesson_page(request, context)
    form = LessonForm(request.POST)
    context["form"] = form
    if form.is_valid():
        if "preview" in request.POST:
            context["preview_html"] = _preview_html(form.cleaned_data["body_markdown"])
            return _lesson_page(request, context)
        fields = form.lesson_fields()
        title = str(fields.pop("title"))
        try:
            lesson = education.lesson_create(module_id=module.id, user_id=user_id_of(request), title=title, **fields)
        except NotFound:
            raise
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The lesson was saved."))
            return redirect("student:teach_lesson", course_id=course.id, lesson_id=lesson.id)
    return _lesson_page(request, context, status=INVALID)


def _version_rows(versions: list[education.LessonVersionView]) -> list[dict[str, Any]]:
    """Each earlier version with the name of the person whose edit replaced it (looked up once per person)."""
    names: dict[uuid.UUID, str] = {}
    rows = []
    for version in versions:
        editor = version.edited_by_id
        if editor is not None and editor not in names:
            profile = accounts.user_profile(user_id=editor)
            names[editor] = profile.display_name.strip() or profile.email.partition("@")[0]
        rows.append({"version": version, "edited_by": names.get(editor) if editor is not None else None})
    return rows


def lesson_editor_page(
    request: HtmxRequest,
    course: education.CourseDetail,
    lesson_id: uuid.UUID,
    *,
    form: LessonForm | None = None,
    attachment_form: AttachmentForm | None = None,
    preview_html: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """The lesson editor: the lesson form (or `form` with its errors), attachments, and the version history."""
    module, _outline = lesson_of(course, lesson_id)
    user_id = user_id_of(request)
    current = education.lesson_for_author(lesson_id=lesson_id, user_id=user_id)
    if form is None:
        initial = {
            "title": current.title,
            "body_markdown": current.body_markdown,
            "video_url": current.video_url,
            "estimated_minutes": current.estimated_minutes,
            "is_required": current.is_required,
        }
        form = LessonForm(initial=initial)
        preview_html = current.body_html
    context: dict[str, Any] = {
        "course": course,
        "module": module,
        "lesson": current,
        "lesson_id": lesson_id,
        "form": form,
        "preview_html": preview_html,
        "attachment_form": attachment_form or AttachmentForm(),
        "versions": _version_rows(education.lesson_versions(lesson_id=lesson_id, user_id=user_id)),
    }
    return _lesson_page(request, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def lesson_edit(request: HtmxRequest, course_id: uuid.UUID, lesson_id: uuid.UUID) -> HttpResponse:
    course = editable_course(request, course_id)
    lesson_of(course, lesson_id)
    if request.method == "GET":
        return lesson_editor_page(request, course, lesson_id)
    form = LessonForm(request.POST)
    if form.is_valid():
        if "preview" in request.POST:
            preview = _preview_html(form.cleaned_data["body_markdown"])
            return lesson_editor_page(request, course, lesson_id, form=form, preview_html=preview)
        try:
            updated = education.lesson_update(lesson_id=lesson_id, user_id=user_id_of(request), **form.lesson_fields())
        except NotFound:
            raise
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The lesson was saved."))
            return redirect("student:teach_lesson", course_id=course.id, lesson_id=updated.id)
    return lesson_editor_page(request, course, lesson_id, form=form, status=INVALID)


@login_required
@require_POST
@domain_errors_as_http
def lesson_delete(request: HtmxRequest, course_id: uuid.UUID, lesson_id: uuid.UUID) -> HttpResponse:
    course = editable_course(request, course_id)
    _module, lesson = lesson_of(course, lesson_id)
    try:
        education.lesson_delete(lesson_id=lesson.id, user_id=user_id_of(request))
    except NotFound:
        raise
    except DomainError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(request, _("The lesson %(title)s was deleted.") % {"title": lesson.title})
    return redirect("student:teach_course", course_id=course.id)


@login_required
@require_POST
@domain_errors_as_http
def lesson_move(request: HtmxRequest, course_id: uuid.UUID, lesson_id: uuid.UUID) -> HttpResponse:
    course = editable_course(request, course_id)
    module, _lesson = lesson_of(course, lesson_id)
    form = MoveForm(request.POST)
    if form.is_valid():
        order = moved([lesson.id for lesson in module.lessons], lesson_id, form.cleaned_data["direction"])
        education.lesson_reorder(module_id=module.id, user_id=user_id_of(request), lesson_ids=order)
    return redirect("student:teach_course", course_id=course.id)
