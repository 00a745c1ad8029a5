"""The revenue engine's public functions for orders, checkout and instructors' earnings."""

from __future__ import annotations

__all__: list[str] = []
