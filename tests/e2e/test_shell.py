"""The web shell in a real browser: without JavaScript, invitations, languages, the PWA, sessions and passkeys."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from azora.accounts.models import Invitation, Membership, Organisation, User
from azora.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.e2e.conftest import DESKTOP, Screenshot, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email:", exact=True).fill(email)
    page.get_by_label("Password:", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def test_the_main_actions_work_without_javascript(
    browser: Browser, live_server: LiveServer, screenshot: Screenshot
) -> None:
    UserFactory(email="thandi@example.test", display_name="Thandi")
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, "thandi@example.test")

        page.goto("/organisations/")
        page.get_by_label("Name:", exact=True).fill("Khanya Academy")
        page.get_by_role("button", name="Create organisation").click()
        organisation = Organisation.objects.get()
        expect(page).to_have_url(f"{live_server.url}/organisations/{organisation.id}/")
        expect(page.get_by_role("status")).to_have_text("Khanya Academy was created.")

        page.get_by_label("Email address:", exact=True).fill("lerato@example.test")
        page.get_by_label("Role:", exact=True).select_option("instructor")
        page.get_by_role("button", name="Send invitation").click()
        expect(page.get_by_role("status")).to_have_text("An invitation was sent to lerato@example.test.")
        assert list(Invitation.objects.values_list("email", "role")) == [("lerato@example.test", "instructor")]

        page.goto("/organisations/")
        page.get_by_label("Name:", exact=True).fill("")
        page.get_by_role("button", name="Create organisation").click()
        expect(page.locator("#id_name_error")).to_have_text("This field is required.")
        expect(page.get_by_label("Name:", exact=True)).to_have_attribute("aria-invalid", "true")
        assert Organisation.objects.count() == 1

        page.goto("/account/profile/")
        page.get_by_label("Display name:", exact=True).fill("Thandi M.")
        page.get_by_label("Country:", exact=True).fill("ke")
        page.get_by_label("Time zone:", exact=True).select_option("Africa/Nairobi")
        page.get_by_role("button", name="Save profile").click()
        expect(page.get_by_role("status")).to_have_text("Your profile was saved.")
        person = User.objects.get(email="thandi@example.test")
        assert (person.display_name, person.country, person.time_zone) == ("Thandi M.", "KE", "Africa/Nairobi")

        page.goto("/account/api-keys/")
        page.get_by_label("Name:", exact=True).fill("Report script")
        page.get_by_label("Read organisations and members (organisations:read)").check()
        page.get_by_label("Owner:", exact=True).select_option(label="Khanya Academy")
        page.get_by_role("button", name="Create key").click()
        expect(page.locator("#new-api-key")).to_contain_text("azk_")
        expect(page.get_by_role("button", name="Copy key")).to_be_hidden()  # a script-only helper
        expect(page.get_by_role("heading", name="Keys of Khanya Academy")).to_be_visible()
        page.get_by_role("button", name="Revoke Report script").click()
        expect(page.get_by_role("status")).to_have_text("The key was revoked; it no longer works.")
        expect(page.get_by_label("Show the keys of")).to_have_value(str(organisation.id))
    finally:
        context.close()


def test_an_invitation_link_leads_through_sign_in_to_membership(page: Page, live_server: LiveServer) -> None:
    owner = UserFactory(email="thandi@example.test", display_name="Thandi")
    UserFactory(email="lerato@example.test", display_name="Lerato")
    sign_in(page, owner.email)
    page.goto("/organisations/")
    page.get_by_label("Name:", exact=True).fill("Khanya Academy")
    page.get_by_role("button", name="Create organisation").click()
    page.get_by_role("link", name="Open it").click()
    page.get_by_label("Email address:", exact=True).fill("lerato@example.test")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_have_text("An invitation was sent to lerato@example.test.")
    link = re.search(r"https?://\S+/organisations/invitations/[\w-]+/", str(mail.outbox[-1].body))
    assert link is not None
    page.get_by_role("button", name="Sign out").click()

    page.goto(urlsplit(link.group(0)).path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign In")
    page.get_by_label("Email:", exact=True).fill("lerato@example.test")
    page.get_by_label("Password:", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Join an organisation")
    page.get_by_role("button", name="Accept invitation").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Khanya Academy")
    expect(page.get_by_role("status")).to_have_text("Welcome! You are now a member of the organisation.")
    assert sorted(Membership.objects.values_list("user__email", "role")) == [
        ("lerato@example.test", "member"),
        ("thandi@example.test", "owner"),
    ]
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_an_owner_changes_a_role_and_removes_a_member_in_place(page: Page) -> None:
    owner = UserFactory(email="thandi@example.test", display_name="Thandi")
    sipho = UserFactory(email="sipho@example.test")
    sign_in(page, owner.email)
    page.goto("/organisations/")
    page.get_by_label("Name:", exact=True).fill("Khanya Academy")
    page.get_by_role("button", name="Create organisation").click()
    expect(page.get_by_role("status")).to_contain_text("Khanya Academy was created.")
    organisation = Organisation.objects.get()
    Membership.objects.create(organisation=organisation, user=sipho, role="member")
    page.goto(f"/organisations/{organisation.id}/")

    page.get_by_label("Role of sipho@example.test").select_option("admin")
    page.get_by_role("button", name="Change role of sipho@example.test").click()
    expect(page.get_by_role("status")).to_have_text("The role was changed.")
    assert Membership.objects.get(user=sipho).role == "admin"

    page.get_by_label("Role of thandi@example.test").select_option("member")
    page.get_by_role("button", name="Change role of thandi@example.test").click()
    expect(page.get_by_role("alert")).to_have_text("An organisation must keep at least one owner.")
    assert Membership.objects.get(user=owner).role == "owner"

    page.get_by_role("button", name="Remove sipho@example.test").click()
    expect(page.get_by_role("status")).to_have_text("The member was removed.")
    expect(page.get_by_label("Role of sipho@example.test")).to_have_count(0)
    assert list(Membership.objects.values_list("user__email", flat=True)) == ["thandi@example.test"]
    # Chromium logs the refused step-down's 422 answer; nothing else (no CSP violation, no script error).
    assert page.console_errors == [  # type: ignore[attr-defined]
        "Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"
    ]


def test_the_language_switcher_translates_the_page(page: Page) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Change language").click()

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))


def test_keyboard_users_can_skip_to_the_content(page: Page) -> None:
    page.goto("/accounts/login/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    for role in ("banner", "navigation", "main", "contentinfo"):
        expect(page.get_by_role(role).first).to_be_visible()


def test_the_service_worker_serves_the_offline_page(
    page: Page, live_server: LiveServer, screenshot: Screenshot
) -> None:
    page.goto("/")
    scope = page.evaluate("navigator.serviceWorker.ready.then((registration) => registration.scope)")
    assert scope == f"{live_server.url}/"
    manifest = page.request.get("/manifest.webmanifest").json()
    assert manifest["start_url"] == "/"

    stored = page.evaluate(
        """async () => {
            const names = await caches.keys();
            const urls = [];
            for (const name of names) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
            }
            return {names, urls: urls.sort()};
        }"""
    )
    assert len(stored["names"]) == 1
    assert stored["urls"] == [
        "/offline/",
        "/static/shell/azora.css",
        "/static/shell/azora.js",
        "/static/shell/icons/azora-192.png",
        "/static/shell/icons/azora.svg",
        "/static/shell/vendor/htmx.min.js",
    ]

    page.context.set_offline(True)
    page.goto("/organisations/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You are offline")
    # The stored style sheet still applies: the header keeps the brand colour.
    header_colour = page.locator(".site-header").evaluate("(element) => getComputedStyle(element).backgroundColor")
    assert header_colour == "rgb(30, 58, 138)"
    screenshot(page, "offline")
    page.context.set_offline(False)


def test_signing_out_other_sessions(browser: Browser, live_server: LiveServer, screenshot: Screenshot) -> None:
    UserFactory(email="thandi@example.test", display_name="Thandi")
    laptop = browser.new_context(viewport=DESKTOP, base_url=live_server.url, user_agent="Laptop browser")
    phone = browser.new_context(viewport=DESKTOP, base_url=live_server.url, user_agent="Phone browser")
    try:
        laptop_page, phone_page = laptop.new_page(), phone.new_page()
        sign_in(laptop_page, "thandi@example.test")
        sign_in(phone_page, "thandi@example.test")

        laptop_page.goto("/accounts/sessions/")
        rows = laptop_page.get_by_role("row")
        expect(rows).to_have_count(3)  # the header and two sessions
        expect(laptop_page.get_by_role("row", name=re.compile("Laptop browser"))).to_contain_text("Current")
        screenshot(laptop_page, "sessions")
        assert axe_violations(laptop_page) == []
        laptop_page.get_by_role("button", name="Sign Out Other Sessions").click()
        expect(laptop_page.get_by_role("row")).to_have_count(2)

        phone_page.goto("/account/profile/")
        expect(phone_page.get_by_role("heading", level=1)).to_have_text("Sign In")
        laptop_page.goto("/account/profile/")
        expect(laptop_page.get_by_role("heading", level=1)).to_have_text("Profile")
    finally:
        laptop.close()
        phone.close()


def test_a_passkey_is_added_and_signs_in_without_a_password(page: Page, screenshot: Screenshot) -> None:
    UserFactory(email="thandi@example.test", display_name="Thandi")
    # Chromium's virtual authenticator stands in for a phone or a security key, through the real WebAuthn API.
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    sign_in(page, "thandi@example.test")

    page.goto("/accounts/2fa/webauthn/add/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm Access")
    page.get_by_label("Password:", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add Security Key")
    page.get_by_label("Name:", exact=True).fill("My laptop")
    page.get_by_label("Passwordless").check()
    screenshot(page, "passkey-add")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Security key added.")
    assert list(Authenticator.objects.values_list("type", flat=True).order_by("type")) == [
        "recovery_codes",
        "webauthn",
    ]

    page.get_by_role("button", name="Sign out").click()
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Thandi")
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_a_page_ships_well_under_500_kilobytes(page: Page) -> None:
    page.goto("/accounts/login/")
    page.wait_for_load_state("load")
    sizes = page.evaluate(
        """() => performance.getEntriesByType("navigation").concat(performance.getEntriesByType("resource"))
            .map((entry) => [new URL(entry.name).pathname, entry.decodedBodySize])"""
    )
    size_of = {path: size for path, size in sizes}  # a file fetched twice (icon and image) counts once
    assert sorted(size_of) == [
        "/accounts/login/",
        "/static/account/js/onload.js",
        "/static/mfa/js/webauthn-json.js",
        "/static/mfa/js/webauthn.js",
        "/static/shell/azora.css",
        "/static/shell/azora.js",
        "/static/shell/icons/azora.svg",
        "/static/shell/vendor/htmx.min.js",
    ]
    total = sum(size_of.values())
    assert 0 < total < 150_000  # uncompressed; with compression it is a fraction of that


def test_a_forgotten_password_is_reset_by_email_and_then_changed(page: Page) -> None:
    UserFactory(email="thandi@example.test", display_name="Thandi")
    new_password = "a-brand-new-password-for-thandi"
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email:", exact=True).fill("thandi@example.test")
    page.get_by_role("button", name="Reset My Password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Password Reset")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", str(mail.outbox[0].body))
    assert link is not None

    page.goto(urlsplit(link.group(0)).path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Change Password")
    page.get_by_label("New Password:", exact=True).fill(new_password)
    page.get_by_label("New Password (again):", exact=True).fill(new_password)
    page.get_by_role("button", name="Change Password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change Password")
    expect(page.get_by_role("main")).to_contain_text("Your password is now changed.")

    page.goto("/accounts/login/")
    page.get_by_label("Email:", exact=True).fill("thandi@example.test")
    page.get_by_label("Password:", exact=True).fill(new_password)
    page.get_by_role("button", name="Sign In", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Thandi")

    page.goto("/accounts/password/change/")
    page.get_by_label("Current Password:", exact=True).fill(new_password)
    page.get_by_label("New Password:", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_label("New Password (again):", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Change Password").click()
    expect(page.get_by_role("status")).to_contain_text("Password successfully changed.")
    assert User.objects.get(email="thandi@example.test").check_password(DEFAULT_PASSWORD)
    assert page.console_errors == []  # type: ignore[attr-defined]
