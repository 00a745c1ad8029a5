"""Security for operators: security events with filters, and IP allow/deny rules (a rule that would lock out
the operator or every platform admin is refused, and the page says why)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import azora.security.public as security
from azora.portals.master.forms import SINCE_WINDOWS, IpRuleForm, SecurityEventFilterForm
from azora.portals.master.views.common import (
    actor_id_of,
    add_domain_error,
    error_status,
    operator_required,
    render_page,
)
from azora.shared.errors import DomainError, NotFound

EVENTS_PAGE_SIZE = 50


@require_GET
@operator_required()
def events(request: HttpRequest) -> HttpResponse:
    """Security events, newest first, filtered by kind, severity, address and period; a cursor pages on."""
    form = SecurityEventFilterForm(request.GET or None)
    page = None
    status = 200
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if form.is_bound and form.errors:
        status = 422
    else:
        window = SINCE_WINDOWS[filters.get("since") or "24h"]
        try:
            page = security.security_event_list(
                kind=filters.get("kind") or None,
                severity=filters.get("severity") or None,
                ip=filters.get("ip") or None,
                since=timezone.now() - window,
                cursor=request.GET.get("cursor") or None,
                limit=EVENTS_PAGE_SIZE,
            )
        except DomainError as error:
            add_domain_error(form, error)
            status = error_status(error)
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render_page(request, "master/security_events.html", context, partial="results", status=status)


def _ip_rules_page(request: HttpRequest, form: IpRuleForm | None = None, *, status: int = 200) -> HttpResponse:
    context = {
        "rules": security.ip_rule_list(),
        "form": form or IpRuleForm(),
        "your_ip": security.client_ip(request),
    }
    return render_page(request, "master/ip_rules.html", context, status=status)


@require_http_methods(["GET", "POST"])
@operator_required()
def ip_rules(request: HttpRequest) -> HttpResponse:
    """The rules in force; a POST adds one (the edge applies it at once, on every process)."""
    if request.method != "POST":
        return _ip_rules_page(request)
    form = IpRuleForm(request.POST)
    if not form.is_valid():
        return _ip_rules_page(request, form, status=422)
    hours = form.cleaned_data["expires_in_hours"]
    try:
        security.ip_rule_create(
            actor_id=actor_id_of(request),
            action=form.cleaned_data["action"],
            cidr=form.cleaned_data["cidr"],
            reason=form.cleaned_data["reason"],
            expires_at=timezone.now() + dt.timedelta(hours=hours) if hours else None,
            actor_ip=security.client_ip(request),
        )
    except DomainError as error:
        add_domain_error(form, error)
        return _ip_rules_page(request, form, status=error_status(error))
    messages.success(request, _("Rule added; it applies to the next request."))
    return redirect("master:ip_rules")


@require_POST
@operator_required()
def ip_rule_delete(request: HttpRequest, rule_id: uuid.UUID) -> HttpResponse:
    try:
        security.ip_rule_delete(actor_id=actor_id_of(request), rule_id=rule_id)
    except NotFound as error:
        raise Http404(_("No such rule.")) from error
    messages.success(request, _("Rule removed."))
    return redirect("master:ip_rules")
