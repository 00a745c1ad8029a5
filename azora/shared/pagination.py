"""Cursor (keyset) pagination for every list: opaque cursors, stable order, a bounded page size."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, Q, QuerySet
from ninja import Field, Schema

from azora.shared.errors import ValidationFailed

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# A cursor holds a few ordering values; anything much longer is not one of ours.
MAX_CURSOR_LENGTH = 1024


class InvalidCursor(ValidationFailed):
    code = "invalid_cursor"
    title = "The cursor is not valid for this list."


@dataclass(frozen=True, slots=True)
class Page[T]:
    items: list[T]
    next_cursor: str | None


class PageParams(Schema):
    """The query parameters of every list endpoint: `def f(request, page: Query[PageParams])`."""

    cursor: str | None = Field(
        default=None, max_length=MAX_CURSOR_LENGTH, description="`next_cursor` of the previous page."
    )
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="How many items per page.")


class Paged[T](Schema):
    """The response of every list endpoint: `response=Paged[ItemOut]`; a `Page` validates into it as is."""

    items: list[T]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps([str(value) for value in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, *, size: int) -> list[str]:
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise InvalidCursor()
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
        message = f"limit must be between 1 and {MAX_LIMIT}."
        raise ValidationFailed(message, extra={"errors": [{"field": "query.limit", "message": message}]})
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
    """One page of `queryset` in `ordering`, which must end in a unique field (UUIDv7 `id` is time-ordered).

    The ordering's fields must be non-null: a cursor stores each value as text.
    """
    size = clamp_limit(limit)
    queryset = queryset.order_by(*ordering)
    if cursor:
        try:
            queryset = queryset.filter(_after(ordering, decode_cursor(cursor, size=len(ordering))))
        except (DjangoValidationError, ValueError, TypeError) as error:
            # Well-formed, but its values do not fit the ordering's fields (a cursor of another list).
            raise InvalidCursor() from error
    rows = list(queryset[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    next_cursor = None
    if has_more and rows:
        last = rows[-1]
        next_cursor = encode_cursor([getattr(last, field.lstrip("-")) for field in ordering])
    return Page(items=[to_item(row) for row in rows], next_cursor=next_cursor)
