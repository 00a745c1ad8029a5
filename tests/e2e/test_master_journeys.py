"""The Master UI in a real browser: an operator watches an incident open when a probe fails and close when it
recovers, blocks an IP address and sees the next request from it refused, and verifies the audit chain; and
axe-core's WCAG 2.2 AA check of the main operator pages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from pytest_django import Settings

import azora.health.public as health
from azora.accounts.models import User
from azora.accounts.public import platform_role_grant
from azora.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from azora.health.registry import ProbeResult
from tests.e2e.conftest import Screenshot, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROBE = "e2e_flip"
BLOCKED_ADDRESS = "203.0.113.9"
OTHER_ADDRESS = "203.0.113.10"


class FlipProbe:
    """A probe whose answer the test sets: healthy until told otherwise."""

    def __init__(self) -> None:
        self.healthy = True

    def __call__(self) -> ProbeResult:
        return ProbeResult(ok=True) if self.healthy else ProbeResult.failed("the test switched it off")


@pytest.fixture
def flip_probe() -> Iterator[FlipProbe]:
    probe = FlipProbe()
    health.register_probe(PROBE, probe, service="testing")
    yield probe
    health.unregister_probe(PROBE)


@pytest.fixture
def operator(db: None) -> User:
    user = UserFactory(email="nomsa@example.test", display_name="Nomsa Operator")
    platform_role_grant(user_id=user.id, role="platform_admin")
    return user


def _sign_in(page: Page, person: User) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email:", exact=True).fill(person.email)
    page.get_by_label("Password:", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Operations")).to_be_visible()


def _run_probes(page: Page, times: int) -> None:
    for _ in range(times):
        page.get_by_role("button", name="Run probes now").click()
        expect(page.get_by_text("Probe round done")).to_be_visible()


def test_an_incident_opens_when_a_probe_fails_and_closes_when_it_recovers(
    page: Page, operator: User, flip_probe: FlipProbe, screenshot: Screenshot
) -> None:
    _sign_in(page, operator)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Operations").click()
    page.get_by_role("navigation", name="Operations").get_by_role("link", name="Services").click()
    _run_probes(page, 1)
    expect(page.get_by_role("row", name="testing up")).to_be_visible()

    flip_probe.healthy = False
    _run_probes(page, 3)  # down after three failures in a row
    expect(page.locator(".probe-error", has_text="the test switched it off")).to_be_visible()
    screenshot(page, "master-services-down")
    page.get_by_role("navigation", name="Operations").get_by_role("link", name="Incidents").click()
    incident_link = page.get_by_role("link", name=f"{PROBE} is down")
    expect(incident_link).to_be_visible()
    incident_link.click()
    expect(page.locator("#incident-status")).to_have_text("investigating")
    screenshot(page, "master-incident-open")

    flip_probe.healthy = True
    page.get_by_role("navigation", name="Operations").get_by_role("link", name="Services").click()
    _run_probes(page, 2)  # up after two successes
    page.get_by_role("navigation", name="Operations").get_by_role("link", name="Incidents").click()
    page.get_by_role("link", name=f"{PROBE} is down").click()
    expect(page.locator("#incident-status")).to_have_text("resolved")
    expect(page.get_by_role("heading", name="Post an update")).to_have_count(0)
    screenshot(page, "master-incident-resolved")


def test_an_operator_blocks_an_address_and_its_next_request_is_refused(
    page: Page, operator: User, settings: Settings, screenshot: Screenshot
) -> None:
    # The live server sees every request from 127.0.0.1; behind one trusted proxy the client is the address in
    # X-Forwarded-For, as in production behind nginx.
    settings.AZORA_TRUSTED_PROXY_COUNT = 1
    _sign_in(page, operator)
    assert page.request.get("/", headers={"X-Forwarded-For": BLOCKED_ADDRESS}).status == 200

    page.goto("/master/security/ip-rules/")
    page.get_by_label("Address or range:").fill("127.0.0.1")
    page.get_by_label("Reason:").fill("A mistake that would lock me out")
    page.get_by_role("button", name="Add rule").click()
    expect(page.get_by_role("alert")).to_be_visible()  # the lockout guard refuses it
    screenshot(page, "master-ip-rules-lockout")

    page.get_by_label("Address or range:").fill(BLOCKED_ADDRESS)
    page.get_by_label("Reason:").fill("Credential stuffing")
    page.get_by_role("button", name="Add rule").click()
    expect(page.get_by_text("Rule added; it applies to the next request.")).to_be_visible()
    expect(page.get_by_role("cell", name=f"{BLOCKED_ADDRESS}/32", exact=True)).to_be_visible()

    refused = page.request.get("/api/v1/status", headers={"X-Forwarded-For": BLOCKED_ADDRESS})
    assert refused.status == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["code"] == "request_blocked"
    assert page.request.get("/api/v1/status", headers={"X-Forwarded-For": OTHER_ADDRESS}).status == 200
    page.reload()  # the operator's own requests still pass
    expect(page.get_by_role("heading", level=1)).to_have_text("IP rules")


def test_an_operator_verifies_the_audit_chain(page: Page, operator: User, screenshot: Screenshot) -> None:
    learner = UserFactory(email="thabo@example.test", display_name="Thabo Learner")
    _sign_in(page, operator)
    page.goto(f"/master/users/{learner.id}/")
    page.locator("#id_suspend-reason").fill("Card fraud reported by the bank")
    page.get_by_role("button", name="Suspend account").click()
    expect(page.locator("#account-state")).to_have_text("suspended")

    page.goto("/master/audit/")
    page.get_by_role("button", name="Verify chain").click()
    expect(page.locator("#verification")).to_contain_text("The chain is intact")
    expect(page.get_by_role("cell", name="accounts.user_suspended")).to_be_visible()
    screenshot(page, "master-audit-verified")


@pytest.mark.parametrize(
    "path", ["/master/", "/master/services/", "/master/incidents/", "/master/security/ip-rules/", "/master/users/"]
)
def test_operator_pages_meet_wcag_22_aa(page: Page, operator: User, path: str) -> None:
    _sign_in(page, operator)
    page.goto(path)

    assert axe_violations(page) == []
    assert page.console_errors == []  # type: ignore[attr-defined]  # set by the page fixture
