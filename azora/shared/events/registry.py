"""The catalogue of domain event types and of the subscribers that handle each of them."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import autodiscover_modules

from azora.shared.events import codec

EVENT_TYPE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
SUBSCRIBER_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")

_event_types: dict[str, type[DomainEvent]] = {}
_subscriptions: dict[str, Subscription] = {}
_discovery_lock = threading.Lock()
_discovered = False


@dataclass(frozen=True)
class DomainEvent:
    """Base of every domain event: a past-tense frozen dataclass with a unique `event_type` ("app.thing_happened").

    Subclasses are registered by `event_type` when they are defined, so a stored event can be rebuilt from its
    type name. Fields must be JSON-carriable by `codec` (UUID, aware datetime, date, Decimal, str, int, bool,
    None, lists, tuples, dict[str, ...], enums and nested dataclasses).
    """

    event_type: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        event_type = cls.__dict__.get("event_type")
        if not isinstance(event_type, str) or not EVENT_TYPE_PATTERN.match(event_type):
            raise TypeError(
                f"{cls.__qualname__} must declare `event_type: ClassVar[str]` as 'app.thing_happened', "
                f"not {event_type!r}."
            )
        existing = _event_types.get(event_type)
        # @dataclass(slots=True) builds a second class of the same name; that one replaces the first.
        if existing is not None and _qualified_name(existing) != _qualified_name(cls):
            raise TypeError(f"Event type {event_type!r} is already declared by {_qualified_name(existing)}.")
        _event_types[event_type] = cls


@dataclass(frozen=True)
class Subscription:
    """One handler of one event type; `name` ("app.verb_on_thing_happened") is its dedupe key, so never rename it."""

    name: str
    event_class: type[DomainEvent]
    handler: Callable[[Any], None]

    @property
    def event_type(self) -> str:
        return self.event_class.event_type


def subscriber[E: DomainEvent](
    event_class: type[E], *, name: str
) -> Callable[[Callable[[E], None]], Callable[[E], None]]:
    """Registers the decorated `handler(event) -> None` for `event_class`; it runs once per event, after commit."""
    if not (isinstance(event_class, type) and issubclass(event_class, DomainEvent)):
        raise TypeError(f"{event_class!r} is not a DomainEvent subclass.")
    if not SUBSCRIBER_NAME_PATTERN.match(name):
        raise ImproperlyConfigured(f"Subscriber name {name!r} must look like 'app.verb_on_thing_happened'.")

    def register(handler: Callable[[E], None]) -> Callable[[E], None]:
        existing = _subscriptions.get(name)
        if existing is not None and _qualified_name(existing.handler) != _qualified_name(handler):
            raise ImproperlyConfigured(
                f"Subscriber name {name!r} is already used by {_qualified_name(existing.handler)}."
            )
        _subscriptions[name] = Subscription(name=name, event_class=event_class, handler=handler)
        return handler

    return register


def unsubscribe(name: str) -> None:
    """Removes a subscriber (for tests that register temporary handlers)."""
    _subscriptions.pop(name, None)


def discover() -> None:
    """Imports every installed app's `events` and `subscribers` modules once, so that all are registered."""
    global _discovered  # a process-wide, import-once flag
    if _discovered:
        return
    with _discovery_lock:
        if not _discovered:
            autodiscover_modules("events", "subscribers")
            _discovered = True


def event_class(event_type: str) -> type[DomainEvent] | None:
    discover()
    return _event_types.get(event_type)


def subscriptions_for(event_type: str) -> list[Subscription]:
    """The subscribers of `event_type`, in name order (a stable order makes dispatch reproducible)."""
    discover()
    return sorted(
        (subscription for subscription in _subscriptions.values() if subscription.event_type == event_type),
        key=lambda subscription: subscription.name,
    )


def all_subscriptions() -> list[Subscription]:
    discover()
    return sorted(_subscriptions.values(), key=lambda subscription: subscription.name)


def encode_event(event: DomainEvent) -> dict[str, codec.JSONValue]:
    cls = type(event)
    if "__dataclass_fields__" not in cls.__dict__:
        raise TypeError(f"{cls.__qualname__} must be decorated with @dataclass(frozen=True).")
    if _event_types.get(cls.event_type) is not cls:
        raise TypeError(f"{cls.__qualname__} is not the registered class of {cls.event_type!r}.")
    return codec.encode_dataclass(event)


def decode_event(event_type: str, payload: dict[str, Any]) -> DomainEvent:
    cls = event_class(event_type)
    if cls is None:
        raise LookupError(f"No event class is declared for {event_type!r}.")
    return codec.decode_dataclass(cls, payload)


def _qualified_name(thing: Any) -> str:
    return f"{thing.__module__}.{thing.__qualname__}"
