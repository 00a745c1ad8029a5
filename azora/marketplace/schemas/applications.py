"""Request and response schemas of the marketplace applications API."""

from __future__ import annotations
