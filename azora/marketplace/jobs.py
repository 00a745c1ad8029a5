"""Azora Marketplace's periodic jobs (each area appends its own)."""

from __future__ import annotations
