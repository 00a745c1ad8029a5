"""The event payload codec: exact JSON for each supported type, round trips, and refusals."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from azora.shared.events import DomainEvent, PayloadError
from azora.shared.events.codec import decode_dataclass, encode_dataclass
from azora.shared.events.registry import decode_event, encode_event
from azora.shared.money import Money
from azora.shared.tests.events.support import Address, Colour, ParcelDelivered, WidgetShipped

PARCEL_ID = uuid.UUID("01890a5d-ac96-774b-bcce-b302099a8057")


def a_parcel(**changes: object) -> ParcelDelivered:
    values: dict[str, object] = {
        "parcel_id": PARCEL_ID,
        "delivered_at": dt.datetime(2026, 3, 4, 7, 8, 9, 123456, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        "due_on": dt.date(2026, 3, 5),
        "weight_kg": Decimal("1.250"),
        "price": Money(12345, "ZAR"),
        "signed": True,
        "note": None,
        "colour": Colour.BLUE,
        "address": Address(city="Durban", postcode="4001"),
        "stops": [Address(city="Pietermaritzburg")],
        "dimensions": (10, 20, 30),
        "tags": ("fragile", "express"),
        "labels": {"shelf": 3},
    }
    values.update(changes)
    return ParcelDelivered(**values)  # type: ignore[arg-type]


def test_encodes_every_supported_type_as_exact_json() -> None:
    payload = encode_event(a_parcel())

    assert payload == {
        "parcel_id": "01890a5d-ac96-774b-bcce-b302099a8057",
        "delivered_at": "2026-03-04T05:08:09.123456+00:00",
        "due_on": "2026-03-05",
        "weight_kg": "1.250",
        "price": {"minor": 12345, "currency": "ZAR"},
        "signed": True,
        "note": None,
        "colour": "blue",
        "address": {"city": "Durban", "postcode": "4001"},
        "stops": [{"city": "Pietermaritzburg", "postcode": None}],
        "dimensions": [10, 20, 30],
        "tags": ["fragile", "express"],
        "labels": {"shelf": 3},
    }
    assert json.loads(json.dumps(payload)) == payload


def test_decoding_restores_the_event_exactly() -> None:
    parcel = a_parcel()

    decoded = decode_event("tests.parcel_delivered", json.loads(json.dumps(encode_event(parcel))))

    assert decoded == parcel
    assert isinstance(decoded, ParcelDelivered)
    assert decoded.delivered_at.tzinfo == dt.UTC
    assert decoded.weight_kg.as_tuple() == Decimal("1.250").as_tuple()
    assert isinstance(decoded.dimensions, tuple)
    assert isinstance(decoded.colour, Colour)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"delivered_at": dt.datetime(2026, 3, 4, 7, 8, 9)},
            "delivered_at: datetimes in events must be timezone-aware",
        ),
        ({"due_on": dt.datetime(2026, 3, 4, tzinfo=dt.UTC)}, "due_on: expected date, got datetime"),
        ({"weight_kg": 1.25}, "weight_kg: expected Decimal, got float"),
        ({"weight_kg": Decimal("NaN")}, "weight_kg: only finite decimals can be carried in an event"),
        ({"signed": 1}, "signed: expected bool, got int"),
        ({"note": 5}, "note: expected str, got int"),
        ({"parcel_id": str(PARCEL_ID)}, "parcel_id: expected UUID, got str"),
        ({"dimensions": (1, 2)}, "dimensions: expected 3 items, got 2"),
        ({"stops": [{"city": "Durban"}]}, "stops[0]: expected Address, got dict"),
        ({"labels": {"shelf": "3"}}, "labels['shelf']: expected int, got str"),
        ({"colour": "blue"}, "colour: expected Colour, got str"),
    ],
)
def test_refuses_a_value_that_does_not_match_its_type(changes: dict[str, object], message: str) -> None:
    with pytest.raises(PayloadError, match=message.replace("[", r"\[").replace("]", r"\]")):
        encode_event(a_parcel(**changes))


def test_refuses_a_bool_where_an_int_is_declared() -> None:
    with pytest.raises(PayloadError, match="quantity: expected int, got bool"):
        encode_event(WidgetShipped(widget_id=PARCEL_ID, quantity=True))


def test_decoding_refuses_unknown_fields_and_malformed_values() -> None:
    payload = encode_event(WidgetShipped(widget_id=PARCEL_ID, quantity=2))

    with pytest.raises(PayloadError, match="has no field"):
        decode_event("tests.widget_shipped", {**payload, "colour": "red"})
    with pytest.raises(PayloadError, match="widget_id: 'not-a-uuid' is not valid"):
        decode_event("tests.widget_shipped", {**payload, "widget_id": "not-a-uuid"})
    with pytest.raises(LookupError, match=r"tests\.never_declared"):
        decode_event("tests.never_declared", payload)


def test_an_event_must_declare_a_well_formed_event_type() -> None:
    with pytest.raises(TypeError, match="must declare `event_type"):

        @dataclass(frozen=True)
        class Untyped(DomainEvent):
            pass

    with pytest.raises(TypeError, match="must declare `event_type"):

        @dataclass(frozen=True)
        class BadlyNamed(DomainEvent):
            event_type: ClassVar[str] = "Widget Shipped"


def test_an_event_type_belongs_to_one_class() -> None:
    with pytest.raises(TypeError, match=r"'tests.widget_shipped' is already declared by .*support.WidgetShipped"):

        @dataclass(frozen=True)
        class WidgetShipped(DomainEvent):
            event_type: ClassVar[str] = "tests.widget_shipped"


def test_an_event_must_be_a_frozen_dataclass() -> None:
    with pytest.raises(TypeError, match="cannot inherit non-frozen dataclass from a frozen one"):

        @dataclass
        class Mutable(DomainEvent):  # type: ignore[misc]  # the very mistake under test
            event_type: ClassVar[str] = "tests.mutable_thing_happened"

    class NotADataclass(DomainEvent):
        event_type: ClassVar[str] = "tests.plain_thing_happened"

    with pytest.raises(TypeError, match="must be decorated with @dataclass"):
        encode_event(NotADataclass())


@given(
    city=st.text(),
    postcode=st.none() | st.text(),
)
def test_nested_dataclasses_round_trip(city: str, postcode: str | None) -> None:
    address = Address(city=city, postcode=postcode)

    assert decode_dataclass(Address, json.loads(json.dumps(encode_dataclass(address)))) == address


@given(
    amount=st.decimals(allow_nan=False, allow_infinity=False),
    moment=st.datetimes(timezones=st.just(dt.UTC)),
    count=st.integers(),
)
def test_scalars_round_trip_exactly(amount: Decimal, moment: dt.datetime, count: int) -> None:
    parcel = a_parcel(weight_kg=amount, delivered_at=moment, labels={"count": count})

    decoded = decode_event("tests.parcel_delivered", json.loads(json.dumps(encode_event(parcel))))

    assert isinstance(decoded, ParcelDelivered)
    assert str(decoded.weight_kg) == str(amount)
    assert decoded.delivered_at == moment
    assert decoded.labels == {"count": count}


def test_a_type_hint_that_cannot_be_resolved_is_reported() -> None:
    @dataclass(frozen=True)
    class Unresolvable(DomainEvent):
        event_type: ClassVar[str] = "tests.unresolvable_thing_happened"

        shelf: NotImportedHere  # type: ignore[name-defined]  # noqa: F821 -- the mistake under test

    with pytest.raises(PayloadError, match=r"type hints of .*Unresolvable cannot be resolved: name 'NotImportedHere'"):
        encode_event(Unresolvable(shelf=1))
