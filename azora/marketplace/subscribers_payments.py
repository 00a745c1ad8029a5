"""The marketplace's handlers for the Payment Service's events: card-funded milestones (owner: MARKET-ESCROW)."""

from __future__ import annotations
