"""Revenue reports: exact figures per course, instructor, country and month, recomputed independently from the
ledger's Posting rows; instructors see their own rows only; CSV; bad input is a problem."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from azora.accounts.models import User
from azora.accounts.public import platform_role_grant
from azora.accounts.tests.conftest import session_client
from azora.accounts.tests.factories import UserFactory
from azora.finance.models import Posting, Transfer
from azora.revenue.models import Order
from azora.revenue.public import revenue_report
from azora.revenue.services import shares
from azora.revenue.tests.checkout.factories import CouponFactory, instructor_on, paid_course
from azora.revenue.tests.checkout.helpers import Capture, buy, refund
from azora.shared.money import Money

pytestmark = pytest.mark.django_db
# Reads per report: about five per ledger account read (finding it, a page of entries with running balances: the
# 3 accounts of sales, subscriptions, payouts, rewards pool, burn, and each instructor's held earnings), the
# orders, MRR and churn, course titles and the session. It grows with accounts and pages, never per sale.
QUERY_BUDGET = 70
BANK = {"account_number": "000123456789", "bank_code": "250655", "account_holder": "Thabo Teacher"}


def zar(minor: int) -> Money:
    return Money(minor, "ZAR")


@pytest.fixture
def sales(
    instructor: User,
    learner: User,
    finance_admin: User,
    django_capture_on_commit_callbacks: Capture,
) -> dict[str, Any]:
    """Thabo sells course A (R200) twice (once with 10% off) and Naledi course B (R100) once; a quarter of the
    full-price sale of A is refunded; Thabo's other sale is released and R100 of it paid out."""
    naledi = instructor_on("enterprise", email="naledi@example.test")
    course_a, _ = paid_course(instructor=instructor)
    course_b, _ = paid_course(instructor=naledi, minor=10_000)
    second: User = UserFactory(email="second@example.test")
    CouponFactory(code="TENOFF", percent_off_bp=1_000)
    discounted = buy(django_capture_on_commit_callbacks, learner, course_a, coupon_code="TENOFF")
    full = buy(django_capture_on_commit_callbacks, second, course_a)
    buy(django_capture_on_commit_callbacks, learner, course_b)
    assert full.payment_intent_id is not None
    refund(django_capture_on_commit_callbacks, full.payment_intent_id, finance_admin, 5_000)
    assert discounted.order_id is not None
    first_order = Order.objects.get(pk=discounted.order_id)
    assert first_order.release_at is not None
    shares.earnings_release(order_id=first_order.id, now=first_order.release_at)
    with django_capture_on_commit_callbacks(execute=True):
        response = session_client(instructor).post(
            "/api/v1/payouts",
            data=json.dumps({"amount": "100.00", "currency": "ZAR", "destination": BANK}),
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    return {"naledi": naledi, "course_a": course_a, "course_b": course_b}


def recomputed_by_course() -> dict[str, dict[str, int]]:
    """The course report's figures straight from the Posting rows (not through finance.public)."""
    figures: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    splits = {t.id: t for t in Transfer.objects.filter(kind="course_sale_split", status="posted")}
    reversals = Transfer.objects.filter(kind="reversal", reverses_id__in=list(splits), status="posted")
    for transfer in [*splits.values(), *reversals]:
        original = splits[transfer.reverses_id] if transfer.reverses_id else transfer
        course = original.metadata["course_id"]
        sign = -1 if transfer.reverses_id else 1
        for posting in Posting.objects.filter(transfer=transfer, phase="posted").select_related("account"):
            code = posting.account.code
            if code == "clearing:course_sales":
                figures[course]["refunds" if sign < 0 else "gross"] += posting.amount
            elif code == "revenue:fee_recovery":
                figures[course]["fees"] += sign * posting.amount
            elif code == "revenue:courses":
                figures[course]["platform"] += sign * posting.amount
            elif code == "earnings_held":
                figures[course]["instructor"] += sign * posting.amount
        if not transfer.reverses_id:
            figures[course]["sales"] += 1
    keys = ("sales", "gross", "refunds", "fees", "platform", "instructor")
    return {course: {key: values[key] for key in keys} for course, values in figures.items()}


def test_the_course_report_is_exact_and_recomputes_from_the_postings(
    sales: dict[str, Any],
    finance_admin: User,
) -> None:
    report = revenue_report(viewer_id=finance_admin.id, group_by="course", start=None, end=None, currency="ZAR")
    course_a, course_b = sales["course_a"], sales["course_b"]
    by_key = {row.key: row for row in report.rows}
    # A: R180 (fee 5.52, Thabo 122.13, platform 52.35) + R200 (fee 6.10, 135.73, 58.17) less a quarter of the
    # second (fee 1.53, 33.93, 14.54 -> R50.00). B: R100 on ENTERPRISE (75%): fee 3.20, 72.60, 24.20.
    a = by_key[str(course_a.id)]
    assert (a.sales, a.gross, a.refunds, a.net) == (2, zar(38_000), zar(5_000), zar(33_000))
    assert (a.fees, a.instructor_share, a.platform_share) == (
        zar(552 + 610 - 153),
        zar(12_213 + 13_573 - 3_393),
        zar(5_235 + 5_817 - 1_454),
    )
    b = by_key[str(course_b.id)]
    assert (b.sales, b.gross, b.refunds, b.fees, b.instructor_share, b.platform_share) == (
        1,
        zar(10_000),
        zar(0),
        zar(320),
        zar(7_260),
        zar(2_420),
    )
    assert a.label == course_a.title
    assert report.totals.net == zar(43_000)
    # Every figure, recomputed from the Posting rows themselves.
    for course_id, figures in recomputed_by_course().items():
        row = by_key[course_id]
        assert {
            "sales": row.sales,
            "gross": row.gross.minor,
            "refunds": row.refunds.minor,
            "fees": row.fees.minor,
            "platform": row.platform_share.minor,
            "instructor": row.instructor_share.minor,
        } == figures
    summary = report.summary
    assert (summary.revenue, summary.course_sales, summary.refunds, summary.payouts) == (
        zar(43_000),
        zar(43_000),
        zar(5_000),
        zar(10_000),
    )
    assert summary.mrr == zar(14_900 * 2)  # Thabo's PRO and Naledi's ENTERPRISE factory subscriptions
    assert (summary.churned, summary.azr_issued, summary.azr_burned) == (0, Money(0, "AZR"), Money(0, "AZR"))


def test_an_instructor_sees_their_own_sales_only(
    sales: dict[str, Any],
    instructor: User,
) -> None:
    report = revenue_report(viewer_id=instructor.id, group_by="course", start=None, end=None, currency="ZAR")
    assert report.is_all is False
    assert [row.key for row in report.rows] == [str(sales["course_a"].id)]
    assert report.rows[0].instructor_share == zar(12_213 + 13_573 - 3_393)
    assert (report.summary.mrr, report.summary.azr_issued, report.summary.payouts) == (None, None, zar(10_000))
    by_instructor = revenue_report(viewer_id=instructor.id, group_by="instructor", start=None, end=None, currency="ZAR")
    assert [row.key for row in by_instructor.rows] == [str(instructor.id)]


def test_groupings_by_instructor_country_and_month_add_up_to_the_totals(
    sales: dict[str, Any],
    finance_admin: User,
    instructor: User,
) -> None:
    for group_by in ("instructor", "country", "period", "plan"):
        report = revenue_report(viewer_id=finance_admin.id, group_by=group_by, start=None, end=None, currency="ZAR")
        assert sum(row.net.minor for row in report.rows) == report.totals.net.minor == 43_000
        assert sum(row.instructor_share.minor for row in report.rows) == report.totals.instructor_share.minor
    by_instructor = revenue_report(
        viewer_id=finance_admin.id, group_by="instructor", start=None, end=None, currency="ZAR"
    )
    assert {row.key: row.instructor_share.minor for row in by_instructor.rows} == {
        str(instructor.id): 12_213 + 13_573 - 3_393,
        str(sales["naledi"].id): 7_260,
    }
    month = timezone.now().strftime("%Y-%m")
    by_month = revenue_report(viewer_id=finance_admin.id, group_by="period", start=None, end=None, currency="ZAR")
    assert [row.key for row in by_month.rows] == [month]
    # A period before the sales holds nothing.
    earlier = timezone.now().date() - timedelta(days=40)
    empty = revenue_report(
        viewer_id=finance_admin.id, group_by="course", start=earlier, end=earlier + timedelta(days=1), currency="ZAR"
    )
    assert (empty.rows, empty.totals.gross) == ((), zar(0))


def test_the_report_endpoint_keeps_to_a_query_budget(
    sales: dict[str, Any], finance_admin: User, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    client = session_client(finance_admin)
    for group_by in ("course", "instructor", "plan", "country", "period"):
        with django_assert_max_num_queries(QUERY_BUDGET):
            response = client.get(f"/api/v1/reports/revenue?group_by={group_by}")
        assert response.status_code == 200, response.content


def test_the_csv_export_and_bad_input(sales: dict[str, Any], finance_admin: User) -> None:
    client = session_client(finance_admin)
    response = client.get("/api/v1/reports/revenue?group_by=course&format=csv&currency=ZAR")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "key", "label", "sales", "gross", "refunds", "net", "fees", "instructor_share", "platform_share", "currency",
    ]  # fmt: skip
    assert rows[-1] == ["total", "Total", "3", "480.00", "50.00", "430.00", "13.29", "296.53", "120.18", "ZAR"]
    json_answer = client.get("/api/v1/reports/revenue?group_by=country")
    assert json_answer.status_code == 200
    assert json_answer.json()["rows"][0]["key"] == "--"
    for query, field in (
        ("group_by=colour", "query.group_by"),
        ("currency=XYZ", "query.currency"),
        ("start=2026-05-02&end=2026-05-01", "query.end"),
    ):
        bad = client.get(f"/api/v1/reports/revenue?{query}")
        assert bad.status_code == 422, bad.content
        assert bad.json()["code"] == "report_invalid"
        assert bad.json()["errors"][0]["field"] == field
    assert Client().get("/api/v1/reports/revenue").status_code == 401


def test_a_learner_without_sales_gets_an_empty_report(learner: User) -> None:
    report = revenue_report(viewer_id=learner.id, group_by="course", start=None, end=None, currency="ZAR")
    assert (report.rows, report.totals.net, report.is_all) == ((), zar(0), False)
    platform_role_grant(user_id=learner.id, role="platform_admin")
    assert revenue_report(viewer_id=learner.id, group_by="course", start=None, end=None, currency="ZAR").is_all
