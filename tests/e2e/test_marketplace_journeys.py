"""The Marketplace UI in a real browser: a gig posted, proposed for, accepted, funded by sandbox card, handed in,
released and reviewed by both sides; a dispute resolved as a split by a platform admin; applying without
JavaScript; and axe-core's WCAG 2.2 AA check of every Marketplace page (desktop and phone, light and dark)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Response, expect
from pytest_django.live_server_helper import LiveServer

import azora.finance.public as finance
import azora.marketplace.public as market
from azora.accounts.models import User
from azora.accounts.public import platform_role_grant
from azora.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from azora.marketplace.tests.factories import GigFactory, ListingFactory, ProfileFactory, SkillFactory
from azora.shared.money import Money
from tests.e2e.conftest import DESKTOP, PHONE, Screenshot, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_BUDGET = 500 * 1024  # bytes: every Marketplace page, with its style sheets and scripts
CARD = "4242424242424242"


@pytest.fixture
def contexts(browser: Browser, live_server: LiveServer) -> Iterator[list[BrowserContext]]:
    """Browser profiles for the other people of a journey (each its own cookies); closed after the test."""
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


def _second_page(browser: Browser, live_server: LiveServer, contexts: list[BrowserContext]) -> Page:
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    context.set_default_timeout(10_000)
    contexts.append(context)
    return context.new_page()


def _sign_in(page: Page, person: User) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email:", exact=True).fill(person.email)
    page.get_by_label("Password:", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    expect(page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out")).to_be_visible()


def _status(page: Page) -> str:
    return page.locator(".messages").inner_text()


def _axe(page: Page, label: str) -> list[str]:
    """axe-core on the page as it is, desktop and phone, light and dark; the page is left as it was."""
    problems = []
    for size_name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        for scheme in ("light", "dark"):
            page.set_viewport_size(size)
            page.emulate_media(color_scheme=scheme)
            problems += [f"{label} {size_name} {scheme}: {v}" for v in axe_violations(page)]
    page.set_viewport_size(DESKTOP)
    page.emulate_media(color_scheme="light")
    return problems


def test_a_gig_from_posting_to_both_reviews(
    page: Page, browser: Browser, live_server: LiveServer, contexts: list[BrowserContext], screenshot: Screenshot
) -> None:
    client = UserFactory(email="thandi@example.test", display_name="Thandi Mokoena")
    seller = UserFactory(email="sipho@example.test", display_name="Sipho Dlamini")
    ProfileFactory(user=seller, years_experience=3, expected_pay_minor=300_000)
    SkillFactory(name="HTML", category="Software")  # a transactional test may find the seeded catalogue flushed
    SkillFactory(name="CSS", category="Software")
    market.skills_set(user_id=seller.id, skills=[("HTML", 3), ("CSS", 3)])
    problems: list[str] = []

    # The client posts a gig with one milestone.
    _sign_in(page, client)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Marketplace").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jobs and gigs")
    page.get_by_role("navigation", name="Marketplace").get_by_role("link", name="Post a listing").click()
    page.get_by_label("Gig (fixed-price project)").check()
    page.get_by_label("Title:", exact=True).fill("Website for a Soweto bakery")
    page.get_by_label("Description:", exact=True).fill("Five pages, a **menu** and a contact form.")
    page.get_by_label(re.compile(r"^Remote: work from anywhere")).check()
    page.get_by_label("Currency:", exact=True).select_option("ZAR")
    page.get_by_label("Skill 1:", exact=True).fill("HTML")
    page.get_by_label("Skill 2:", exact=True).fill("CSS")
    page.get_by_label("Milestone 1:", exact=True).fill("Whole website")
    page.get_by_label("Amount of milestone 1:", exact=True).fill("4000")
    screenshot(page, "market-new-listing")
    problems += _axe(page, "new listing")
    page.get_by_role("button", name="Save listing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Website for a Soweto bakery")
    expect(page.get_by_role("status")).to_contain_text("Your listing is published.")
    expect(page.get_by_text("4,000.00 ZAR fixed price")).to_be_visible()

    # The seller finds it, sees why it fits, and sends a proposal.
    seller_page = _second_page(browser, live_server, contexts)
    _sign_in(seller_page, seller)
    seller_page.goto("/market/")
    seller_page.get_by_label("Search", exact=True).fill("bakery")
    seller_page.get_by_role("button", name="Search", exact=True).click()
    expect(seller_page.get_by_role("status")).to_have_text("1 listing found.")
    screenshot(seller_page, "market-browse")
    problems += _axe(seller_page, "browse")
    seller_page.get_by_role("link", name="Website for a Soweto bakery").click()
    expect(seller_page.get_by_role("heading", name="How well you fit")).to_be_visible()
    expect(seller_page.locator(".match-reasons")).to_contain_text("Remote")
    screenshot(seller_page, "market-listing")
    problems += _axe(seller_page, "listing")
    seller_page.get_by_role("link", name="Send a proposal").click()
    seller_page.get_by_label("Cover letter:", exact=True).fill("I built three shop sites in Soweto this year.")
    seller_page.get_by_label("Portfolio links (optional):", exact=True).fill("https://sipho.example.test/work")
    problems += _axe(seller_page, "apply")
    seller_page.get_by_role("button", name="Send proposal").click()
    expect(seller_page.get_by_role("status")).to_contain_text("Your proposal was sent.")
    expect(seller_page.get_by_role("heading", level=1)).to_have_text("Proposal: Website for a Soweto bakery")

    # The client sees the applicant ranked with reasons, writes, and makes an offer.
    page.goto("/market/my/listings/")
    screenshot(page, "market-dashboard")
    problems += _axe(page, "my listings")
    page.get_by_role("link", name=re.compile(r"^1 applicant")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Applicants: Website for a Soweto bakery")
    expect(page.locator(".applicant-list .match-score")).to_contain_text("% match")
    screenshot(page, "market-applicants")
    problems += _axe(page, "applicants")
    page.get_by_role("link", name="Sipho Dlamini").click()
    page.get_by_label("Message:", exact=True).fill("Can you start on Monday?")
    page.get_by_role("button", name="Send message").click()
    expect(page.locator(".chat-message")).to_contain_text("Can you start on Monday?")
    page.get_by_role("button", name="Make an offer").click()
    expect(page.get_by_role("status")).to_contain_text("Status changed to Offered.")

    # The seller answers and accepts: the contract opens.
    seller_page.goto("/market/my/applications/")
    expect(seller_page.get_by_role("cell", name="Offered")).to_be_visible()
    screenshot(seller_page, "market-my-applications")
    problems += _axe(seller_page, "my applications")
    seller_page.get_by_role("link", name="Website for a Soweto bakery").click()
    expect(seller_page.locator(".chat-message")).to_contain_text("Can you start on Monday?")
    seller_page.get_by_label("Message:", exact=True).fill("Yes, Monday works.")
    seller_page.get_by_role("button", name="Send message").click()
    expect(seller_page.locator(".chat-message").nth(1)).to_contain_text("Yes, Monday works.")
    screenshot(seller_page, "market-thread")
    problems += _axe(seller_page, "application and thread")
    seller_page.get_by_role("button", name="Accept the offer").click()
    expect(seller_page.get_by_role("heading", level=1)).to_have_text("Contract: Website for a Soweto bakery")

    # The client funds the milestone by sandbox card: held in escrow, not paid out.
    page.goto("/market/contracts/")
    problems += _axe(page, "contracts")
    page.get_by_role("link", name="Website for a Soweto bakery").click()
    expect(page.locator(".escrow-held")).to_have_text("0.00 ZAR")
    page.get_by_role("link", name=re.compile(r"^Fund 4,000.00 ZAR")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fund a milestone")
    page.get_by_label("Card number:", exact=True).fill(CARD)
    page.get_by_label("Expiry month:", exact=True).fill("12")
    page.get_by_label("Expiry year:", exact=True).fill("2035")
    page.get_by_label("Security code:", exact=True).fill("123")
    screenshot(page, "market-fund")
    problems += _axe(page, "fund")
    page.get_by_role("button", name="Pay 4,000.00 ZAR by card").click()
    expect(page.get_by_role("status")).to_contain_text('4,000.00 ZAR is held in escrow for "Whole website".')
    expect(page.locator(".escrow-held")).to_have_text("4,000.00 ZAR")
    expect(page.locator(".milestone .status")).to_have_text("Held in escrow")
    screenshot(page, "market-contract-held")

    # The seller hands in; the client releases: the seller is paid less the 2.5% fee.
    seller_page.reload()
    seller_page.get_by_label("What you hand in", exact=True).fill("The site is live at https://bakery.example.test")
    seller_page.get_by_role("button", name=re.compile(r"^Hand in the work")).click()
    expect(seller_page.get_by_role("status")).to_contain_text("is handed in")
    page.reload()
    expect(page.get_by_text("Released automatically on")).to_be_visible()
    problems += _axe(page, "contract submitted")
    page.get_by_role("button", name=re.compile(r"^Release 4,000.00 ZAR")).click()
    expect(page.get_by_role("status")).to_contain_text("released: 3,900.00 ZAR paid to Sipho Dlamini.")
    expect(page.locator(".escrow-released")).to_have_text("3,900.00 ZAR")
    expect(page.locator(".lead .status")).to_have_text("Completed")

    # Both review; each review stays hidden until the other is in. The constitution's output rails read each text;
    # their first call in a process loads its detectors (several seconds), hence the longer wait.
    page.set_default_timeout(60_000)
    seller_page.set_default_timeout(60_000)
    page.get_by_label("5 (excellent)").check()
    page.get_by_label("Review (optional):", exact=True).fill("Fast, careful and friendly.")
    problems += _axe(page, "review form")
    page.get_by_role("button", name="Publish review").click()
    expect(page.get_by_role("status")).to_contain_text("Your review stays hidden")
    seller_page.reload()
    expect(seller_page.get_by_text("Fast, careful and friendly.")).to_have_count(0)
    seller_page.get_by_label("4", exact=True).check()
    seller_page.get_by_label("Review (optional):", exact=True).fill("Clear brief and paid on time.")
    seller_page.get_by_role("button", name="Publish review").click()
    expect(seller_page.get_by_role("status")).to_contain_text("Both reviews are in and now published.")
    expect(seller_page.get_by_text("Fast, careful and friendly.")).to_be_visible()
    screenshot(seller_page, "market-contract-reviewed")

    page.goto(f"/market/people/{seller.id}/")
    expect(page.get_by_text("5.0 out of 5 (1 review)")).to_be_visible()
    screenshot(page, "market-profile")
    problems += _axe(page, "profile")

    wallet = finance.user_wallet(user_id=client.id, currency="ZAR")
    assert finance.balance(account_id=wallet.id).available == Money(0, "ZAR")  # the card money went to the seller
    assert finance.reconcile().is_clean
    assert problems == []
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_a_dispute_resolved_as_a_split(
    page: Page, browser: Browser, live_server: LiveServer, contexts: list[BrowserContext], screenshot: Screenshot
) -> None:
    client = UserFactory(email="lerato@example.test", display_name="Lerato Khumalo")
    seller = UserFactory(email="kofi@example.test", display_name="Kofi Boateng")
    admin = UserFactory(email="zanele@example.test", display_name="Zanele Admin")
    platform_role_grant(user_id=admin.id, role="platform_admin")
    gig = GigFactory(poster=client, title="Brochure for a clinic", milestones=[("Brochure", 200_000)])
    application = market.application_create(applicant_id=seller.id, listing_id=gig.id, cover_letter="I design print.")
    market.application_transition(actor_id=client.id, application_id=application.id, to_status="offered")
    accepted = market.application_transition(actor_id=seller.id, application_id=application.id, to_status="accepted")
    assert accepted.contract_id is not None
    contract_path = f"/market/contracts/{accepted.contract_id}/"
    problems: list[str] = []

    # The client funds by card and the seller hands in, in the browser.
    _sign_in(page, client)
    page.goto(contract_path)
    page.get_by_role("link", name=re.compile(r"^Fund 2,000.00 ZAR")).click()
    page.get_by_label("Card number:", exact=True).fill(CARD)
    page.get_by_label("Expiry month:", exact=True).fill("12")
    page.get_by_label("Expiry year:", exact=True).fill("2035")
    page.get_by_label("Security code:", exact=True).fill("123")
    page.get_by_role("button", name="Pay 2,000.00 ZAR by card").click()
    expect(page.locator(".escrow-held")).to_have_text("2,000.00 ZAR")
    seller_page = _second_page(browser, live_server, contexts)
    _sign_in(seller_page, seller)
    seller_page.goto(contract_path)
    seller_page.get_by_label("What you hand in", exact=True).fill("Two of four pages; the rest next week.")
    seller_page.get_by_role("button", name=re.compile(r"^Hand in the work")).click()
    expect(seller_page.get_by_role("status")).to_contain_text("is handed in")

    # The client disputes: the money stays held.
    page.reload()
    page.get_by_role("link", name=re.compile(r"^Open a dispute")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open a dispute")
    page.get_by_label("What went wrong:", exact=True).fill("Only half the brochure was delivered.")
    screenshot(page, "market-dispute")
    problems += _axe(page, "dispute form")
    page.get_by_role("button", name="Open the dispute").click()
    expect(page.get_by_role("status")).to_contain_text("The dispute is open.")
    expect(page.locator(".milestone .status")).to_have_text("Disputed: held")
    expect(page.locator(".escrow-held")).to_have_text("2,000.00 ZAR")

    # A platform admin splits it: R1,200 to the seller (less the fee), R800 back to the client's wallet.
    admin_page = _second_page(browser, live_server, contexts)
    _sign_in(admin_page, admin)
    admin_page.goto("/market/")
    admin_page.get_by_role("navigation", name="Marketplace").get_by_role("link", name="Disputes").click()
    expect(admin_page.get_by_role("cell", name="Only half the brochure was delivered.")).to_be_visible()
    screenshot(admin_page, "market-disputes")
    problems += _axe(admin_page, "disputes")
    admin_page.locator("table a").first.click()
    expect(admin_page.get_by_role("heading", level=1)).to_have_text("Resolve a dispute")
    admin_page.get_by_role("radio", name=re.compile(r"^Split")).check()
    admin_page.get_by_label("Seller's part (split only):", exact=True).fill("1200")
    admin_page.get_by_label("Decision note:", exact=True).fill("Half the pages were delivered, and well.")
    screenshot(admin_page, "market-resolve")
    problems += _axe(admin_page, "resolve")
    admin_page.get_by_role("button", name="Decide").click()
    expect(admin_page.get_by_role("status")).to_contain_text("The dispute is resolved")
    expect(admin_page.get_by_text("Split: 1,200.00 ZAR to the seller")).to_be_visible()

    seller_page.reload()
    expect(seller_page.locator(".dispute-box")).to_contain_text("1,200.00 ZAR to the seller")
    expect(seller_page.locator(".escrow-released")).to_have_text("1,170.00 ZAR")
    expect(seller_page.locator(".escrow-held")).to_have_text("0.00 ZAR")
    screenshot(seller_page, "market-contract-split")
    wallet = finance.user_wallet(user_id=client.id, currency="ZAR")
    assert finance.balance(account_id=wallet.id).available == Money(80_000, "ZAR")
    assert finance.reconcile().is_clean
    assert problems == []
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_browsing_and_applying_work_without_javascript(browser: Browser, live_server: LiveServer) -> None:
    poster = UserFactory(email="amina@example.test", display_name="Amina")
    applicant = UserFactory(email="tendai@example.test", display_name="Tendai")
    ListingFactory(poster=poster, title="Junior data analyst", location="Harare", country="ZW")
    ListingFactory(poster=poster, title="Solar installer", location="Kisumu", country="KE")
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        _sign_in(page, applicant)
        page.goto("/market/")
        page.get_by_label("Search", exact=True).fill("solar")
        page.get_by_role("button", name="Search", exact=True).click()
        expect(page.get_by_role("status")).to_have_text("1 listing found.")
        assert "q=solar" in page.url
        page.get_by_role("link", name="Solar installer").click()
        page.get_by_role("link", name="Apply").click()
        page.get_by_role("button", name="Send application").click()
        expect(page.get_by_role("alert")).to_contain_text("Cover letter: This field is required.")
        page.get_by_label("Cover letter:", exact=True).fill("I have installed forty rooftop systems.")
        page.get_by_role("button", name="Send application").click()
        expect(page.get_by_role("status")).to_contain_text("Your application was sent.")
        assert [a.listing_title for a in market.applications_of_user(user_id=applicant.id)] == ["Solar installer"]
    finally:
        context.close()


def _weight(page: Page, path: str) -> int:
    responses: list[Response] = []

    def keep(response: Response) -> None:
        responses.append(response)

    page.on("response", keep)
    page.goto(path, wait_until="networkidle")
    page.remove_listener("response", keep)
    return sum(len(response.body()) for response in responses if response.ok)


def test_every_marketplace_page_stays_light_and_accessible(page: Page) -> None:
    """The pages the journeys do not reach (refusals, empty states, filters open) and the weight of each page."""
    person = UserFactory(email="nomsa@example.test", display_name="Nomsa")
    admin = UserFactory(email="admin@example.test", display_name="Admin")
    platform_role_grant(user_id=person.id, role="platform_admin")
    listing = ListingFactory(poster=admin, title="Teaching assistant")
    _sign_in(page, person)
    paths = [
        "/market/",
        "/market/?q=nothing-like-this&kind=job",
        "/market/?pay_min=100",  # refused: no currency
        f"/market/listings/{listing.id}/",
        f"/market/listings/{listing.id}/apply/",
        "/market/matches/",
        "/market/my/applications/",
        "/market/my/listings/",
        "/market/listings/new/",
        "/market/contracts/",
        "/market/disputes/",
        "/market/my/profile/",
        f"/market/people/{admin.id}/",
    ]
    problems: list[str] = []
    for path in paths:
        page.goto(path)
        problems += _axe(page, path)
    assert problems == []
    page.goto("/market/listings/new/")
    page.get_by_role("button", name="Save listing").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct the following:")
    assert _axe(page, "new listing refused") == []
    heavy = {path: weight for path in paths if (weight := _weight(page, path)) > PAGE_BUDGET}
    assert heavy == {}
    errors = [e for e in page.console_errors if "status of 422" not in e]  # type: ignore[attr-defined]
    assert errors == []
