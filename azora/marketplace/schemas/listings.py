"""Request and response schemas of the marketplace listings API."""

from __future__ import annotations
