"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

They skip when /usr/bin/chromium is missing, unless AZORA_REQUIRE_BROWSER=1 (CI), which makes that a failure.
Playwright is never asked to download a browser.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread while the live server's thread serves Django;
# the test's own database access happens outside any coroutine, so Django's async-safety guard does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

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
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
SHOTS = Path(os.environ.get("AZORA_SCREENSHOT_DIR", "/tmp/shots"))


def _browser_available() -> None:
    if CHROMIUM.exists():
        return
    message = f"Chromium is not installed at {CHROMIUM}"
    if os.environ.get("AZORA_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{message}, and AZORA_REQUIRE_BROWSER=1 requires the browser tests to run.")
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    _browser_available()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object, live_server: object) -> Iterator[object]:
    """A fresh browser profile (no cookies, no service worker) at desktop size, for one test."""
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)  # type: ignore[attr-defined]
    context.set_default_timeout(10_000)
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    page.console_errors = console_errors  # read by tests that assert a clean console (CSP violations show there)
    yield page
    context.close()


@pytest.fixture
def screenshot() -> object:
    """Saves the page at desktop and phone width into /tmp/shots/<name>-desktop.png and -phone.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(page: object, name: str) -> None:
        for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)  # type: ignore[attr-defined]
            page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)  # type: ignore[attr-defined]
        page.set_viewport_size(DESKTOP)  # type: ignore[attr-defined]

    return take
