"""Pages of the web shell: home, account settings, organisations, API keys, PWA files.

Each view parses input, calls the Auth Service's public functions and renders one template: the whole page,
or only the named partial when HTMX asks (`request.htmx`). Rules live in `azora.accounts`, never here.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from functools import cache
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

import azora.accounts.public as accounts
from azora.portals.shell.forms import (
    ApiKeyCreateForm,
    InvitationCreateForm,
    MembershipRoleForm,
    OrganisationCreateForm,
    ProfileForm,
    role_choices,
)
from azora.shared.errors import DomainError, NotFound

# The shell's own static files, stored by the service worker so that the offline page has its look.
PRECACHED_STATIC = (
    "shell/azora.css",
    "shell/azora.js",
    "shell/vendor/htmx.min.js",
    "shell/icons/azora.svg",
    "shell/icons/azora-192.png",
)
INVALID = 422  # a form that comes back with errors: the input was understood but not accepted


# --- Helpers ------------------------------------------------------------------------------------


class HtmxRequest(HttpRequest):
    """A request that django-htmx's middleware has looked at: `request.htmx` is truthy for HTMX requests."""

    htmx: HtmxDetails


def _user_id(request: HttpRequest) -> uuid.UUID:
    """The signed-in person's id; every view that asks sits behind `login_required`."""
    user_id = request.user.pk
    if not isinstance(user_id, uuid.UUID):
        raise PermissionDenied
    return user_id


def _principal(request: HttpRequest) -> accounts.Principal:
    return accounts.Principal(via="session", user_id=_user_id(request))


def _render(
    request: HtmxRequest, template: str, partial: str, context: Mapping[str, Any], *, status: int = 200
) -> HttpResponse:
    """The whole page, or only `partial` of it for an HTMX request; caches keep the two apart."""
    name = f"{template}#{partial}" if request.htmx else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _add_domain_error(form: forms.Form, error: DomainError, field_names: Mapping[str, str] | None = None) -> None:
    """Show a domain error beside the field it names (the service says which), or above the form."""
    field_names = field_names or {}
    placed = False
    for item in error.extra.get("errors", []):
        field = field_names.get(str(item.get("field", "")), str(item.get("field", "")))
        if field in form.fields and field not in form.errors:
            form.add_error(field, str(item.get("message") or error.detail))
            placed = True
    if not placed:
        form.add_error(None, str(error.detail))


# --- Home, offline page, PWA --------------------------------------------------------------------


@require_GET
def home(request: HtmxRequest) -> HttpResponse:
    organisations = (
        accounts.organisation_list_for_user(user_id=_user_id(request)) if request.user.is_authenticated else []
    )
    return _render(request, "shell/home.html", "dashboard", {"organisations": organisations})


@require_GET
def offline(request: HtmxRequest) -> HttpResponse:
    """The page the service worker shows when the network is gone: the same for everyone, nothing personal."""
    response = render(request, "shell/offline.html")
    patch_cache_control(response, no_cache=True)
    return response


@require_GET
def manifest(request: HtmxRequest) -> JsonResponse:
    icons = [
        {"src": static("shell/icons/azora.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
        {"src": static("shell/icons/azora-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
        {"src": static("shell/icons/azora-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
        {
            "src": static("shell/icons/azora-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    data = {
        "id": "/",
        "name": "Azora",
        "short_name": "Azora",
        "description": _("Azora: learn, build and earn."),
        "lang": get_language(),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1e3a8a",
        "icons": icons,
    }
    response = JsonResponse(data, content_type="application/manifest+json")
    patch_cache_control(response, public=True, max_age=3600)
    return response


@cache
def _static_fingerprint() -> str:
    """Changes whenever one of the precached files changes, so that browsers install the new worker."""
    digest = hashlib.sha256()
    for path in PRECACHED_STATIC:
        digest.update(static(path).encode())
        found = finders.find(path)
        if isinstance(found, str):
            with open(found, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:16]


@require_GET
def service_worker(request: HtmxRequest) -> HttpResponse:
    context = {
        "cache_name": f"azora-shell-{_static_fingerprint()}",
        "offline_url": json.dumps(reverse("shell:offline")),
        "precache": json.dumps([static(path) for path in PRECACHED_STATIC]),
    }
    response = render(request, "shell/sw.js", context, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    patch_cache_control(response, no_cache=True, max_age=0)
    return response


# --- Profile -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HtmxRequest) -> HttpResponse:
    if request.method == "GET":
        own = accounts.own_profile(user_id=_user_id(request))
        current = own.profile
        form = ProfileForm(
            initial={
                "display_name": current.display_name,
                "preferred_language": current.preferred_language,
                "country": current.country,
                "time_zone": current.time_zone,
                "date_of_birth": own.date_of_birth,
            }
        )
        return _render(request, "shell/profile.html", "profile-form", {"form": form, "email": current.email})

    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            updated = accounts.user_update_profile(user_id=_user_id(request), **form.cleaned_data)
        except DomainError as error:
            _add_domain_error(form, error)
        else:
            language_changed = updated.preferred_language != get_language()
            if request.htmx:
                response = _render(
                    request,
                    "shell/profile.html",
                    "profile-form",
                    {"form": ProfileForm(initial=form.cleaned_data), "email": updated.email, "saved": True},
                )
                if language_changed:
                    response["HX-Refresh"] = "true"  # the whole page changes language, not only the form
            else:
                messages.success(request, _("Your profile was saved."))
                response = redirect("shell:profile")
            # The interface follows the language the person chose.
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                updated.preferred_language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
            return response
    return _render(
        request,
        "shell/profile.html",
        "profile-form",
        {"form": form, "email": getattr(request.user, "email", "")},
        status=INVALID,
    )


# --- Organisations ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def organisations(request: HtmxRequest) -> HttpResponse:
    form = OrganisationCreateForm(request.POST if request.method == "POST" else None)
    status = 200
    created = None
    if request.method == "POST":
        status = INVALID
        if form.is_valid():
            try:
                created = accounts.organisation_create(
                    user_id=_user_id(request), name=form.cleaned_data["name"], slug=form.cleaned_data["slug"] or None
                )
            except DomainError as error:
                _add_domain_error(form, error)
            else:
                if not request.htmx:
                    messages.success(request, _("%(name)s was created.") % {"name": created.name})
                    return redirect("shell:organisation", organisation_id=created.id)
                form, status = OrganisationCreateForm(), 200
    context = {
        "organisations": accounts.organisation_list_for_user(user_id=_user_id(request)),
        "form": form,
        "created": created,
    }
    return _render(request, "shell/organisations.html", "organisations-panel", context, status=status)


def _organisation_page(
    request: HtmxRequest,
    organisation_id: uuid.UUID,
    *,
    partial: str,
    invite_form: InvitationCreateForm | None = None,
    status: int = 200,
    notice: str = "",
    problem: str = "",
) -> HttpResponse:
    principal = _principal(request)
    try:
        organisation = accounts.organisation_get(principal=principal, organisation_id=organisation_id)
        members = accounts.membership_list(principal=principal, organisation_id=organisation_id)
    except NotFound as error:
        raise Http404(error.detail) from error
    context = {
        "organisation": organisation,
        "members": members,
        "can_manage": organisation.can_manage,
        "role_choices": role_choices(),
        "invite_form": invite_form or InvitationCreateForm(),
        "notice": notice,
        "problem": problem,
    }
    return _render(request, "shell/organisation_detail.html", partial, context, status=status)


@login_required
@require_GET
def organisation_detail(request: HtmxRequest, organisation_id: uuid.UUID) -> HttpResponse:
    return _organisation_page(request, organisation_id, partial="members-panel")


@login_required
@require_POST
def invitation_create(request: HtmxRequest, organisation_id: uuid.UUID) -> HttpResponse:
    form = InvitationCreateForm(request.POST)
    if form.is_valid():
        try:
            accounts.invitation_create(
                actor_user_id=_user_id(request),
                organisation_id=organisation_id,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except NotFound as error:
            raise Http404(error.detail) from error
        except DomainError as error:
            _add_domain_error(form, error)
        else:
            notice = _("An invitation was sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            if not request.htmx:
                messages.success(request, notice)
                return redirect("shell:organisation", organisation_id=organisation_id)
            return _organisation_page(request, organisation_id, partial="invite-panel", notice=notice)
    return _organisation_page(request, organisation_id, partial="invite-panel", invite_form=form, status=INVALID)


def _membership_change_done(
    request: HtmxRequest, organisation_id: uuid.UUID, *, notice: str = "", problem: str = ""
) -> HttpResponse:
    if not request.htmx:
        if problem:
            messages.error(request, problem)
        else:
            messages.success(request, notice)
        return redirect("shell:organisation", organisation_id=organisation_id)
    return _organisation_page(
        request,
        organisation_id,
        partial="members-panel",
        notice=notice,
        problem=problem,
        status=INVALID if problem else 200,
    )


@login_required
@require_POST
def membership_update(request: HtmxRequest, organisation_id: uuid.UUID, membership_id: uuid.UUID) -> HttpResponse:
    form = MembershipRoleForm(request.POST)
    if not form.is_valid():
        return _membership_change_done(request, organisation_id, problem=_("Choose one of the roles."))
    try:
        accounts.membership_update(
            principal=_principal(request),
            organisation_id=organisation_id,
            membership_id=membership_id,
            role=form.cleaned_data["role"],
        )
    except NotFound as error:
        raise Http404(error.detail) from error
    except DomainError as error:
        return _membership_change_done(request, organisation_id, problem=str(error.detail))
    return _membership_change_done(request, organisation_id, notice=_("The role was changed."))


@login_required
@require_POST
def membership_delete(request: HtmxRequest, organisation_id: uuid.UUID, membership_id: uuid.UUID) -> HttpResponse:
    try:
        accounts.membership_delete(
            principal=_principal(request), organisation_id=organisation_id, membership_id=membership_id
        )
    except NotFound as error:
        raise Http404(error.detail) from error
    except DomainError as error:
        return _membership_change_done(request, organisation_id, problem=str(error.detail))
    if request.POST.get("leaving") == "1":
        # The person removed themselves: the organisation is no longer theirs to see.
        messages.success(request, _("You left the organisation."))
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("shell:organisations")
            return response
        return redirect("shell:organisations")
    return _membership_change_done(request, organisation_id, notice=_("The member was removed."))


@login_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HtmxRequest, token: str) -> HttpResponse:
    if request.method == "GET":
        return _render(request, "shell/invitation_accept.html", "invitation", {"token": token})
    try:
        membership = accounts.invitation_accept(user_id=_user_id(request), token=token)
    except DomainError as error:
        context = {"token": token, "problem": str(error.detail)}
        # A page states the error's own status (404, 410, ...); HTMX swaps in only 4xx answers it expects.
        status = INVALID if request.htmx else error.status
        return _render(request, "shell/invitation_accept.html", "invitation", context, status=status)
    messages.success(request, _("Welcome! You are now a member of the organisation."))
    url = reverse("shell:organisation", kwargs={"organisation_id": membership.organisation_id})
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


# --- API keys ----------------------------------------------------------------------------------


def _selected_organisation(raw: str | None, choices: list[tuple[str, str]]) -> uuid.UUID | None:
    if raw and raw in dict(choices):
        return uuid.UUID(raw)
    return None


def _managed_organisations(request: HtmxRequest) -> list[tuple[str, str]]:
    """Organisations whose keys the person may manage: the choices of the page's owner selector."""
    return [
        (str(organisation.id), organisation.name)
        for organisation in accounts.organisation_list_for_user(user_id=_user_id(request))
        if organisation.can_manage
    ]


def _api_keys_page(
    request: HtmxRequest,
    *,
    owners: list[tuple[str, str]],
    organisation_id: uuid.UUID | None,
    form: ApiKeyCreateForm,
    created: accounts.ApiKeyCreated | None = None,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    keys = accounts.api_key_list(principal=_principal(request), organisation_id=organisation_id)
    context = {
        "keys": keys,
        "owners": owners,
        "selected_owner": str(organisation_id or ""),
        "owner_name": dict(owners).get(str(organisation_id), "") if organisation_id else "",
        "form": form,
        "created": created,
        "notice": notice,
    }
    response = _render(request, "shell/api_keys.html", "api-keys-panel", context, status=status)
    if created is not None:
        add_never_cache_headers(response)  # the raw key is in this page, once: keep it out of every cache
    return response


@login_required
@require_http_methods(["GET", "POST"])
def api_keys(request: HtmxRequest) -> HttpResponse:
    owners = _managed_organisations(request)
    if request.method == "GET":
        organisation_id = _selected_organisation(request.GET.get("organisation"), owners)
        form = ApiKeyCreateForm(organisations=owners, initial={"organisation": str(organisation_id or "")})
        return _api_keys_page(request, owners=owners, organisation_id=organisation_id, form=form)

    form = ApiKeyCreateForm(request.POST, organisations=owners)
    organisation_id = _selected_organisation(request.POST.get("organisation"), owners)
    if form.is_valid():
        try:
            created = accounts.api_key_create(
                principal=_principal(request),
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                organisation_id=organisation_id,
                expires_at=form.expires_at(),
            )
        except NotFound as error:
            raise Http404(error.detail) from error
        except DomainError as error:
            _add_domain_error(form, error, {"expires_at": "expires_on", "organisation_id": "organisation"})
        else:
            fresh = ApiKeyCreateForm(organisations=owners, initial={"organisation": str(organisation_id or "")})
            return _api_keys_page(
                request, owners=owners, organisation_id=organisation_id, form=fresh, created=created, status=201
            )
    return _api_keys_page(request, owners=owners, organisation_id=organisation_id, form=form, status=INVALID)


@login_required
@require_POST
def api_key_revoke(request: HtmxRequest, api_key_id: uuid.UUID) -> HttpResponse:
    try:
        accounts.api_key_revoke(principal=_principal(request), api_key_id=api_key_id)
    except NotFound as error:
        raise Http404(error.detail) from error
    except DomainError as error:
        messages.error(request, str(error.detail))
        return redirect("shell:api_keys")
    notice = _("The key was revoked; it no longer works.")
    owners = _managed_organisations(request)
    organisation_id = _selected_organisation(request.POST.get("organisation"), owners)
    if not request.htmx:
        messages.success(request, notice)
        url = reverse("shell:api_keys")
        return HttpResponseRedirect(f"{url}?organisation={organisation_id}" if organisation_id else url)
    form = ApiKeyCreateForm(organisations=owners, initial={"organisation": str(organisation_id or "")})
    return _api_keys_page(request, owners=owners, organisation_id=organisation_id, form=form, notice=notice)
