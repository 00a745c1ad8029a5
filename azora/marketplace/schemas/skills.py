"""Request and response schemas of the marketplace skills API."""

from __future__ import annotations
