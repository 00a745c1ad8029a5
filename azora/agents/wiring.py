"""Connects the orchestrator to the platform at start-up: the Elara question counter, subscribers and jobs."""

from __future__ import annotations

import importlib

# Each area's module that registers counters, subscribers or periodic jobs when imported.
_AREA_MODULES: tuple[str, ...] = ("azora.agents.counters",)


def connect() -> None:
    for name in _AREA_MODULES:
        importlib.import_module(name)
