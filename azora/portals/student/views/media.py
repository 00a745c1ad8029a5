"""Education's uploaded files (course covers, lesson attachments) when Django's storage keeps them on this server.

With S3 storage Education's URLs point at the bucket (signed) and never reach this view. With local storage
(embedded mode, or a server without S3) the files would otherwise have no address at all. A file is served only
when Education itself names it to this viewer: a cover that is the course's current cover for someone who may
see the course, an attachment that is one of the lesson's for someone who may read the lesson. Everything else
is 404, the same as a file that does not exist.
"""

from __future__ import annotations

import mimetypes
import uuid
from urllib.parse import unquote, urlsplit

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponseBase
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

import azora.education.public as education
from azora.portals.student.views.common import HtmxRequest, viewer_id_of
from azora.shared.errors import NotFound

COVERS = "education/covers/"
ATTACHMENTS = "education/attachments/"


def _path_of(url: str | None) -> str:
    """The request path an Education file URL answers to (URLs quote names; request paths do not)."""
    return unquote(urlsplit(url).path) if url else ""


def _owner_id(path: str, prefix: str) -> uuid.UUID:
    """The course or lesson id that Education's storage layout puts first (a lookup hint, checked against Education)."""
    first = path.removeprefix(prefix).split("/", 1)[0]
    try:
        return uuid.UUID(first)
    except ValueError:
        raise Http404 from None


def _open(path: str, content_type: str) -> FileResponse:
    try:
        handle = default_storage.open(path, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def media_file(request: HtmxRequest, path: str) -> HttpResponseBase:
    viewer_id = viewer_id_of(request)
    try:
        if path.startswith(COVERS):
            course = education.course_detail_by_id(course_id=_owner_id(path, COVERS), viewer_id=viewer_id)
            cover = course.course.cover
            # The current cover's original and its WebP variants; an earlier cover is gone (404).
            names = {cover.original_url, cover.card_url, cover.hero_url} if cover else set()
            if request.path not in {_path_of(url) for url in names}:
                raise Http404
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            if not content_type.startswith("image/"):
                raise Http404
            response = _open(path, content_type)
            # Each new cover gets a new name, so a stored cover never changes; drafts are for their editors only.
            if course.course.status == "published":
                patch_cache_control(response, public=True, max_age=86400)
            else:
                patch_cache_control(response, private=True, max_age=86400)
            return response
        if path.startswith(ATTACHMENTS) and viewer_id is not None:
            lesson = education.lesson_for_learner(lesson_id=_owner_id(path, ATTACHMENTS), user_id=viewer_id)
            attachment = next((a for a in lesson.attachments if _path_of(a.url) == request.path), None)
            if attachment is None:
                raise Http404
            response = _open(path, attachment.content_type)
            response["Content-Disposition"] = _attachment_disposition(attachment.name)
            patch_cache_control(response, private=True, max_age=3600)
            return response
    except NotFound as error:
        raise Http404 from error
    raise Http404


def _attachment_disposition(name: str) -> str:
    """`attachment` with the file's name (Education keeps names to safe characters; RFC 6266 form for the rest)."""
    return content_disposition_header(as_attachment=True, filename=name) or "attachment"
