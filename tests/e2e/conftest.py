"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

They skip when /usr/bin/chromium is missing, unless AZORA_REQUIRE_BROWSER=1 (CI), which makes that a failure.
Playwright is never asked to download a browser.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Error, Page, ViewportSize, sync_playwright
from pytest_django.live_server_helper import LiveServer

CHROMIUM = Path(os.environ.get("AZORA_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 375, "height": 740}
SHOTS = Path(os.environ.get("AZORA_SCREENSHOT_DIR", "/tmp/shots"))  # noqa: S108 -- screenshots for people to look at
Screenshot = Callable[[Page, str], None]


def _browser_available() -> None:
    if CHROMIUM.exists():
        return
    message = f"Chromium is not installed at {CHROMIUM}"
    if os.environ.get("AZORA_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{message}, and AZORA_REQUIRE_BROWSER=1 requires the browser tests to run.")
    pytest.skip(message)


@pytest.fixture(autouse=True, scope="module")
def _database_calls_beside_playwright() -> Iterator[None]:
    """Playwright's sync API keeps an event loop running in this thread while a browser is open; the tests'
    own database calls are plain synchronous code outside any coroutine, so Django's async-safety guard
    would misfire. It is lifted for these modules only, and each module closes its browser (and loop)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    _browser_available()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A fresh browser profile (no cookies, no service worker) at desktop size, for one test.

    `page.console_errors` collects console errors and uncaught exceptions (CSP violations show there).
    """
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    console_errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            console_errors.append(message.text)

    def on_page_error(error: Error) -> None:
        console_errors.append(str(error))

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    page.console_errors = console_errors  # type: ignore[attr-defined]  # read by the tests
    yield page
    context.close()


@pytest.fixture
def screenshot() -> Screenshot:
    """Saves the page into /tmp/shots/<name>-desktop.png, -phone.png (375 px wide) and -phone-dark.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str) -> None:
        for label, size, scheme in (
            ("desktop", DESKTOP, "light"),
            ("phone", PHONE, "light"),
            ("phone-dark", PHONE, "dark"),
        ):
            page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]  # one of Playwright's literals
            page.set_viewport_size(size)
            page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
        page.emulate_media(color_scheme="light")
        page.set_viewport_size(DESKTOP)

    return take


AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page: Page) -> list[str]:
    """axe-core's WCAG 2.2 AA violations on the page as it is now: "rule: element, element", one per rule.

    Evaluated through the DevTools protocol, so the page's CSP (no inline script) does not stop it.
    """
    page.evaluate(AXE.read_text())
    found = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.map((v) => v.id + ": " + v.nodes.map((n) => n.target.join(" ")).join(", "));
        }""",
        WCAG_TAGS,
    )
    return list(found)
