"""Request ids and W3C traceparent parsing."""

from __future__ import annotations

import uuid

import pytest

from azora.shared.observability.context import TraceParent, parse_traceparent, request_id_from

VALID = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


@pytest.mark.parametrize("value", ["abc", "a" * 128, "req-1.2:3_X", "0199aaaa-bbbb-7ccc-8ddd-eeeeffff0000"])
def test_a_well_formed_client_request_id_is_kept(value: str) -> None:
    assert request_id_from(value) == value


@pytest.mark.parametrize("value", [None, "", "a" * 129, "has space", "semi;colon", "ünïcode", "a\nb"])
def test_a_missing_or_malformed_request_id_is_replaced_by_a_uuid7(value: str | None) -> None:
    generated = request_id_from(value)
    assert uuid.UUID(generated).version == 7


def test_a_valid_traceparent_is_parsed() -> None:
    assert parse_traceparent(VALID) == TraceParent(
        version="00", trace_id="0af7651916cd43dd8448eb211c80319c", parent_id="b7ad6b7169203331", flags="01"
    )
    assert parse_traceparent(VALID).is_sampled is True  # type: ignore[union-attr]
    assert parse_traceparent(VALID[:-2] + "00").is_sampled is False  # type: ignore[union-attr]


def test_a_future_version_may_carry_more_fields() -> None:
    parsed = parse_traceparent("cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra")
    assert parsed is not None
    assert parsed.version == "cc"


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "garbage",
        "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",  # version ff is invalid
        "00-00000000000000000000000000000000-b7ad6b7169203331-01",  # all-zero trace id
        "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",  # all-zero parent id
        "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01",  # upper case
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra",  # version 00 has exactly four fields
        "00-0af7651916cd43dd8448eb211c8031-b7ad6b7169203331-01",  # short trace id
    ],
)
def test_an_invalid_traceparent_is_ignored(value: str | None) -> None:
    assert parse_traceparent(value) is None
