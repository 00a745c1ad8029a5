"""The revenue engine's public functions for revenue reports: figures recomputed from ledger postings."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Literal

from azora.shared.errors import ValidationFailed
from azora.shared.money import Money

GroupBy = Literal["course", "instructor", "plan", "country", "period"]

__all__ = [
    "GroupBy",
    "ReportInvalid",
    "RevenueReport",
    "RevenueReportRow",
    "RevenueSummary",
    "revenue_report",
]


class ReportInvalid(ValidationFailed):
    code = "report_invalid"
    title = "The report's grouping, period or currency is not valid."


@dataclass(frozen=True, slots=True)
class RevenueReportRow:
    """One group's figures in the period: `gross` sold, `refunds` taken back, `net` = gross - refunds, and the
    net's parts (provider fees recovered, instructors' shares, the platform's share)."""

    key: str
    label: str
    sales: int
    gross: Money
    refunds: Money
    net: Money
    fees: Money
    instructor_share: Money
    platform_share: Money


@dataclass(frozen=True, slots=True)
class RevenueSummary:
    """The period's headline figures; the platform-wide ones (MRR, churn, AZR) are None in an instructor's report."""

    revenue: Money  # net course sales + net subscription revenue
    course_sales: Money
    subscription_revenue: Money
    refunds: Money
    payouts: Money
    mrr: Money | None
    churn_bp: int | None  # canceled in the period / live at its start, in basis points
    churned: int | None
    live_at_start: int | None
    azr_issued: Money | None  # learn-to-earn rewards paid from the rewards pool
    azr_burned: Money | None


@dataclass(frozen=True, slots=True)
class RevenueReport:
    group_by: GroupBy
    start: date
    end: date
    currency: str
    viewer_id: uuid.UUID
    is_all: bool  # an admin's report of everyone; False = the viewer's own sales only
    rows: tuple[RevenueReportRow, ...]
    totals: RevenueReportRow
    summary: RevenueSummary


def revenue_report(
    *, viewer_id: uuid.UUID, group_by: str, start: date | None, end: date | None, currency: str
) -> RevenueReport:
    """Platform and finance admins see everyone; anybody else their own course sales only (as an instructor).

    ReportInvalid for an unknown grouping, currency or a period that ends before it starts (or spans > 366 days).
    """
    from azora.revenue.selectors import reports

    return reports.revenue_report(viewer_id=viewer_id, group_by=group_by, start=start, end=end, currency=currency)
