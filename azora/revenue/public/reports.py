"""The revenue engine's public functions for revenue reports."""

from __future__ import annotations

__all__: list[str] = []
