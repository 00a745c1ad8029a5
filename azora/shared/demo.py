"""The demo-data registry: each app registers an idempotent loader, and `demo_data` runs them all in order."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")


@dataclass(frozen=True, slots=True)
class DemoLoader:
    name: str
    loader: Callable[[], None]
    order: int


_loaders: dict[str, DemoLoader] = {}


def register(name: str, loader: Callable[[], None], *, order: int = 100) -> None:
    """Registers `loader` (call it from your AppConfig.ready); lower `order` runs first, then by name.

    A loader must be idempotent: `demo_data` runs at every embedded start, so it creates what is missing
    (get_or_create, update_or_create) and never duplicates what exists.
    """
    if not NAME_PATTERN.match(name):
        raise ImproperlyConfigured(f"Demo loader name {name!r} must look like 'app' or 'app.part'.")
    existing = _loaders.get(name)
    if existing is not None and _qualified_name(existing.loader) != _qualified_name(loader):
        raise ImproperlyConfigured(f"Demo loader {name!r} is already registered by {_qualified_name(existing.loader)}.")
    _loaders[name] = DemoLoader(name=name, loader=loader, order=order)


def unregister(name: str) -> None:
    """Removes a loader (for tests that register temporary ones)."""
    _loaders.pop(name, None)


def registered_loaders() -> list[DemoLoader]:
    return sorted(_loaders.values(), key=lambda entry: (entry.order, entry.name))


def load_demo_data(*, only: list[str] | None = None) -> list[str]:
    """Runs the registered loaders in order, each in its own transaction; returns the names that ran.

    A loader that raises is rolled back and stops the run, so a half-loaded step never stays behind.
    """
    loaders = registered_loaders()
    if only is not None:
        unknown = sorted(set(only) - {entry.name for entry in loaders})
        if unknown:
            raise LookupError(f"No demo loader named {', '.join(unknown)}.")
        loaders = [entry for entry in loaders if entry.name in only]
    ran = []
    for entry in loaders:
        with transaction.atomic():
            entry.loader()
        ran.append(entry.name)
    return ran


def _qualified_name(function: Callable[[], None]) -> str:
    return f"{getattr(function, '__module__', '?')}.{getattr(function, '__qualname__', repr(function))}"
