"""Marketplace periodic jobs for listings: expiring those past their closing date (owner: MARKET-LISTINGS)."""

from __future__ import annotations
