"""The Pay UI in a real browser: top-up → receipt, send AZR with its confirmation, a declined card, the bank's
challenge, and axe-core's WCAG 2.2 AA check of every Pay UI page (desktop and phone, light and dark)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, Response, expect
from pytest_django.live_server_helper import LiveServer

import azora.finance.public as finance
import azora.payments.public as payments
from azora.accounts.models import User
from azora.accounts.public import platform_role_grant
from azora.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from azora.shared.money import Money
from tests.e2e.conftest import DESKTOP, PHONE, Screenshot, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_BUDGET = 500 * 1024  # bytes: every Pay UI page, with its style sheets and scripts


def _sign_in(page: Page, person: User) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email:", exact=True).fill(person.email)
    page.get_by_label("Password:", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    expect(page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out")).to_be_visible()


def _available(person: User) -> Money:
    wallet = finance.user_wallet(user_id=person.id)
    return finance.balance(account_id=wallet.id).available


def _pay_with(page: Page, card: str) -> None:
    page.get_by_label("Card number:", exact=True).fill(card)
    page.get_by_label("Expiry month:", exact=True).fill("12")
    page.get_by_label("Expiry year:", exact=True).fill("2035")
    page.get_by_label("Security code:", exact=True).fill("123")
    page.get_by_role("button", name=re.compile(r"^Pay \d")).click()


def _top_up(page: Page, amount: str) -> None:
    page.goto("/pay/top-up/")
    page.get_by_label("Amount:", exact=True).fill(amount)
    page.get_by_role("button", name="Continue to payment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Checkout")


def test_top_up_by_card_then_read_and_print_the_receipt(page: Page, screenshot: Screenshot) -> None:
    person = UserFactory(email="lindiwe@example.test", display_name="Lindiwe")
    _sign_in(page, person)

    page.goto("/pay/")
    screenshot(page, "pay-wallet-empty")
    _top_up(page, "150.00")
    expect(page.get_by_role("heading", name="Sandbox test cards")).to_be_visible()
    screenshot(page, "pay-checkout")
    _pay_with(page, "4242 4242 4242 4242")

    expect(page.get_by_role("heading", level=1)).to_have_text("Payment received")
    expect(page.get_by_text("The amount is now in your wallet.")).to_be_visible()
    screenshot(page, "pay-result-success")
    assert _available(person) == Money(15000, "AZR")

    page.get_by_role("link", name="View receipt").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Receipt INV-")
    expect(page.get_by_role("row", name="Total paid")).to_contain_text("150.00 AZR")
    expect(page.get_by_role("button", name="Print receipt")).to_be_visible()  # shown only with JavaScript
    screenshot(page, "pay-receipt")
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Wallet and payments")).to_be_hidden()
    expect(page.get_by_role("button", name="Print receipt")).to_be_hidden()
    page.emulate_media(media="screen")

    page.goto("/pay/")
    expect(page.locator(".balance-available").first).to_have_text("150.00 AZR")
    expect(page.get_by_role("img", name="Closing AZR balance per day")).to_be_visible()
    screenshot(page, "pay-wallet")
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_send_azr_shows_fee_and_total_before_anything_moves(page: Page, screenshot: Screenshot) -> None:
    sender = UserFactory(email="sipho@example.test", display_name="Sipho")
    recipient = UserFactory(email="naledi@example.test", display_name="Naledi")
    _sign_in(page, sender)
    _top_up(page, "50")
    _pay_with(page, "4242424242424242")
    expect(page.get_by_role("heading", level=1)).to_have_text("Payment received")

    page.goto("/pay/send/")
    page.get_by_label("Recipient's email address:", exact=True).fill(recipient.email)
    page.get_by_label("Amount (AZR):", exact=True).fill("20")
    page.get_by_label("Note (optional):", exact=True).fill("For the study group snacks")
    screenshot(page, "pay-send")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Check and confirm")).to_be_visible()
    fee = finance.peer_transfer_fee(amount=Money(2000, "AZR"))
    total = Money(2000, "AZR") + fee
    expect(page.locator(".summary-total dd")).to_have_text(f"{total}")
    screenshot(page, "pay-send-confirm")
    assert _available(sender) == Money(5000, "AZR")  # nothing has moved yet
    assert _available(recipient) == Money(0, "AZR")

    page.get_by_role("button", name="Confirm and send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Transfer")
    expect(page.get_by_role("status")).to_contain_text("Sent 20.00 AZR to naledi@example.test.")
    screenshot(page, "pay-transfer")
    assert _available(sender) == Money(5000, "AZR") - total
    assert _available(recipient) == Money(2000, "AZR")

    page.goto("/pay/history/")
    expect(page.get_by_text("For the study group snacks")).to_be_visible()
    screenshot(page, "pay-history")
    # Typing in the search box filters the list in place (HTMX) and keeps the address shareable.
    page.get_by_label("Search:", exact=True).press_sequentially("pizza")
    expect(page.get_by_text("No entries match these filters.")).to_be_visible()
    assert "q=pizza" in page.url
    page.get_by_label("Search:", exact=True).fill("snacks")
    page.get_by_label("Search:", exact=True).press("Enter")
    expect(page.get_by_text("For the study group snacks")).to_be_visible()
    expect(page.get_by_text("Wallet top-up")).to_be_hidden()
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_a_declined_card_fails_cleanly_and_adds_nothing(page: Page, screenshot: Screenshot) -> None:
    person = UserFactory(email="kwame@example.test")
    _sign_in(page, person)
    _top_up(page, "80")
    _pay_with(page, "4000000000000002")

    expect(page.get_by_role("heading", level=1)).to_have_text("Payment failed")
    expect(page.get_by_role("alert")).to_contain_text("nothing was charged")
    screenshot(page, "pay-result-declined")
    assert _available(person) == Money(0, "AZR")
    intents = payments.payment_intents_of(customer_id=person.id).items
    assert [(intent.status, intent.receipt_id) for intent in intents] == [("failed", None)]

    page.get_by_role("link", name="Try again").click()
    expect(page.get_by_label("Amount:", exact=True)).to_have_value("80.00")


def test_the_banks_challenge_is_a_page_of_its_own(page: Page, screenshot: Screenshot) -> None:
    person = UserFactory(email="amina@example.test")
    _sign_in(page, person)
    _top_up(page, "30")
    _pay_with(page, "4000000000003220")

    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm the payment with your bank")
    screenshot(page, "pay-challenge")
    assert _available(person) == Money(0, "AZR")
    page.get_by_role("button", name="Approve payment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Payment received")
    assert _available(person) == Money(3000, "AZR")


def _check(page: Page, path: str) -> list[str]:
    problems = []
    for size_name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        for scheme in ("light", "dark"):
            page.set_viewport_size(size)
            page.emulate_media(color_scheme=scheme)
            page.goto(path)
            problems += [f"{path} {size_name} {scheme}: {violation}" for violation in axe_violations(page)]
    return problems


def _weight(page: Page, path: str) -> int:
    """Bytes the browser fetched for the page: the document, its style sheets, scripts and images."""
    responses: list[Response] = []

    def keep(response: Response) -> None:
        responses.append(response)

    page.on("response", keep)
    page.goto(path, wait_until="networkidle")
    page.remove_listener("response", keep)
    return sum(len(response.body()) for response in responses if response.ok)


def test_every_pay_page_meets_wcag_2_2_aa_and_stays_light(page: Page, screenshot: Screenshot) -> None:
    admin = UserFactory(email="zanele@example.test", display_name="Zanele")
    platform_role_grant(user_id=admin.id, role="finance_admin")
    recipient = UserFactory(email="thabo@example.test")
    _sign_in(page, admin)
    _top_up(page, "120")
    _pay_with(page, "4242424242424242")
    expect(page.get_by_role("heading", level=1)).to_have_text("Payment received")
    intent = payments.payment_intents_of(customer_id=admin.id).items[0]
    assert intent.receipt_id is not None
    pending = payments.payment_intent_create(
        customer_id=admin.id, amount=Money(1000, "AZR"), purpose="wallet_top_up", description="Wallet top-up"
    )
    wallet = finance.user_wallet(user_id=admin.id)
    page.goto("/pay/send/")
    page.get_by_label("Recipient's email address:", exact=True).fill(recipient.email)
    page.get_by_label("Amount (AZR):", exact=True).fill("5")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Confirm and send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Transfer")
    transfer_path = page.url.removeprefix(page.url.split("/pay/")[0])

    paths = [
        "/pay/",
        "/pay/history/",
        "/pay/history/?period=custom&since=2026-01-01&until=2025-01-01",
        "/pay/send/",
        transfer_path,
        "/pay/top-up/",
        f"/pay/checkout/{pending.id}/",
        f"/pay/checkout/{intent.id}/result/",
        "/pay/receipts/",
        f"/pay/receipts/{intent.receipt_id}/",
        "/pay/statements/",
        f"/pay/statements/?account={wallet.id}&start=2026-01-01&end=2030-12-31",
        "/pay/refunds/",
        f"/pay/refunds/?payment={intent.id}",
    ]
    problems = []
    for path in paths:
        problems += _check(page, path)
    assert problems == []

    page.set_viewport_size(DESKTOP)
    page.emulate_media(color_scheme="light")
    heavy = {path: weight for path in paths if (weight := _weight(page, path)) > PAGE_BUDGET}
    assert heavy == {}
    page.goto(f"/pay/refunds/?payment={intent.id}")
    screenshot(page, "pay-refunds")
    page.goto(f"/pay/statements/?account={wallet.id}&start=2026-01-01&end=2030-12-31")
    screenshot(page, "pay-statement")
    page.goto("/pay/receipts/")
    screenshot(page, "pay-receipts")
    # No CSP violation and no script error; the one page with a refused period answers 422 on purpose.
    errors = [e for e in page.console_errors if "status of 422" not in e]  # type: ignore[attr-defined]
    assert errors == []


def test_top_up_and_send_work_without_javascript(browser: Browser, live_server: LiveServer) -> None:
    sender = UserFactory(email="ayanda@example.test")
    recipient = UserFactory(email="bongani@example.test")
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        _sign_in(page, sender)
        _top_up(page, "10")
        _pay_with(page, "4242424242424242")
        expect(page.get_by_role("heading", level=1)).to_have_text("Payment received")
        page.get_by_role("link", name="View receipt").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Receipt INV-")
        expect(page.get_by_role("button", name="Print receipt")).to_have_count(0)  # it needs JavaScript

        page.goto("/pay/send/")
        page.get_by_label("Recipient's email address:", exact=True).fill(recipient.email)
        page.get_by_label("Amount (AZR):", exact=True).fill("2.50")
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", name="Check and confirm")).to_be_visible()
        page.get_by_role("button", name="Confirm and send").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Transfer")
        assert _available(recipient) == Money(250, "AZR")

        page.goto("/pay/history/?q=nothing-like-this")
        expect(page.get_by_text("No entries match these filters.")).to_be_visible()
    finally:
        context.close()
