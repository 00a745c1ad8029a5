"""The API docs page really renders in Chromium under the site's CSP, from vendored assets only."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Error, Request, sync_playwright
from pytest_django.live_server_helper import LiveServer

CHROMIUM = Path(os.environ.get("AZORA_CHROMIUM", "/usr/bin/chromium"))

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _browser_allowed_in_this_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    # Playwright's sync API runs an event loop in this thread; the test's own database access is outside
    # it. Lifted for this test only, so the guard still protects every other test.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_swagger_ui_renders_and_tries_an_operation_without_csp_violations(live_server: LiveServer) -> None:
    """Opens the docs, expands GET /api/v1/me, runs it anonymously (a 401 problem), opens Authorize."""
    if not CHROMIUM.exists():
        if os.environ.get("AZORA_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium is not installed at {CHROMIUM}")
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    problems: list[str] = []
    requested: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        # The anonymous "Try it out" call below is meant to fail with 401; anything else is a problem.
        if message.type == "error" and "status of 401" not in message.text:
            problems.append(message.text)

    def on_page_error(error: Error) -> None:
        problems.append(str(error))

    def on_request(request: Request) -> None:
        requested.append(request.url)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"])
        try:
            page = browser.new_page()
            page.on("console", on_console)
            page.on("pageerror", on_page_error)
            page.on("request", on_request)
            page.goto(f"{live_server.url}/api/v1/docs")
            page.locator(".swagger-ui .info .title").filter(has_text="Azora API").wait_for(timeout=15_000)
            operations = page.locator(".opblock-summary-path").all_inner_texts()
            page.locator("#operations-accounts-azora_accounts_api_me_get .opblock-summary").click()
            page.locator(".try-out__btn").first.click()
            page.locator(".btn.execute").first.click()
            live_response = page.locator(".live-responses-table").filter(has_text="not_authenticated")
            live_response.wait_for()
            live_text = live_response.inner_text()
            page.locator(".btn.authorize").first.click()
            page.locator(".auth-container").first.wait_for()
        finally:
            browser.close()

    assert problems == []
    assert "/api/v1/me" in operations
    assert "401" in live_text
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in requested), requested
