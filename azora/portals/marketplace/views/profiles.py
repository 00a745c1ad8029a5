"""Public profiles (headline, skills with the verified ones marked, certificates, rating), and editing one's own."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

import azora.education.public as education
import azora.marketplace.public as market
from azora.portals.marketplace.forms import ProfileForm
from azora.portals.marketplace.views.common import (
    INVALID,
    HtmxRequest,
    add_domain_error,
    domain_errors_as_http,
    form_status,
    redirect_to,
    render_page,
    user_id_of,
    viewer_id_of,
)
from azora.shared.errors import DomainError


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


@login_required
@require_http_methods(["GET", "POST"])
def own_profile(request: HtmxRequest) -> HttpResponse:
    """One's own profile and skills; the skills a certificate vouches for are listed apart and always stay."""
    user_id = user_id_of(request)
    current = market.profile_get(user_id=user_id, viewer_id=user_id)
    declared = [skill for skill in current.skills if not skill.is_verified]
    verified = [skill for skill in current.skills if skill.is_verified]
    if request.method == "GET":
        initial: dict[str, object] = {
            "headline": current.headline,
            "bio": current.bio,
            "location": current.location,
            "country": current.country,
            "is_remote_ok": current.is_remote_ok,
            "years_experience": current.years_experience,
            "is_public": current.is_public,
            "expected_pay": current.expected_pay.to_decimal() if current.expected_pay else None,
            "expected_pay_currency": current.expected_pay.currency if current.expected_pay else "ZAR",
        }
        for row, skill in enumerate(declared[: len(ProfileForm().skill_rows())], 1):
            initial[f"skill_{row}"] = skill.skill.name
            initial[f"skill_{row}_level"] = skill.level
        form = ProfileForm(initial=initial)
        return render_page(request, "market/own_profile.html", {"form": form, "verified": verified}, private=True)

    form = ProfileForm(request.POST)
    status = INVALID
    if form.is_valid():
        try:
            with transaction.atomic():  # both or neither: a refused skill keeps the old profile too
                market.profile_update(user_id=user_id, **form.profile_changes())
                market.skills_set(user_id=user_id, skills=form.skills())
        except DomainError as error:
            add_domain_error(form, error)
            status = form_status(error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect_to(request, reverse("market:own_profile"))
    return render_page(
        request, "market/own_profile.html", {"form": form, "verified": verified}, status=status, private=True
    )
