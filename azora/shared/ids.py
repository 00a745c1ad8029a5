"""Time-ordered UUIDv7 identifiers for every public object."""

from __future__ import annotations

import uuid

import uuid_utils


def uuid7() -> uuid.UUID:
    """A new UUIDv7 as a standard-library UUID, so Django's UUIDField stores it natively."""
    return uuid.UUID(bytes=uuid_utils.uuid7().bytes)
