"""The revenue engine's pages in a real browser: a learner buys a paid course with a coupon and a sandbox test card
and the course opens; a learner on Free accepts the upgrade offer earned by learning; the pricing toggle without
JavaScript; an instructor reads a sale and asks for a payout; axe-core's WCAG 2.2 AA check of each new page as it
is used, and the pricing page under 500 KB."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, Response, expect
from pytest_django.live_server_helper import LiveServer

import azora.education.public as education
import azora.payments.public as payments
from azora.accounts.models import User
from azora.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from azora.portals.student.tests.conftest import BuiltCourse, build_course
from azora.revenue.models import Order
from azora.revenue.public import checkout_create, course_prices_set, offers_of
from azora.revenue.services.shares import earnings_release_due
from azora.revenue.tests.checkout.factories import CouponFactory, instructor_on
from azora.revenue.tests.pricing.factories import plan_catalogue
from azora.shared.money import Money
from tests.e2e.conftest import DESKTOP, PHONE, Screenshot, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_BUDGET = 500 * 1024  # bytes: a page with its style sheets and scripts
CARD = {"type": "card", "number": "4242424242424242", "exp_month": "12", "exp_year": "2035", "cvc": "123"}


def _sign_in(page: Page, person: User) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email:", exact=True).fill(person.email)
    page.get_by_label("Password:", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    expect(page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out")).to_be_visible()


def _checked(page: Page, name: str) -> None:
    """axe-core finds no WCAG 2.2 AA violation on desktop and phone, light and dark."""
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            assert axe_violations(page) == [], f"{name} ({size['width']} px, {scheme})"
    page.emulate_media(color_scheme="light")
    page.set_viewport_size(DESKTOP)


def _weight(page: Page, path: str) -> int:
    """All bytes on the wire for a cold visit of `path` (HTML, style sheets, scripts, images)."""
    sizes: list[int] = []

    def on_response(response: Response) -> None:
        body = response.body() if response.status < 300 else b""
        sizes.append(len(body))

    page.on("response", on_response)
    page.goto(path)
    page.wait_for_load_state("networkidle")
    page.remove_listener("response", on_response)
    return sum(sizes)


@pytest.fixture
def paid_course() -> BuiltCourse:
    plan_catalogue()
    teacher = instructor_on("pro", email="lerato@example.test", display_name="Lerato Mokoena")
    course = build_course(teacher, title="Budgeting for beginners")
    course_prices_set(course_id=course.id, user_id=teacher.id, prices=[Money(20_000, "ZAR")])
    return course


def test_buy_a_paid_course_with_a_coupon_and_a_test_card_and_open_it(
    page: Page, paid_course: BuiltCourse, screenshot: Screenshot
) -> None:
    CouponFactory(code="LAUNCH20", percent_off_bp=2_000)
    learner = UserFactory(email="thandi@example.test", display_name="Thandi Dlamini")
    _sign_in(page, learner)

    page.goto(f"/courses/{paid_course.slug}/")
    expect(page.locator(".course-price")).to_have_text("R200")
    screenshot(page, "revenue-course-buy")
    page.get_by_role("link", name="Buy for R200").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Buy Budgeting for beginners")
    expect(page.locator(".summary-total dd")).to_have_text("200.00 ZAR")
    page.get_by_label("Coupon code (optional):", exact=True).fill("nope")
    page.get_by_role("button", name="Apply").click()  # HTMX redraws the panel with the coupon's error
    expect(page.get_by_role("alert")).to_contain_text("There is no such coupon.")
    _checked(page, "review page with an error")
    page.get_by_label("Coupon code (optional):", exact=True).fill("LAUNCH20")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".summary-total dd")).to_have_text("160.00 ZAR")
    expect(page.locator(".summary-list")).to_contain_text("Coupon")
    _checked(page, "review page")
    screenshot(page, "revenue-review")
    assert Order.objects.count() == 0  # nothing is bought before the buyer says so

    page.get_by_role("button", name="Continue to pay 160.00 ZAR").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Checkout")
    expect(page.locator(".order-summary .big-amount")).to_have_text("160.00 ZAR")
    page.get_by_label("Card number:", exact=True).fill("4242 4242 4242 4242")
    page.get_by_label("Expiry month:", exact=True).fill("12")
    page.get_by_label("Expiry year:", exact=True).fill("2035")
    page.get_by_label("Security code:", exact=True).fill("123")
    page.get_by_role("button", name="Pay 160.00 ZAR").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Payment received")
    page.get_by_role("link", name="Go to your course").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Purchase complete")
    expect(page.get_by_role("status")).to_contain_text("“Budgeting for beginners” is yours.")
    _checked(page, "order page")
    screenshot(page, "revenue-order")
    page.get_by_role("link", name="Open the course").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Budgeting for beginners")
    expect(page.get_by_text("Buy for R200")).to_have_count(0)
    page.get_by_role("link", name="Start learning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Needs and wants")
    order = Order.objects.get()
    assert (order.status, order.total_minor, order.coupon_discount_minor) == ("paid", 16_000, 4_000)
    assert education.is_enrolled(user_id=learner.id, course_id=paid_course.id)
    # The refused coupon's answer is a 422 that HTMX swaps in (the browser logs the status); nothing else.
    errors = [e for e in page.console_errors if "status of 422" not in e]  # type: ignore[attr-defined]
    assert errors == []


def test_a_learner_accepts_the_offer_that_learning_earned(page: Page, screenshot: Screenshot) -> None:
    plan_catalogue()
    teacher = instructor_on("pro", email="lerato@example.test")
    course = build_course(teacher, title="Saving for beginners")
    learner = UserFactory(email="thandi@example.test", display_name="Thandi Dlamini")
    education.enrollment_create(course_id=course.id, user_id=learner.id)
    for lesson_id in course.lesson_ids[:2]:  # 2 of 3 lessons: past 40% of the course
        education.lesson_complete(lesson_id=lesson_id, user_id=learner.id)
    _sign_in(page, learner)

    page.goto("/my/rewards/")
    expect(page.get_by_role("heading", name="50% off PRO")).to_be_visible()
    expect(page.get_by_text("For reaching 40% of a course.")).to_be_visible()
    expect(page.locator(".reward-head").first).to_contain_text("Lesson completed")
    page.get_by_text("Proof", exact=False).first.click()
    expect(page.locator(".proof").first).to_contain_text("Base reward")
    _checked(page, "rewards page")
    screenshot(page, "revenue-rewards")

    page.get_by_role("button", name="Accept the offer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Buy Pro")
    expect(page.get_by_role("status").first).to_contain_text("Offer accepted")
    _checked(page, "plan review page")
    screenshot(page, "revenue-plan-review")
    [offer] = offers_of(user_id=learner.id)
    assert offer.status == "accepted"
    page.goto("/my/rewards/")
    expect(page.get_by_text("✓ Accepted")).to_be_visible()
    page.goto("/pay/subscription/")
    expect(page.get_by_role("heading", name="You are on Free")).to_be_visible()
    _checked(page, "plan page")
    screenshot(page, "revenue-plan")
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_pricing_switches_to_annual_without_javascript_and_stays_light(
    browser: Browser, live_server: LiveServer, screenshot: Screenshot
) -> None:
    plan_catalogue()
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()

    page.goto("/pricing/")
    expect(page.locator(".plan-card").nth(1).locator(".price-amount")).to_have_text("R149")
    page.get_by_role("link", name="Annual").click()

    expect(page).to_have_url(re.compile(r"/pricing/\?interval=year$"))
    expect(page.locator(".plan-card").nth(1).locator(".price-amount")).to_have_text("R1,499")
    context.close()

    scripted = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    page = scripted.new_page()
    assert _weight(page, "/pricing/") < PAGE_BUDGET
    page.get_by_role("link", name="Annual").click()  # HTMX swaps the plans and keeps the address shareable
    expect(page).to_have_url(re.compile(r"/pricing/\?interval=year$"))
    expect(page.locator(".plan-card").nth(1).locator(".price-amount")).to_have_text("R1,499")
    _checked(page, "pricing page")
    screenshot(page, "revenue-pricing")
    scripted.close()


def test_an_instructor_reads_a_sale_and_asks_for_a_payout(
    page: Page, paid_course: BuiltCourse, screenshot: Screenshot
) -> None:
    buyer = UserFactory(email="thandi@example.test")
    sale = checkout_create(user_id=buyer.id, item="course", course_id=paid_course.id, currency="ZAR")
    assert sale.payment_intent_id is not None
    assert sale.order_id is not None
    payments.payment_intent_confirm(intent_id=sale.payment_intent_id, customer_id=buyer.id, payment_method=CARD)
    Order.objects.filter(id=sale.order_id).update(release_at=timezone.now() - dt.timedelta(minutes=1))
    earnings_release_due()  # the 14-day hold is over
    teacher = User.objects.get(email="lerato@example.test")
    _sign_in(page, teacher)

    page.goto("/pay/")
    page.get_by_role("navigation", name="Wallet and payments").get_by_role("link", name="Earnings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Earnings and payouts")
    expect(page.get_by_role("cell", name="Budgeting for beginners")).to_be_visible()
    _checked(page, "earnings page")
    page.get_by_label("Amount (ZAR):", exact=True).fill("100")
    page.get_by_label("Account holder:", exact=True).fill("Lerato Mokoena")
    page.get_by_label("Bank code:", exact=True).fill("250655")
    page.get_by_label("Account number:", exact=True).fill("000123456789")
    page.get_by_role("button", name="Request payout").click()

    expect(page.get_by_role("status").first).to_contain_text("Payout of 100.00 ZAR requested to Bank 250655 ••••6789.")
    expect(page.get_by_role("cell", name="Paid", exact=True)).to_be_visible()
    _checked(page, "earnings page after a payout")
    screenshot(page, "revenue-earnings")
    assert page.console_errors == []  # type: ignore[attr-defined]
