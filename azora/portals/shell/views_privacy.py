"""The "Your data" page of the web shell: download all your data, consents, and asking for your account to be
deleted. Each view calls Aegis's public functions and redirects back (post/redirect/get); no JavaScript needed.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

import azora.security.public as security
from azora.security.errors import DataExportNotFound, DeletionBlocked, DeletionRequestNotFound, DeletionRequestOpen
from azora.shared.errors import DomainError

PAGE = "shell:privacy"
MAX_REASON_LENGTH = 2000


def _user_id(request: HttpRequest) -> uuid.UUID:
    user_id = request.user.pk
    if not isinstance(user_id, uuid.UUID):
        raise Http404
    return user_id


@login_required
@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    user_id = _user_id(request)
    decisions = {view.purpose: view for view in security.consent_list(user_id=user_id)}
    consents = [
        {"purpose": purpose, "label": label, "version": version, "granted": _granted(decisions.get(purpose), version)}
        for purpose, (label, version) in sorted(security.consent_purposes().items())
    ]
    requests = security.deletion_request_list(user_id=user_id, status=None, limit=5)
    open_request = next((item for item in requests if item.status in ("pending", "approved")), None)
    context = {
        "exports": security.data_export_list(user_id=user_id),
        "consents": consents,
        "open_request": open_request,
        "last_request": requests[0] if requests else None,
        "blockers": [] if open_request else security.deletion_request_blockers(user_id=user_id),
    }
    return render(request, "shell/privacy.html", context)


def _granted(decision: security.ConsentView | None, version: str) -> bool:
    """A consent given to an older version of the text counts as not given: the person is asked again."""
    return decision is not None and decision.granted and decision.version == version


@login_required
@require_POST
def data_export_create(request: HttpRequest) -> HttpResponse:
    security.data_export_request(user_id=_user_id(request))
    messages.success(request, _("We are preparing your data. Reload this page in a minute to download it."))
    return redirect(PAGE)


@login_required
@require_GET
def data_export_download(request: HttpRequest, export_id: uuid.UUID) -> HttpResponse:
    try:
        content = security.data_export_file(user_id=_user_id(request), export_id=export_id)
    except DataExportNotFound as error:
        raise Http404(error.detail) from error
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="azora-my-data-{export_id}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def consents_save(request: HttpRequest) -> HttpResponse:
    """Records a decision for each purpose whose answer changed; unchanged ones are not written again."""
    user_id = _user_id(request)
    latest = {view.purpose: view for view in security.consent_list(user_id=user_id)}
    chosen = set(request.POST.getlist("purpose"))
    changed = 0
    for purpose, (_label, version) in security.consent_purposes().items():
        granted = purpose in chosen
        if _granted(latest.get(purpose), version) != granted or purpose not in latest:
            security.consent_record(
                user_id=user_id, purpose=purpose, version=version, granted=granted, ip=security.client_ip(request)
            )
            changed += 1
    messages.success(request, _("Your choices were saved.") if changed else _("Nothing changed."))
    return redirect(PAGE)


@login_required
@require_POST
def deletion_request_create(request: HttpRequest) -> HttpResponse:
    reason = request.POST.get("reason", "")[:MAX_REASON_LENGTH]
    try:
        security.deletion_request_create(user_id=_user_id(request), reason=reason)
    except DeletionBlocked as error:
        for blocker in error.extra.get("blockers", []):
            messages.error(request, str(blocker))
        return redirect(PAGE)
    except DeletionRequestOpen:
        messages.info(request, _("You have already asked for your account to be deleted."))
        return redirect(PAGE)
    messages.success(request, _("Your request was sent. An administrator reviews it; you can withdraw it until then."))
    return redirect(PAGE)


@login_required
@require_POST
def deletion_request_cancel(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    try:
        security.deletion_request_cancel(user_id=_user_id(request), request_id=request_id)
    except DeletionRequestNotFound as error:
        raise Http404(error.detail) from error
    except DomainError as error:
        messages.error(request, str(error.detail))
        return redirect(PAGE)
    messages.success(request, _("Your deletion request was withdrawn."))
    return redirect(PAGE)
