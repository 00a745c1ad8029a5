"""WCAG 2.2 AA checks with axe-core on the shell's pages, light and dark, at desktop and phone width."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from azora.accounts.models import Organisation
from azora.accounts.tests.factories import DEFAULT_PASSWORD, OrganisationFactory, UserFactory
from tests.e2e.conftest import DESKTOP, PHONE, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VISITOR_PAGES = ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/offline/"]
SIGNED_IN_PAGES = [
    "/",
    "/organisations/",
    "/organisations/{organisation}/",
    "/account/profile/",
    "/account/api-keys/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/2fa/",
    "/accounts/sessions/",
]


def _check(page: Page, path: str) -> list[str]:
    problems = []
    for size_name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        for scheme in ("light", "dark"):
            page.set_viewport_size(size)
            page.emulate_media(color_scheme=scheme)
            page.goto(path)
            problems += [f"{path} {size_name} {scheme}: {violation}" for violation in axe_violations(page)]
    return problems


def test_pages_for_visitors_meet_wcag_2_2_aa(page: Page) -> None:
    problems = []
    for path in VISITOR_PAGES:
        problems += _check(page, path)
    assert problems == []


def test_pages_for_signed_in_people_meet_wcag_2_2_aa(page: Page) -> None:
    person = UserFactory(email="thandi@example.test", display_name="Thandi")
    OrganisationFactory(owner=person, name="Khanya Academy")
    organisation = Organisation.objects.get()
    page.goto("/accounts/login/")
    page.get_by_label("Email:", exact=True).fill(person.email)
    page.get_by_label("Password:", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Thandi")

    problems = []
    for path in SIGNED_IN_PAGES:
        problems += _check(page, path.format(organisation=organisation.id))
    assert problems == []
