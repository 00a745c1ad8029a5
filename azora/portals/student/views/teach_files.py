"""Files in the instructor area: a course's cover image and a lesson's downloadable attachments.

The Education service checks every file (type by its content, size) and stores it through Django's storage API;
these views only read the upload (never more than `READ_LIMIT` bytes) and show the service's verdict.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

import azora.education.public as education
from azora.portals.student.forms import AttachmentForm, CoverForm
from azora.portals.student.views.common import (
    INVALID,
    HtmxRequest,
    domain_errors_as_http,
    render_page,
    user_id_of,
)
from azora.portals.student.views.teach import editable_course, lesson_of
from azora.shared.errors import DomainError, NotFound

# More than any file Education accepts (attachments: 20 MiB): a larger upload is read only this far, and the
# service then refuses it by its own size rule, so the rule lives in one place and memory stays bounded.
READ_LIMIT = 20 * 1024 * 1024 + 1


def read_upload(upload: UploadedFile[bytes]) -> bytes:
    upload.seek(0)
    return bytes(upload.read(READ_LIMIT))


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def course_cover(request: HtmxRequest, course_id: uuid.UUID) -> HttpResponse:
    course = editable_course(request, course_id)
    if request.method == "GET":
        return render_page(request, "student/teach/cover_form.html", {"course": course, "form": CoverForm()})
    form = CoverForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            education.course_cover_set(
                course_id=course.id,
                user_id=user_id_of(request),
                filename=upload.name or "cover",
                content=read_upload(upload),
            )
        except NotFound:
            raise
        except DomainError as error:
            form.add_error("file", str(error.detail))
        else:
            messages.success(request, _("The cover image was saved. The catalogue and the course page show it."))
            return redirect("student:teach_course", course_id=course.id)
    context = {"course": course, "form": form}
    return render_page(request, "student/teach/cover_form.html", context, status=INVALID)


@login_required
@require_POST
@domain_errors_as_http
def lesson_attachment_add(request: HtmxRequest, course_id: uuid.UUID, lesson_id: uuid.UUID) -> HttpResponse:
    """Adds a file to the lesson; on a refusal the lesson editor comes back with the error beside the file field."""
    from azora.portals.student.views.teach import lesson_editor_page

    course = editable_course(request, course_id)
    lesson_of(course, lesson_id)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            education.lesson_attachment_add(
                lesson_id=lesson_id,
                user_id=user_id_of(request),
                filename=upload.name or "file",
                content=read_upload(upload),
            )
        except NotFound:
            raise
        except DomainError as error:
            form.add_error("file", str(error.detail))
        else:
            messages.success(
                request,
                _("The file %(name)s was attached: learners can download it from the lesson.") % {"name": upload.name},
            )
            return redirect("student:teach_lesson", course_id=course.id, lesson_id=lesson_id)
    return lesson_editor_page(request, course, lesson_id, attachment_form=form, status=INVALID)
