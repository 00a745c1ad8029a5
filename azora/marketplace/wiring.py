"""Connects the marketplace to the platform at start-up: subscribers, periodic jobs and the demo loader."""

from __future__ import annotations

import importlib

# Each area's module that registers subscribers, periodic jobs or demo loaders when imported.
_AREA_MODULES: tuple[str, ...] = (
    "azora.marketplace.jobs",
    "azora.marketplace.jobs_listings",
    "azora.marketplace.subscribers",
    "azora.marketplace.subscribers_payments",
    "azora.marketplace.demo",
)


def connect() -> None:
    for name in _AREA_MODULES:
        importlib.import_module(name)
