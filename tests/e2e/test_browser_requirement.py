"""Without Chromium the browser tests skip, unless AZORA_REQUIRE_BROWSER=1 makes a missing browser a failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e import conftest


def test_a_missing_browser_skips_the_browser_tests(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(conftest, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.delenv("AZORA_REQUIRE_BROWSER", raising=False)

    with pytest.raises(pytest.skip.Exception, match="Chromium is not installed at"):
        conftest._browser_available()


def test_a_missing_browser_fails_when_the_browser_is_required(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(conftest, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv("AZORA_REQUIRE_BROWSER", "1")

    with pytest.raises(pytest.fail.Exception, match="AZORA_REQUIRE_BROWSER=1 requires the browser tests to run"):
        conftest._browser_available()


def test_an_installed_browser_is_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    present = tmp_path / "chromium"
    present.touch()
    monkeypatch.setattr(conftest, "CHROMIUM", present)

    conftest._browser_available()  # neither skips nor fails
