"""Cursor pagination: opaque cursors, a stable order, every row exactly once, bounded limits."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from typing import Any

import factory
import pytest
from django.db import transaction
from factory.django import DjangoModelFactory
from hypothesis import given, settings
from hypothesis import strategies as st

from azora.shared.errors import ValidationFailed
from azora.shared.ids import uuid7
from azora.shared.models import OutboxEvent
from azora.shared.pagination import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    InvalidCursor,
    Paged,
    PageParams,
    clamp_limit,
    decode_cursor,
    encode_cursor,
    paginate_queryset,
)

BASE_TIME = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
ORDERINGS = [("id",), ("-id",), ("occurred_at", "id"), ("-occurred_at", "id"), ("event_type", "-id")]


class RowFactory(DjangoModelFactory[OutboxEvent]):
    """Outbox rows as plain rows to page through: a UUIDv7 key, a timestamp and a repeating type."""

    class Meta:
        model = OutboxEvent

    id = factory.LazyFunction(uuid7)
    event_type = factory.Sequence(lambda n: f"type{n % 3}")
    payload = factory.LazyFunction(dict)
    occurred_at = BASE_TIME


def _walk(ordering: tuple[str, ...], limit: int) -> list[uuid.UUID]:
    seen: list[uuid.UUID] = []
    cursor = None
    for _page in range(1000):
        page = paginate_queryset(
            OutboxEvent.objects.all(), cursor=cursor, limit=limit, to_item=lambda row: row.id, ordering=ordering
        )
        assert len(page.items) <= limit
        seen.extend(page.items)
        if page.next_cursor is None:
            return seen
        assert page.items, "a page with a next cursor is never empty"
        cursor = page.next_cursor
    raise AssertionError("pagination did not end")


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    offsets=st.lists(st.integers(min_value=0, max_value=3), max_size=25),
    limit=st.integers(min_value=1, max_value=12),
    ordering=st.sampled_from(ORDERINGS),
)
def test_walking_every_page_returns_each_row_once_in_order(
    offsets: list[int], limit: int, ordering: tuple[str, ...]
) -> None:
    """Few distinct times and types, so ties on the leading field are common and the tiebreak is tested."""
    with transaction.atomic():
        OutboxEvent.objects.bulk_create(
            [RowFactory.build(occurred_at=BASE_TIME + dt.timedelta(seconds=offset)) for offset in offsets]
        )
        expected = list(OutboxEvent.objects.order_by(*ordering).values_list("id", flat=True))

        walked = _walk(ordering, limit)

        assert walked == expected
        assert len(set(walked)) == len(offsets)
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_last_page_has_no_next_cursor() -> None:
    RowFactory.create_batch(4)

    first = paginate_queryset(OutboxEvent.objects.all(), cursor=None, limit=2, to_item=lambda row: row.id)
    second = paginate_queryset(OutboxEvent.objects.all(), cursor=first.next_cursor, limit=2, to_item=lambda row: row.id)

    assert len(first.items) == len(second.items) == 2
    assert first.next_cursor is not None
    assert second.next_cursor is None


@pytest.mark.django_db
def test_an_empty_list_is_one_empty_page() -> None:
    page = paginate_queryset(OutboxEvent.objects.none(), cursor=None, limit=5, to_item=lambda row: row.id)

    assert (page.items, page.next_cursor) == ([], None)


@pytest.mark.django_db
def test_rows_added_behind_the_cursor_do_not_shift_the_next_page() -> None:
    rows = sorted(RowFactory.create_batch(4), key=lambda row: row.id)
    first = paginate_queryset(OutboxEvent.objects.all(), cursor=None, limit=2, to_item=lambda row: row.id)
    OutboxEvent.objects.filter(id=rows[0].id).delete()

    second = paginate_queryset(OutboxEvent.objects.all(), cursor=first.next_cursor, limit=2, to_item=lambda row: row.id)

    assert second.items == [rows[2].id, rows[3].id]


def test_cursor_round_trips() -> None:
    value = uuid.UUID("01937a8e-0000-7000-8000-000000000001")

    assert decode_cursor(encode_cursor([BASE_TIME, value]), size=2) == [str(BASE_TIME), str(value)]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64 at all!",
        _b64(b"\xff\xfe"),
        _b64(b"not json"),
        _b64(json.dumps({"a": 1}).encode()),
        _b64(json.dumps(["one", "two"]).encode()),
        _b64(json.dumps([1]).encode()),
        "A" * 2000,
    ],
)
def test_malformed_cursors_are_invalid(cursor: str) -> None:
    with pytest.raises(InvalidCursor) as raised:
        decode_cursor(cursor, size=1)

    assert (raised.value.code, raised.value.status) == ("invalid_cursor", 422)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ordering", "values"), [(("id",), ["not-a-uuid"]), (("occurred_at", "id"), ["yesterday", str(uuid7())])]
)
def test_a_cursor_whose_values_do_not_fit_the_ordering_is_invalid(ordering: tuple[str, ...], values: list[str]) -> None:
    with pytest.raises(InvalidCursor):
        paginate_queryset(
            OutboxEvent.objects.all(), cursor=encode_cursor(values), limit=5, to_item=lambda row: row, ordering=ordering
        )


@pytest.mark.parametrize(("limit", "expected"), [(None, DEFAULT_LIMIT), (1, 1), (MAX_LIMIT, MAX_LIMIT)])
def test_limits_within_bounds(limit: int | None, expected: int) -> None:
    assert clamp_limit(limit) == expected


@pytest.mark.parametrize("limit", [0, -1, MAX_LIMIT + 1])
def test_limits_out_of_bounds_are_refused(limit: int) -> None:
    with pytest.raises(ValidationFailed) as raised:
        clamp_limit(limit)

    assert raised.value.extra == {
        "errors": [{"field": "query.limit", "message": f"limit must be between 1 and {MAX_LIMIT}."}]
    }


def test_page_params_defaults_and_bounds() -> None:
    assert PageParams().model_dump() == {"cursor": None, "limit": DEFAULT_LIMIT}
    with pytest.raises(ValueError, match="limit"):
        PageParams(limit=MAX_LIMIT + 1)


def test_paged_schema_names_items_and_next_cursor() -> None:
    schema: dict[str, Any] = Paged[int].model_json_schema()

    assert schema["required"] == ["items", "next_cursor"]
    assert schema["properties"]["items"] == {"items": {"type": "integer"}, "title": "Items", "type": "array"}
