"""Fixtures for Aegis's tests."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def browser() -> Client:
    """A fresh test client; the rate-limit counters were reset by the suite's autouse fixture."""
    return Client()
