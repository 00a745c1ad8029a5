"""Response schemas of the revenue report (JSON; the CSV has the same rows)."""

from __future__ import annotations

from datetime import date

from ninja import Field, Schema

from azora.revenue.public.reports import RevenueReport, RevenueReportRow
from azora.shared.schemas import AmountOut, amount_out


class RevenueReportRowOut(Schema):
    key: str = Field(description="The course or instructor id, plan code, country code or month (YYYY-MM).")
    label: str
    sales: int
    gross: AmountOut
    refunds: AmountOut
    net: AmountOut
    fees: AmountOut
    instructor_share: AmountOut
    platform_share: AmountOut

    @staticmethod
    def of(row: RevenueReportRow) -> RevenueReportRowOut:
        return RevenueReportRowOut(
            key=row.key,
            label=row.label,
            sales=row.sales,
            gross=amount_out(row.gross),
            refunds=amount_out(row.refunds),
            net=amount_out(row.net),
            fees=amount_out(row.fees),
            instructor_share=amount_out(row.instructor_share),
            platform_share=amount_out(row.platform_share),
        )


class RevenueSummaryOut(Schema):
    revenue: AmountOut
    course_sales: AmountOut
    subscription_revenue: AmountOut
    refunds: AmountOut
    payouts: AmountOut
    mrr: AmountOut | None = Field(description="Admins only: monthly recurring revenue of paying subscriptions now.")
    churn_bp: int | None = Field(description="Admins only: canceled in the period / live at its start, basis points.")
    churned: int | None
    live_at_start: int | None
    azr_issued: AmountOut | None
    azr_burned: AmountOut | None


class RevenueReportOut(Schema):
    group_by: str
    start: date
    end: date
    currency: str
    is_all: bool = Field(description="True for an admin's platform-wide report; False = your own sales only.")
    rows: list[RevenueReportRowOut]
    totals: RevenueReportRowOut
    summary: RevenueSummaryOut

    @staticmethod
    def of(report: RevenueReport) -> RevenueReportOut:
        summary = report.summary
        return RevenueReportOut(
            group_by=report.group_by,
            start=report.start,
            end=report.end,
            currency=report.currency,
            is_all=report.is_all,
            rows=[RevenueReportRowOut.of(row) for row in report.rows],
            totals=RevenueReportRowOut.of(report.totals),
            summary=RevenueSummaryOut(
                revenue=amount_out(summary.revenue),
                course_sales=amount_out(summary.course_sales),
                subscription_revenue=amount_out(summary.subscription_revenue),
                refunds=amount_out(summary.refunds),
                payouts=amount_out(summary.payouts),
                mrr=amount_out(summary.mrr) if summary.mrr is not None else None,
                churn_bp=summary.churn_bp,
                churned=summary.churned,
                live_at_start=summary.live_at_start,
                azr_issued=amount_out(summary.azr_issued) if summary.azr_issued is not None else None,
                azr_burned=amount_out(summary.azr_burned) if summary.azr_burned is not None else None,
            ),
        )
