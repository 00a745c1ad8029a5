"""The registry of knowledge sources (course content and the like) that the offline assistant retrieves from.

Apps that own content register a source in their `AppConfig.ready()`; readers (AI Routing's `local` provider)
call `sources()` and rebuild their index when a source's cheap `version()` string changes.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Passage:
    source_id: str  # stable id inside its source, e.g. "lesson:<uuid>"
    title: str
    url: str
    text: str  # plain text (no markup)
    course_id: uuid.UUID | None


@dataclass(frozen=True)
class KnowledgeSource:
    name: str
    documents: Callable[[], Iterable[Passage]]
    version: Callable[[], str]


_lock = threading.Lock()
_sources: dict[str, KnowledgeSource] = {}


def register_source(name: str, documents: Callable[[], Iterable[Passage]], version: Callable[[], str]) -> None:
    """Register (or replace) the source called `name`."""
    with _lock:
        _sources[name] = KnowledgeSource(name=name, documents=documents, version=version)


def unregister_source(name: str) -> None:
    """Remove the source called `name` if registered (tests)."""
    with _lock:
        _sources.pop(name, None)


def sources() -> tuple[KnowledgeSource, ...]:
    """The registered sources, ordered by name."""
    with _lock:
        return tuple(_sources[name] for name in sorted(_sources))
