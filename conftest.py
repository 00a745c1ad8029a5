"""Suite-wide pytest configuration: which backing services this run uses."""

from __future__ import annotations

import os
from collections.abc import Iterator

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
def _fresh_marketplace_search() -> None:
    """Every test starts on a search generation of its own. The marketplace caches search pages and rankings under
    the generation that each committed listing write bumps; a test's writes are rolled back, never committed, so
    without this the next test could be served the pages of listings that no longer exist."""
    import uuid

    from django.core.cache import cache

    from azora.marketplace.selectors.search import SEARCH_GENERATION_KEY

    cache.set(SEARCH_GENERATION_KEY, uuid.uuid4().int >> 72, timeout=None)


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test ends in the default language: a request in French activates French for the thread (Django's
    LocaleMiddleware), and the next test's emails and messages would be French too."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Every test starts with no rate-limit counts, so that one test's logins never throttle another's."""
    from azora.security.public import rate_limits_reset

    rate_limits_reset()


@pytest.fixture(autouse=True)
def _edge_rules_current(request: pytest.FixtureRequest, _fresh_rate_limits: None) -> None:
    """A database test starts with the edge's IP rules compiled, as in a process that has served a request: the
    edge compiles them once per change, and that query is not the test's to count. (After the counters' reset,
    which empties the cache the rules' version lives in.)"""
    if request.node.get_closest_marker("django_db") is None and not {"db", "transactional_db"} & set(
        request.fixturenames
    ):
        return
    from azora.security.public import edge_rules_refresh

    request.getfixturevalue("django_db_setup")
    with request.getfixturevalue("django_db_blocker").unblock():
        edge_rules_refresh()
