"""Fixtures for the observability tests: captured JSON log output."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings

from azora.shared.observability.logging import configure_logging


class CapturedLog:
    def __init__(self) -> None:
        self.stream = io.StringIO()

    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines() if line.strip()]

    def events(self, event: str) -> list[dict[str, Any]]:
        return [line for line in self.lines() if line["event"] == event]


@pytest.fixture
def captured_log() -> Iterator[CapturedLog]:
    """Every log line of the test, as the production JSON format writes it; the suite's set-up is restored after."""
    root = logging.getLogger()
    original_stream = next(
        (getattr(handler, "stream", None) for handler in root.handlers if getattr(handler, "_azora_handler", False)),
        None,
    )
    captured = CapturedLog()
    configure_logging(log_format="json", level="DEBUG", stream=captured.stream)
    yield captured
    configure_logging(log_format=settings.AZORA_LOG_FORMAT, level=settings.AZORA_LOG_LEVEL, stream=original_stream)
