"""Fixtures for the events tests: subscribers registered for one test only."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from azora.shared.events import DomainEvent, subscriber
from azora.shared.events.registry import unsubscribe

type Subscribe = Callable[[type[DomainEvent], str, Callable[[Any], None]], None]


@pytest.fixture
def subscribe() -> Iterator[Subscribe]:
    names: list[str] = []

    def add(event_class: type[DomainEvent], name: str, handler: Callable[[Any], None]) -> None:
        subscriber(event_class, name=name)(handler)
        names.append(name)

    yield add
    for name in names:
        unsubscribe(name)
