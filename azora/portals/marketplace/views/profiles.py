"""Public profiles: headline, skills (verified ones marked, with endorsements), Azora certificates and rating."""

from __future__ import annotations

import uuid

from django.http import HttpResponse
from django.views.decorators.http import require_GET

import azora.education.public as education
import azora.marketplace.public as market
from azora.portals.marketplace.views.common import HtmxRequest, domain_errors_as_http, render_page, viewer_id_of


@require_GET
@domain_errors_as_http
def profile(request: HtmxRequest, user_id: uuid.UUID) -> HttpResponse:
    """A private profile is a 404 for everyone but its owner (the marketplace says NotFound)."""
    viewer_id = viewer_id_of(request)
    found = market.profile_get(user_id=user_id, viewer_id=viewer_id)
    certificates = [
        certificate
        for certificate in education.certificates_of(user_id=user_id)
        if not certificate.is_revoked and not certificate.is_expired
    ]
    context = {
        "profile": found,
        "certificates": certificates,
        "reviews": market.reviews_of_user(user_id=user_id),
        "is_own": viewer_id == user_id,
        "verified": [skill for skill in found.skills if skill.is_verified],
        "declared": [skill for skill in found.skills if not skill.is_verified],
    }
    return render_page(request, "market/profile.html", context)
