"""A person's first visit in a real browser: sign up, verify, sign in, enable TOTP, sign in with it, then work."""

from __future__ import annotations

import re

import pyotp
import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from playwright.sync_api import Page, expect
from pytest_django import Settings

from azora.accounts.models import ApiKey, Membership, Organisation, User
from tests.e2e.conftest import Screenshot, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "amara@example.test"
PASSWORD = "a-very-long-browser-password-7"


def sign_up_and_verify(page: Page, email: str = EMAIL, screenshot: Screenshot | None = None) -> None:
    page.goto("/accounts/signup/")
    if screenshot is not None:
        screenshot(page, "signup")
    page.get_by_label("Email:", exact=True).fill(email)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again):", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify Your Email Address")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [email]
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", str(message.body))
    assert link is not None, message.body
    page.goto(link.group(0))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm Email Address")
    page.get_by_role("button", name="Confirm").click()


def sign_in(page: Page, email: str = EMAIL) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email:", exact=True).fill(email)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()


def sign_out(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_have_text("You have signed out.")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in")).to_be_visible()


def test_sign_up_verify_sign_in_enable_totp_and_sign_in_with_it(
    page: Page, settings: Settings, screenshot: Screenshot
) -> None:
    # A code from the previous 30-second step is accepted too, so a step ending between reading the code
    # and submitting it cannot fail the test; the codes are still computed from the secret the page shows.
    settings.MFA_TOTP_TOLERANCE = 1

    sign_up_and_verify(page, screenshot=screenshot)
    # Confirming the address in the browser that signed up signs the person in and starts onboarding.
    expect(page).to_have_url(re.compile(r"/onboarding/$"))
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, amara")
    assert EmailAddress.objects.get(user__email=EMAIL).verified is True

    sign_out(page)
    page.goto("/accounts/login/")
    screenshot(page, "login")
    sign_in(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, amara")

    page.get_by_role("link", name="Account & security").click()
    page.get_by_role("navigation", name="Account and security").get_by_role(
        "link", name="Two-factor authentication"
    ).click()
    page.get_by_role("link", name="Activate").click()
    # Changing how one signs in asks for the password again, however recent the sign-in.
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm Access")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Activate Authenticator App")
    expect(page.locator("img.qr")).to_be_visible()
    screenshot(page, "totp-setup")
    assert axe_violations(page) == []
    secret = page.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    page.get_by_label("Authenticator code:", exact=True).fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_role("status")).to_contain_text("Authenticator app activated.")
    # Recovery codes come with the authenticator, shown on the next page.
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery Codes")
    recovery_codes = page.get_by_label("Unused codes", exact=True).input_value().split()
    assert len(recovery_codes) == 10
    assert all(re.fullmatch(r"\d{8}", code) for code in recovery_codes)
    assert axe_violations(page) == []
    assert Authenticator.objects.filter(user__email=EMAIL, type="totp").count() == 1

    sign_out(page)
    sign_in(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-Factor Authentication")
    screenshot(page, "totp-challenge")
    assert axe_violations(page) == []
    page.get_by_label("Code:", exact=True).fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Sign In", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, amara")
    screenshot(page, "home")
    assert page.console_errors == []  # type: ignore[attr-defined]  # no CSP violation, no script error


def test_create_an_organisation_and_an_api_key_shown_once(page: Page, screenshot: Screenshot) -> None:
    sign_up_and_verify(page)
    expect(page).to_have_url(re.compile(r"/onboarding/$"))  # a new person starts with onboarding; skip it here
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, amara")

    page.get_by_role("link", name="Organisations", exact=True).click()
    page.get_by_label("Name:", exact=True).fill("Ubuntu Learning Co-op")
    page.get_by_role("button", name="Create organisation").click()
    expect(page.get_by_role("status")).to_contain_text("Ubuntu Learning Co-op was created.")
    expect(page).to_have_url(re.compile(r"/organisations/$"))  # HTMX swapped the panel in place
    expect(page.get_by_role("table").get_by_role("link", name="Ubuntu Learning Co-op")).to_be_visible()
    organisation = Organisation.objects.get()
    assert (organisation.name, organisation.slug) == ("Ubuntu Learning Co-op", "ubuntu-learning-co-op")
    assert list(Membership.objects.values_list("user__email", "role")) == [(EMAIL, "owner")]
    screenshot(page, "organisations")

    page.get_by_role("table").get_by_role("link", name="Ubuntu Learning Co-op").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ubuntu Learning Co-op")
    expect(page.get_by_label(f"Role of {EMAIL}")).to_have_value("owner")
    screenshot(page, "organisation-detail")

    page.goto("/account/api-keys/")
    page.get_by_label("Name:", exact=True).fill("Nightly export")
    page.get_by_label("Read your profile (profile:read)").check()
    page.get_by_role("button", name="Create key").click()
    raw_key = page.locator("#new-api-key").inner_text().strip()
    api_key = ApiKey.objects.get()
    assert raw_key.startswith(f"azk_{api_key.prefix}_")
    assert (api_key.name, api_key.scopes, api_key.user_id) == (
        "Nightly export",
        ["profile:read"],
        User.objects.get(email=EMAIL).id,
    )
    expect(page.get_by_text("Copy it now: this is the only time it is shown.")).to_be_visible()
    screenshot(page, "api-key-created")

    answer = page.request.get("/api/v1/me", headers={"Authorization": f"Bearer {raw_key}"})
    assert answer.status == 200
    assert answer.json()["email"] == EMAIL

    page.reload()
    expect(page.get_by_role("cell", name="Nightly export", exact=True)).to_be_visible()
    assert raw_key not in page.content()

    page.get_by_role("button", name="Revoke Nightly export").click()
    expect(page.get_by_role("status")).to_have_text("The key was revoked; it no longer works.")
    expect(page.get_by_text("No keys yet.")).to_be_visible()
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None
    assert page.request.get("/api/v1/me", headers={"Authorization": f"Bearer {raw_key}"}).status == 401
    assert page.console_errors == []  # type: ignore[attr-defined]
