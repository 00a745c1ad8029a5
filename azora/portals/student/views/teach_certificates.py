"""The instructor area's certificates: those issued for a course, and revoking one with a reason."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

import azora.education.public as education
from azora.portals.student.forms import RevokeCertificateForm
from azora.portals.student.views.common import (
    INVALID,
    HtmxRequest,
    add_domain_error,
    domain_errors_as_http,
    render_page,
    user_id_of,
)
from azora.portals.student.views.teach import editable_course
from azora.shared.errors import DomainError, NotFound

CERTIFICATES_PAGE_SIZE = 50


@login_required
@require_GET
@domain_errors_as_http
def certificates(request: HtmxRequest, course_id: uuid.UUID) -> HttpResponse:
    course = editable_course(request, course_id)
    cursor = request.GET.get("cursor") or None
    if cursor is not None and len(cursor) > 1024:
        raise Http404
    try:
        page = education.certificates_of_course(
            course_id=course.id, viewer_id=user_id_of(request), cursor=cursor, limit=CERTIFICATES_PAGE_SIZE
        )
    except NotFound:
        raise
    except DomainError:  # a cursor that is not this list's: a page that does not exist
        raise Http404 from None
    return render_page(request, "student/teach/certificates.html", {"course": course, "page": page})


def _course_certificate(
    request: HtmxRequest, course: education.CourseDetail, certificate_id: uuid.UUID
) -> education.CertificateView:
    certificate = education.certificate_get(certificate_id=certificate_id, viewer_id=user_id_of(request))
    if certificate.course_id != course.id:
        raise Http404
    return certificate


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def certificate_revoke(request: HtmxRequest, course_id: uuid.UUID, certificate_id: uuid.UUID) -> HttpResponse:
    course = editable_course(request, course_id)
    certificate = _course_certificate(request, course, certificate_id)
    form = RevokeCertificateForm(request.POST if request.method == "POST" else None)
    context = {"course": course, "certificate": certificate, "form": form}
    if request.method == "GET" or certificate.is_revoked:
        if certificate.is_revoked and request.method == "POST":
            messages.error(request, _("This certificate was already revoked."))
            return redirect("student:teach_certificates", course_id=course.id)
        return render_page(request, "student/teach/certificate_revoke.html", context)
    if form.is_valid():
        try:
            education.certificate_revoke(
                certificate_id=certificate.id, by_user_id=user_id_of(request), reason=form.cleaned_data["reason"]
            )
        except NotFound:
            raise
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("The certificate of %(name)s was revoked. Its verify page now says so, with your reason.")
                % {"name": certificate.learner_name},
            )
            return redirect("student:teach_certificates", course_id=course.id)
    return render_page(request, "student/teach/certificate_revoke.html", context, status=INVALID)
