"""The revenue engine's public functions for plans, prices, coupons, student pricing and entitlements."""

from __future__ import annotations

__all__: list[str] = []
