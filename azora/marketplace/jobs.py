"""Azora Marketplace's periodic jobs for escrow and reviews: auto-release and publishing (owner: MARKET-ESCROW)."""

from __future__ import annotations
