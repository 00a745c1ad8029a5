"""The revenue engine's public functions for learn-to-earn rewards and AZR redemption."""

from __future__ import annotations

__all__: list[str] = []
