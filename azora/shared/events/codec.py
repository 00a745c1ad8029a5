"""The JSON codec of event payloads, driven by each dataclass field's type hint so that decoding restores types."""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
import uuid
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

type JSONValue = str | int | float | bool | list[JSONValue] | dict[str, JSONValue] | None

_SCALARS: tuple[type, ...] = (str, int, bool)


class PayloadError(TypeError):
    """A value does not match its declared type, or the type cannot be carried in an event."""


_field_types: dict[type, dict[str, Any]] = {}


def field_types(cls: type) -> dict[str, Any]:
    """The resolved type hint of each init field of the dataclass `cls` (ClassVars are not fields)."""
    cached = _field_types.get(cls)
    if cached is not None:
        return cached
    if not dataclasses.is_dataclass(cls):
        raise PayloadError(f"{cls.__qualname__} is not a dataclass.")
    try:
        hints = typing.get_type_hints(cls)
    except NameError as error:  # e.g. a hint imported only under TYPE_CHECKING
        raise PayloadError(f"The type hints of {cls.__qualname__} cannot be resolved: {error}.") from error
    resolved = {field.name: hints[field.name] for field in dataclasses.fields(cls) if field.init}
    _field_types[cls] = resolved
    return resolved


def encode_dataclass(value: object) -> dict[str, JSONValue]:
    """`value`'s init fields as a JSON object, each encoded by its type hint."""
    cls = type(value)
    return {name: encode(getattr(value, name), hint, path=name) for name, hint in field_types(cls).items()}


def decode_dataclass[T](cls: type[T], data: Mapping[str, Any]) -> T:
    """Rebuilds a `cls` from `encode_dataclass`'s output; unknown or missing keys are an error."""
    hints = field_types(cls)
    unknown = set(data) - set(hints)
    if unknown:
        raise PayloadError(f"{cls.__qualname__} has no field(s) {', '.join(sorted(unknown))}.")
    arguments = {name: decode(data[name], hint, path=name) for name, hint in hints.items() if name in data}
    return cls(**arguments)


def _optional_inner(hint: Any) -> Any | None:
    """For `X | None` returns X; None when `hint` is not an optional of exactly one type."""
    origin = typing.get_origin(hint)
    if origin not in (types.UnionType, typing.Union):
        return None
    members = [member for member in typing.get_args(hint) if member is not type(None)]
    if len(members) != 1 or len(typing.get_args(hint)) != 2:
        raise PayloadError(f"Only `X | None` unions can be carried in an event, not {hint}.")
    return members[0]


def encode(value: Any, hint: Any, *, path: str = "value") -> JSONValue:
    """`value` as JSON, checked against `hint`."""
    inner = _optional_inner(hint)
    if inner is not None:
        return None if value is None else encode(value, inner, path=path)
    if hint is type(None) or hint is None:
        if value is not None:
            raise PayloadError(f"{path}: expected None, got {type(value).__name__}.")
        return None
    origin = typing.get_origin(hint)
    if origin is list:
        (item_hint,) = typing.get_args(hint)
        _expect(value, list, path)
        return [encode(item, item_hint, path=f"{path}[{index}]") for index, item in enumerate(value)]
    if origin is tuple:
        _expect(value, tuple, path)
        return [encode(item, item_hint, path=f"{path}[{index}]") for index, (item, item_hint) in enumerate(
            zip(value, _tuple_hints(hint, len(value), path), strict=True)
        )]  # fmt: skip
    if origin is dict:
        key_hint, value_hint = typing.get_args(hint)
        if key_hint is not str:
            raise PayloadError(f"{path}: only dict[str, ...] can be carried in an event.")
        _expect(value, dict, path)
        for key in value:
            _expect(key, str, f"{path} key")
        return {key: encode(item, value_hint, path=f"{path}[{key!r}]") for key, item in value.items()}
    if not isinstance(hint, type):
        raise PayloadError(f"{path}: {hint} cannot be carried in an event.")
    if dataclasses.is_dataclass(hint):
        _expect(value, hint, path)
        return {name: encode(getattr(value, name), item_hint, path=f"{path}.{name}") for name, item_hint in field_types(
            hint
        ).items()}  # fmt: skip
    if issubclass(hint, Enum):
        _expect(value, hint, path)
        return encode(value.value, type(value.value), path=path)
    if hint is dt.datetime:
        _expect(value, dt.datetime, path)
        if value.tzinfo is None or value.utcoffset() is None:
            raise PayloadError(f"{path}: datetimes in events must be timezone-aware.")
        return str(value.astimezone(dt.UTC).isoformat())
    if hint is dt.date:
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise PayloadError(f"{path}: expected date, got {type(value).__name__}.")
        return value.isoformat()
    if hint is uuid.UUID:
        _expect(value, uuid.UUID, path)
        return str(value)
    if hint is Decimal:
        _expect(value, Decimal, path)
        if not value.is_finite():
            raise PayloadError(f"{path}: only finite decimals can be carried in an event.")
        return str(value)
    if hint in _SCALARS:
        _expect(value, hint, path)
        return typing.cast(JSONValue, value)
    raise PayloadError(f"{path}: {hint.__qualname__} cannot be carried in an event.")


def decode(data: Any, hint: Any, *, path: str = "value") -> Any:
    """The inverse of `encode` for the same `hint`."""
    inner = _optional_inner(hint)
    if inner is not None:
        return None if data is None else decode(data, inner, path=path)
    if hint is type(None) or hint is None:
        if data is not None:
            raise PayloadError(f"{path}: expected null.")
        return None
    origin = typing.get_origin(hint)
    if origin is list:
        (item_hint,) = typing.get_args(hint)
        _expect(data, list, path)
        return [decode(item, item_hint, path=f"{path}[{index}]") for index, item in enumerate(data)]
    if origin is tuple:
        _expect(data, list, path)
        return tuple(decode(item, item_hint, path=f"{path}[{index}]") for index, (item, item_hint) in enumerate(
            zip(data, _tuple_hints(hint, len(data), path), strict=True)
        ))  # fmt: skip
    if origin is dict:
        _, value_hint = typing.get_args(hint)
        _expect(data, dict, path)
        return {key: decode(item, value_hint, path=f"{path}[{key!r}]") for key, item in data.items()}
    if not isinstance(hint, type):
        raise PayloadError(f"{path}: {hint} cannot be carried in an event.")
    if dataclasses.is_dataclass(hint):
        _expect(data, dict, path)
        return decode_dataclass(hint, data)
    if issubclass(hint, Enum):
        try:
            return hint(data)
        except ValueError as error:
            raise PayloadError(f"{path}: {data!r} is not a {hint.__qualname__}.") from error
    if hint is dt.datetime:
        _expect(data, str, path)
        parsed = _parse(dt.datetime.fromisoformat, data, path)
        if parsed.tzinfo is None:
            raise PayloadError(f"{path}: expected a timezone-aware datetime.")
        return parsed.astimezone(dt.UTC)
    if hint is dt.date:
        _expect(data, str, path)
        return _parse(dt.date.fromisoformat, data, path)
    if hint is uuid.UUID:
        _expect(data, str, path)
        return _parse(uuid.UUID, data, path)
    if hint is Decimal:
        _expect(data, str, path)
        return _parse(Decimal, data, path)
    if hint in _SCALARS:
        _expect(data, hint, path)
        return data
    raise PayloadError(f"{path}: {hint.__qualname__} cannot be carried in an event.")


def _tuple_hints(hint: Any, length: int, path: str) -> list[Any]:
    arguments = typing.get_args(hint)
    if len(arguments) == 2 and arguments[1] is Ellipsis:
        return [arguments[0]] * length
    if len(arguments) != length:
        raise PayloadError(f"{path}: expected {len(arguments)} items, got {length}.")
    return list(arguments)


def _expect(value: Any, expected: type, path: str) -> None:
    # bool is a subclass of int, but a flag is never a count: refuse it where an int is declared (and vice versa).
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        raise PayloadError(f"{path}: expected {expected.__name__}, got {type(value).__name__}.")


def _parse[T](parser: typing.Callable[[str], T], data: str, path: str) -> T:
    try:
        return parser(data)
    except (ValueError, InvalidOperation) as error:
        raise PayloadError(f"{path}: {data!r} is not valid.") from error
