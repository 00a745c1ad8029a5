"""The revenue /api/v1 routes for revenue reports (JSON or CSV), recomputed from ledger postings."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date
from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Router

from azora.accounts.public import request_user_id
from azora.revenue.public import reports
from azora.revenue.schemas.reports import RevenueReportOut
from azora.shared.money import Money

router = Router()

__all__ = ["router"]

# Characters that make a spreadsheet read a cell as a formula (CSV injection); such text cells get a quote.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = (
    "key",
    "label",
    "sales",
    "gross",
    "refunds",
    "net",
    "fees",
    "instructor_share",
    "platform_share",
    "currency",
)


def _user_id(request: HttpRequest) -> uuid.UUID:
    """The signed-in user (session or JWT); API keys carry no revenue scope, so they are refused."""
    return request_user_id(request, scope="revenue")


def _cell(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def _decimal(money: Money) -> str:
    return f"{money.to_decimal():.{money.exponent}f}"


def _csv(report: reports.RevenueReport) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in (*report.rows, report.totals):
        writer.writerow(
            [
                _cell(row.key),
                _cell(row.label),
                row.sales,
                *(
                    _decimal(value)
                    for value in (row.gross, row.refunds, row.net, row.fees, row.instructor_share, row.platform_share)
                ),
                report.currency,
            ]
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"revenue-{report.group_by}-{report.start.isoformat()}-{report.end.isoformat()}-{report.currency}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get(
    "/reports/revenue",
    response={200: RevenueReportOut},
    openapi_extra={"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}},
    summary="Revenue by course, instructor, plan, country or month, with MRR, churn, refunds, payouts and AZR "
    "(admins: everyone; instructors: their own sales); ?format=csv for a spreadsheet",
)
def revenue_report(
    request: HttpRequest,
    group_by: str = "course",
    start: date | None = None,
    end: date | None = None,
    currency: str = "ZAR",
    format: Literal["json", "csv"] = "json",
) -> object:
    report = reports.revenue_report(
        viewer_id=_user_id(request), group_by=group_by, start=start, end=end, currency=currency
    )
    if format == "csv":
        return _csv(report)
    return RevenueReportOut.of(report)
