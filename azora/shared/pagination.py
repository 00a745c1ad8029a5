"""Cursor (keyset) pagination for every list: opaque cursors, stable order, a bounded page size."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q, QuerySet

from azora.shared.errors import ValidationFailed

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class InvalidCursor(ValidationFailed):
    code = "invalid_cursor"
    title = "The cursor is not valid for this list."


@dataclass(frozen=True, slots=True)
class Page[T]:
    items: list[T]
    next_cursor: str | None


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps([str(value) for value in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, *, size: int) -> list[str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise InvalidCursor() from error
    if not isinstance(values, list) or len(values) != size or not all(isinstance(v, str) for v in values):
        raise InvalidCursor()
    return values


def clamp_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if limit < 1 or limit > MAX_LIMIT:
        raise ValidationFailed(f"limit must be between 1 and {MAX_LIMIT}.", extra={"errors": [{"field": "limit"}]})
    return limit


def _after(ordering: Sequence[str], values: Sequence[str]) -> Q:
    """Rows strictly after `values` in the lexicographic order of `ordering` ("-field" is descending)."""
    condition = Q()
    for index, field in enumerate(ordering):
        name = field.lstrip("-")
        lookup = "lt" if field.startswith("-") else "gt"
        step = Q(**{f"{name}__{lookup}": values[index]})
        for previous, value in zip(ordering[:index], values[:index], strict=True):
            step &= Q(**{previous.lstrip("-"): value})
        condition |= step
    return condition


def paginate_queryset[M: Model, T](
    queryset: QuerySet[M],
    *,
    cursor: str | None,
    limit: int | None,
    to_item: Callable[[M], T],
    ordering: Sequence[str] = ("id",),
) -> Page[T]:
    """One page of `queryset` in `ordering`, which must end in a unique field (UUIDv7 `id` is time-ordered)."""
    size = clamp_limit(limit)
    queryset = queryset.order_by(*ordering)
    if cursor:
        queryset = queryset.filter(_after(ordering, decode_cursor(cursor, size=len(ordering))))
    rows = list(queryset[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    next_cursor = None
    if has_more and rows:
        last = rows[-1]
        next_cursor = encode_cursor([getattr(last, field.lstrip("-")) for field in ordering])
    return Page(items=[to_item(row) for row in rows], next_cursor=next_cursor)
