"""Connects the revenue engine to the platform at start-up: subscribers, periodic jobs and the enrolment gate."""

from __future__ import annotations

import importlib

# Each area's module that registers subscribers, periodic jobs or gates when imported.
_AREA_MODULES: tuple[str, ...] = (
    "azora.revenue.gates",
    "azora.revenue.subscribers",
    "azora.revenue.subscribers_learning",
    "azora.revenue.jobs",
    "azora.revenue.jobs_earnings",
    "azora.revenue.jobs_offers",
)


def connect() -> None:
    for name in _AREA_MODULES:
        importlib.import_module(name)
