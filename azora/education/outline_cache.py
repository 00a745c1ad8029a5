"""A cache of course outlines (modules and lessons: titles, order, durations; prerequisite ids) with exact invalidation.

A course page and "my enrolments" need the outline of every course they show; the outline changes only when an
editor changes a module or a lesson. It is kept in Django's cache (Redis in production, in-process memory
embedded) under two keys per course:

- `edu:outline-v:<course id>`: the course's current *token*, a random string;
- `edu:outline:<course id>`: `(token, outline)`, the outline as it was read while that token was current.

An entry is used only while its token is the course's current token. Every change of a module or a lesson sets a
new token twice: at once (inside the writer's transaction) and again after the transaction commits. A reader that
read the old rows before the commit therefore stored them under a token that is replaced after the commit, and is
never read again: no stale outline survives a commit, whatever the interleaving. A missing token (evicted, or a
new course) is replaced by a new random one, so an old entry can never match it. Each process also keeps the
outlines it read last with their tokens (a bounded memo), so a read costs one cache round trip for the tokens of
all its courses, plus one for the entries the process does not hold under the current token; none per lesson.
When the cache is unreachable a read falls back to the database; a change fails instead (its transaction rolls
back), so no change can be missed by the tokens.

Invalidation comes from two places, so that every writer is covered:
- Django signals for row writes (`post_save`/`post_delete` of Module and Lesson, `m2m_changed` of a course's
  prerequisites): the authoring services, the admin, factories and fixtures;
- explicit calls of `outline_changed` where rows change without signals: the reorders (`bulk_update`) in
  `services/courses.py`.
The tests in `tests/test_courses_outline_cache.py` prove that every authoring path invalidates.
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any, NamedTuple

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from azora.education.models import Course, Lesson, Module
from azora.shared.compiled import CompiledQuery
from azora.shared.observability.logging import get_logger

__all__ = ["Outline", "OutlineLesson", "OutlineModule", "outline_changed", "outlines"]

logger = get_logger("azora.education")

VERSION_PREFIX = "edu:outline-v:"
ENTRY_PREFIX = "edu:outline:"
# Entries expire after a day without a read of a changed course (space only: correctness comes from the tokens).
ENTRY_TIMEOUT = 24 * 60 * 60
TOKEN_TIMEOUT = 7 * 24 * 60 * 60
LESSON_ORDER = ("module__position", "module_id", "position", "id")
# Outlines a process keeps in memory (about 2-5 KB each), checked against the shared token on every read.
MEMO_SIZE = 4096


# Named tuples, not dataclasses: an outline is unpickled on every read, and a tuple unpickles several times faster.
class OutlineLesson(NamedTuple):
    id: uuid.UUID
    module_id: uuid.UUID
    title: str
    position: int
    estimated_minutes: int
    is_required: bool
    has_video: bool


class OutlineModule(NamedTuple):
    id: uuid.UUID
    title: str
    summary: str
    position: int
    lessons: tuple[OutlineLesson, ...]


class Outline(NamedTuple):
    """A course's modules in order, each with its lessons in order; `lessons` is every lesson in outline order;
    `prerequisite_ids` the ids of the courses it names as prerequisites (whether the viewer may see them is
    decided per request)."""

    modules: tuple[OutlineModule, ...]
    lessons: tuple[OutlineLesson, ...]
    prerequisite_ids: tuple[uuid.UUID, ...]


def _new_token() -> str:
    return uuid.uuid4().hex


def outline_changed(course_id: uuid.UUID) -> None:
    """The course's modules or lessons changed (or are about to, in the current transaction): drop its outline."""
    key = f"{VERSION_PREFIX}{course_id}"
    cache.set(key, _new_token(), TOKEN_TIMEOUT)
    # Again after the commit: a reader between the first token and the commit may have stored the old rows.
    transaction.on_commit(lambda: cache.set(key, _new_token(), TOKEN_TIMEOUT), robust=True)


_MODULES = CompiledQuery(
    "outline modules",
    lambda *, courses: (
        Module.objects.filter(course_id__in=courses)
        .order_by("position", "id")
        .values("id", "course_id", "title", "summary", "position")
    ),
)
_LESSONS = CompiledQuery(
    "outline lessons",
    lambda *, courses: (
        Lesson.objects.filter(course_id__in=courses)
        .order_by(*LESSON_ORDER)
        .values("id", "course_id", "module_id", "title", "position", "estimated_minutes", "is_required", "video_url")
    ),
)
_PREREQUISITES = CompiledQuery(
    "outline prerequisites",
    lambda *, courses: (
        Course.prerequisites.through.objects.filter(from_course_id__in=courses)
        .order_by("id")
        .values("from_course_id", "to_course_id")
    ),
)


def _read(course_ids: list[uuid.UUID]) -> dict[uuid.UUID, Outline]:
    """The outlines from the database: three queries whatever the number of courses, modules and lessons."""
    modules: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for row in _MODULES.run(courses=course_ids):
        modules.setdefault(row["course_id"], []).append(row)
    lessons: dict[uuid.UUID, list[OutlineLesson]] = {}
    for row in _LESSONS.run(courses=course_ids):
        lessons.setdefault(row["course_id"], []).append(
            OutlineLesson(
                row["id"],
                row["module_id"],
                row["title"],
                row["position"],
                row["estimated_minutes"],
                row["is_required"],
                bool(row["video_url"]),
            )
        )
    prerequisites: dict[uuid.UUID, list[uuid.UUID]] = {}
    for row in _PREREQUISITES.run(courses=course_ids):
        prerequisites.setdefault(row["from_course_id"], []).append(row["to_course_id"])
    result: dict[uuid.UUID, Outline] = {}
    for course_id in course_ids:
        course_lessons = lessons.get(course_id, [])
        by_module: dict[uuid.UUID, list[OutlineLesson]] = {}
        for lesson in course_lessons:
            by_module.setdefault(lesson.module_id, []).append(lesson)
        result[course_id] = Outline(
            modules=tuple(
                OutlineModule(m["id"], m["title"], m["summary"], m["position"], tuple(by_module.get(m["id"], ())))
                for m in modules.get(course_id, [])
            ),
            lessons=tuple(course_lessons),
            prerequisite_ids=tuple(prerequisites.get(course_id, ())),
        )
    return result


class _Memo:
    """The outlines this process read last, by course, each with the token it was read under: bounded, shared by
    the process's threads (outlines are immutable tuples). Only the shared cache's current token makes an entry
    usable, so the memo saves the entry's transfer and unpickling, never a check."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[uuid.UUID, tuple[str, Outline]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, course_id: uuid.UUID, token: str) -> Outline | None:
        with self._lock:
            entry = self._entries.get(course_id)
            if entry is None or entry[0] != token:
                return None
            self._entries.move_to_end(course_id)
            return entry[1]

    def put(self, course_id: uuid.UUID, token: str, outline: Outline) -> None:
        with self._lock:
            self._entries[course_id] = (token, outline)
            self._entries.move_to_end(course_id)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


_memo = _Memo(MEMO_SIZE)


def outlines(course_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Outline]:
    """The outline of each course (an empty one for a course without modules): one cache round trip for the
    courses' tokens (and one more for the entries this process does not hold under the current token), and three
    queries for all the courses whose cached outline is missing or out of date."""
    ids = list(dict.fromkeys(course_ids))
    if not ids:
        return {}
    try:
        tokens: dict[str, Any] = cache.get_many([f"{VERSION_PREFIX}{course_id}" for course_id in ids])
        result: dict[uuid.UUID, Outline] = {}
        fetch: dict[uuid.UUID, str] = {}
        for course_id in ids:
            token = tokens.get(f"{VERSION_PREFIX}{course_id}")
            if token is None:
                continue
            held = _memo.get(course_id, token)
            if held is None:
                fetch[course_id] = token
            else:
                result[course_id] = held
        entries: dict[str, Any] = cache.get_many([f"{ENTRY_PREFIX}{course_id}" for course_id in fetch]) if fetch else {}
    except Exception:  # the cache is down (a Redis error): read the database, store nothing
        logger.warning("education.outline_cache.unavailable", exc_info=True)
        return _read(ids)
    for course_id, token in fetch.items():
        entry = entries.get(f"{ENTRY_PREFIX}{course_id}")
        if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == token:
            result[course_id] = entry[1]
            _memo.put(course_id, token, entry[1])
    missing: dict[uuid.UUID, str] = {}
    new_tokens: dict[str, str] = {}
    for course_id in ids:
        if course_id in result:
            continue
        token = tokens.get(f"{VERSION_PREFIX}{course_id}")
        if token is None:
            token = _new_token()
            new_tokens[f"{VERSION_PREFIX}{course_id}"] = token
        missing[course_id] = token
    if not missing:
        return result
    try:
        for key, token in new_tokens.items():
            # Another reader may have set a token first; theirs wins, and this read is stored under it.
            if not cache.add(key, token, TOKEN_TIMEOUT):
                course_id = uuid.UUID(key.removeprefix(VERSION_PREFIX))
                missing[course_id] = cache.get(key) or _new_token()
    except Exception:  # as above: serve from the database, store nothing
        logger.warning("education.outline_cache.unavailable", exc_info=True)
        result.update(_read(list(missing)))
        return result
    read = _read(list(missing))
    with contextlib.suppress(Exception):  # a failed store only means the next read misses too
        cache.set_many(
            {f"{ENTRY_PREFIX}{course_id}": (token, read[course_id]) for course_id, token in missing.items()},
            ENTRY_TIMEOUT,
        )
    for course_id, token in missing.items():
        _memo.put(course_id, token, read[course_id])
    result.update(read)
    return result


# --- Invalidation by row writes ---


@receiver(post_save, sender=Module, dispatch_uid="education.outline_cache.module_saved")
@receiver(post_delete, sender=Module, dispatch_uid="education.outline_cache.module_deleted")
@receiver(post_save, sender=Lesson, dispatch_uid="education.outline_cache.lesson_saved")
@receiver(post_delete, sender=Lesson, dispatch_uid="education.outline_cache.lesson_deleted")
def _row_written(sender: type[Module | Lesson], instance: Module | Lesson, **kwargs: Any) -> None:
    outline_changed(instance.course_id)


@receiver(m2m_changed, sender=Course.prerequisites.through, dispatch_uid="education.outline_cache.prerequisites")
def _prerequisites_changed(
    sender: type[Any], instance: Course, action: str, reverse: bool, pk_set: set[Any] | None, **kwargs: Any
) -> None:
    if not action.startswith(("post_", "pre_clear")):
        return
    if not reverse:
        outline_changed(instance.pk)
        return
    # Changed from the prerequisite's side: every course that names (or named) it.
    names = pk_set if pk_set is not None else set()
    if action == "pre_clear":
        names = set(sender.objects.filter(to_course_id=instance.pk).values_list("from_course_id", flat=True))
    for course_id in names:
        outline_changed(course_id)
