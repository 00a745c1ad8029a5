"""Events and handlers used by the events tests; handlers write auth Group rows so their effects are observable."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar

from django.contrib.auth.models import Group

from azora.shared.events import DomainEvent
from azora.shared.money import Money

UNLOCK_GROUP = "unlock"


class Colour(enum.StrEnum):
    RED = "red"
    BLUE = "blue"


@dataclass(frozen=True, kw_only=True)
class Address:
    city: str
    postcode: str | None = None


@dataclass(frozen=True, kw_only=True)
class WidgetShipped(DomainEvent):
    event_type: ClassVar[str] = "tests.widget_shipped"

    widget_id: uuid.UUID
    quantity: int


@dataclass(frozen=True, kw_only=True, slots=True)
class ParcelDelivered(DomainEvent):
    event_type: ClassVar[str] = "tests.parcel_delivered"

    parcel_id: uuid.UUID
    delivered_at: dt.datetime
    due_on: dt.date
    weight_kg: Decimal
    price: Money
    signed: bool
    note: str | None
    colour: Colour
    address: Address
    stops: list[Address] = field(default_factory=list)
    dimensions: tuple[int, int, int] = (0, 0, 0)
    tags: tuple[str, ...] = ()
    labels: dict[str, int] = field(default_factory=dict)


def record_shipment(event: WidgetShipped) -> None:
    Group.objects.create(name=f"shipped:{event.widget_id}")


def record_shipment_for_billing(event: WidgetShipped) -> None:
    Group.objects.create(name=f"billed:{event.widget_id}")


def fail_unless_unlocked(event: WidgetShipped) -> None:
    """Writes, then fails while no "unlock" group exists: the write must roll back with the failure."""
    Group.objects.create(name=f"flaky:{event.widget_id}")
    if not Group.objects.filter(name=UNLOCK_GROUP).exists():
        raise ConnectionError(f"warehouse unreachable for widget {event.widget_id}")


def fail_with_a_long_message(event: WidgetShipped) -> None:
    raise ValueError("x" * 2000)
