"""Fixtures of the agent tools' tests: a fresh lesson index per test and agents as plain views."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from azora.agents.public.views import AgentView
from azora.ai_routing.adapters.local import INDEX


@pytest.fixture(autouse=True)
def _fresh_lesson_index() -> Iterator[None]:
    """The offline index is rebuilt from this test's lessons (it is process state, checked every 5 s)."""
    INDEX.invalidate()
    yield
    INDEX.invalidate()


def agent(*tools: str, slug: str = "elara") -> AgentView:
    return AgentView(
        slug=slug, name=slug.title(), role="Tutor", voice="", tools=tuple(tools), intents=(), is_default=slug == "elara"
    )
