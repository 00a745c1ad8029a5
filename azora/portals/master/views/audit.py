"""The audit trail for operators: the records newest first with filters, verifying the chain, and export."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

import azora.security.public as security
from azora.portals.master.forms import AuditFilterForm
from azora.portals.master.views.common import add_domain_error, error_status, operator_required, render_page
from azora.shared.errors import DomainError

AUDIT_PAGE_SIZE = 50
EXPORT_TYPES = {"jsonl": "application/x-ndjson", "csv": "text/csv; charset=utf-8"}


@require_http_methods(["GET", "POST"])
@operator_required()
def audit(request: HttpRequest) -> HttpResponse:
    """Audit records (filters: action, target); a POST verifies the whole chain and shows the verdict."""
    verification = security.audit_verify() if request.method == "POST" else None
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    status = 422 if form.is_bound and form.errors else 200
    page = None
    if status == 200:
        try:
            page = security.audit_list(
                action=filters.get("action") or None,
                target_id=filters.get("target_id") or None,
                cursor=request.GET.get("cursor") or None,
                limit=AUDIT_PAGE_SIZE,
            )
        except DomainError as error:
            add_domain_error(form, error)
            status = error_status(error)
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {"form": form, "page": page, "verification": verification, "query": query.urlencode()}
    return render_page(request, "master/audit.html", context, partial="records", status=status)


@require_GET
@operator_required()
def audit_export(request: HttpRequest) -> StreamingHttpResponse | HttpResponse:
    """The whole chain as JSON lines (with hashes, verifiable offline) or CSV, streamed."""
    fmt = request.GET.get("format", "jsonl")
    if fmt not in EXPORT_TYPES:
        return HttpResponse(status=400)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    response = StreamingHttpResponse(security.audit_export(fmt=fmt), content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="azora-audit-{stamp}.{fmt}"'
    return response
