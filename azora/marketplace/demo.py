"""Marketplace demo data (owner: MARKET-DEMO)."""

from __future__ import annotations
