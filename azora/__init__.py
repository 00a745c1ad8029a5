"""Azora: an open learn, build and earn platform, as one Django modular monolith."""
