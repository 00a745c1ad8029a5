"""The revenue engine's public functions for upgrade offers."""

from __future__ import annotations

__all__: list[str] = []
