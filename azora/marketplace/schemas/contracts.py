"""Request and response schemas of the marketplace contracts API."""

from __future__ import annotations
