"""Suite-wide pytest configuration: which backing services this run uses."""

from __future__ import annotations

import os

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    uses_redis = bool(os.environ.get("REDIS_URL"))
    uses_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    for item in items:
        if "redis" in item.keywords and not uses_redis:
            item.add_marker(pytest.mark.skip(reason="needs REDIS_URL (runs in the PostgreSQL + Redis pass)"))
        if "postgres" in item.keywords and not uses_postgres:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (runs in the PostgreSQL + Redis pass)"))


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Every test starts with no rate-limit counts, so that one test's logins never throttle another's."""
    from azora.security.public import rate_limits_reset

    rate_limits_reset()
