"""The registry of knowledge sources (course content and the like) that the offline assistant retrieves from.

Apps that own content register a source in their `AppConfig.ready()`; readers (AI Routing's `local` provider)
call `sources()` and rebuild their index when a source's cheap `version()` string changes. A source whose passages
belong to courses also says which courses a person may read (`readable_course_ids`), so that a reader never quotes
a paid course to someone who has not bought it.
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


# Which courses a person (None: nobody signed in) may read passages of; None means every course.
CourseScope = Callable[[uuid.UUID | None], frozenset[uuid.UUID] | None]


@dataclass(frozen=True)
class KnowledgeSource:
    name: str
    documents: Callable[[], Iterable[Passage]]
    version: Callable[[], str]
    readable_course_ids: CourseScope | None = None


_lock = threading.Lock()
_sources: dict[str, KnowledgeSource] = {}


def register_source(
    name: str,
    documents: Callable[[], Iterable[Passage]],
    version: Callable[[], str],
    *,
    readable_course_ids: CourseScope | None = None,
) -> None:
    """Register (or replace) the source called `name`; `readable_course_ids` scopes its course passages per person."""
    with _lock:
        _sources[name] = KnowledgeSource(
            name=name, documents=documents, version=version, readable_course_ids=readable_course_ids
        )


def unregister_source(name: str) -> None:
    """Remove the source called `name` if registered (tests)."""
    with _lock:
        _sources.pop(name, None)


def sources() -> tuple[KnowledgeSource, ...]:
    """The registered sources, ordered by name."""
    with _lock:
        return tuple(_sources[name] for name in sorted(_sources))


def readable_course_ids(user_id: uuid.UUID | None) -> frozenset[uuid.UUID] | None:
    """The courses whose passages `user_id` may be shown: the union of what each scoped source allows; None (every
    course) when no source scopes its passages. Passages without a course are open to everyone."""
    scopes = [source.readable_course_ids for source in sources() if source.readable_course_ids is not None]
    if not scopes:
        return None
    allowed: set[uuid.UUID] = set()
    for scope in scopes:
        found = scope(user_id)
        if found is None:
            return None
        allowed |= found
    return frozenset(allowed)
