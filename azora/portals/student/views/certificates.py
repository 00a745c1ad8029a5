"""Certificates: a learner's list with share and verify links, the printable certificate, the public verify page."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

import azora.education.public as education
from azora.portals.student.views.common import (
    HtmxRequest,
    domain_errors_as_http,
    render_page,
    user_id_of,
)
from azora.shared.errors import NotFound


@login_required
@require_GET
def certificate_list(request: HtmxRequest) -> HttpResponse:
    certificates = education.certificates_of(user_id=user_id_of(request))
    return render_page(request, "student/certificates.html", {"certificates": certificates})


@login_required
@require_GET
@domain_errors_as_http
def certificate_detail(request: HtmxRequest, certificate_id: uuid.UUID) -> HttpResponse:
    """The printable (PDF-ready) certificate with its QR code; only for those who may see it."""
    viewer_id = user_id_of(request)
    data = education.certificate_print_data(certificate_id=certificate_id, viewer_id=viewer_id)
    # Someone other than its learner may see a certificate only as one who may revoke it (the course's
    # instructors, organisation admins, platform admins): they get the way to the revocation page.
    certificate = education.certificate_get(certificate_id=certificate_id, viewer_id=viewer_id)
    manage_course_id = certificate.course_id if certificate.user_id != viewer_id else None
    context = {"certificate": data, "manage_course_id": manage_course_id, "is_revoked": certificate.is_revoked}
    return render_page(request, "student/certificate_print.html", context)


@login_required
@require_GET
@domain_errors_as_http
def certificate_download(request: HtmxRequest, certificate_id: uuid.UUID) -> HttpResponse:
    """The signed credential (VC-JWT) as a file, for wallets and verifiers that read the signed form."""
    certificate = education.certificate_get(certificate_id=certificate_id, viewer_id=user_id_of(request))
    response = HttpResponse(certificate.signed_jwt, content_type="application/vc+jwt")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.id}.jwt"'
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_GET
def verify(request: HtmxRequest, certificate_id: uuid.UUID) -> HttpResponse:
    """Anyone may check a certificate: which of signature, expiry and revocation passed and which failed."""
    try:
        verification = education.certificate_verify(certificate_id=certificate_id)
    except NotFound as error:
        raise Http404(error.detail) from error
    response = render_page(request, "student/verify.html", {"verification": verification})
    # The answer changes when a certificate is revoked or expires: never serve a stored one.
    patch_cache_control(response, no_cache=True, max_age=0)
    return response
