"""Connects onboarding to the platform at start-up: subscribers and periodic jobs."""

from __future__ import annotations

import importlib

# Each area's module that registers subscribers or periodic jobs when imported.
_AREA_MODULES: tuple[str, ...] = ("azora.onboarding.jobs", "azora.onboarding.subscribers")


def connect() -> None:
    for name in _AREA_MODULES:
        importlib.import_module(name)
