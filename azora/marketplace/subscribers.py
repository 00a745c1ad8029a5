"""The marketplace's handlers for other apps' events: certificates verify skills (owner: MARKET-LISTINGS)."""

from __future__ import annotations
