"""The revenue engine's public functions for subscriptions to plans."""

from __future__ import annotations

__all__: list[str] = []
