"""UUIDv7 ids: standard UUIDs, version 7, ordered by creation time."""

from __future__ import annotations

import uuid

from azora.shared.ids import uuid7


def test_uuid7_is_a_standard_version_7_uuid() -> None:
    value = uuid7()
    assert isinstance(value, uuid.UUID)
    assert value.version == 7
    assert value.variant == uuid.RFC_4122


def test_uuid7_values_sort_in_creation_order() -> None:
    values = [uuid7() for _ in range(1000)]
    assert values == sorted(values)
    assert len(set(values)) == 1000
