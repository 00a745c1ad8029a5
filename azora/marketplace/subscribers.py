"""Azora Marketplace's handlers for other apps' events (each calls one local service; each area appends its own)."""

from __future__ import annotations
