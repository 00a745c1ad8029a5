"""The outline cache is exact: every authoring path invalidates it, and a stale entry is never served."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache

from azora.accounts.models import User
from azora.accounts.tests.conftest import session_client
from azora.accounts.tests.factories import UserFactory
from azora.education import outline_cache
from azora.education.models import Course, Lesson, Module
from azora.education.outline_cache import Outline, OutlineLesson, OutlineModule, outline_changed, outlines
from azora.education.public import courses as education
from azora.education.tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    LessonFactory,
    LessonProgressFactory,
    ModuleFactory,
    course_with_lessons,
    instructor_user,
)
from azora.education.tests.test_courses_api import send

pytestmark = pytest.mark.django_db


def _fresh(course_id: uuid.UUID) -> Outline:
    """The outline straight from the ORM's models (independently of the cache's own read)."""
    lessons = [
        OutlineLesson(
            lesson.id,
            lesson.module_id,
            lesson.title,
            lesson.position,
            lesson.estimated_minutes,
            lesson.is_required,
            bool(lesson.video_url),
        )
        for lesson in Lesson.objects.filter(course_id=course_id).order_by(
            "module__position", "module_id", "position", "id"
        )
    ]
    modules = tuple(
        OutlineModule(
            module.id,
            module.title,
            module.summary,
            module.position,
            tuple(lesson for lesson in lessons if lesson.module_id == module.id),
        )
        for module in Module.objects.filter(course_id=course_id).order_by("position", "id")
    )
    prerequisites = Course.prerequisites.through.objects.filter(from_course_id=course_id).order_by("id")
    return Outline(
        modules=modules,
        lessons=tuple(lessons),
        prerequisite_ids=tuple(prerequisites.values_list("to_course_id", flat=True)),
    )


def _lessons(course: Course) -> list[Lesson]:
    return list(Lesson.objects.filter(course=course).order_by("module__position", "position", "id"))


def _modules(course: Course) -> list[Module]:
    return list(Module.objects.filter(course=course).order_by("position", "id"))


# Every authoring path that changes what an outline holds: (name, action(course, instructor)).
AUTHORING: list[tuple[str, Callable[[Course, User], Any]]] = [
    ("module_create", lambda c, u: education.module_create(course_id=c.id, user_id=u.id, title="New module")),
    (
        "module_update title",
        lambda c, u: education.module_update(module_id=_modules(c)[0].id, user_id=u.id, title="Renamed"),
    ),
    (
        "module_update summary",
        lambda c, u: education.module_update(module_id=_modules(c)[0].id, user_id=u.id, summary="New summary"),
    ),
    ("module_delete", lambda c, u: education.module_delete(module_id=_modules(c)[0].id, user_id=u.id)),
    (
        "module_reorder",
        lambda c, u: education.module_reorder(
            course_id=c.id, user_id=u.id, module_ids=[m.id for m in reversed(_modules(c))]
        ),
    ),
    ("lesson_create", lambda c, u: education.lesson_create(module_id=_modules(c)[0].id, user_id=u.id, title="New")),
    (
        "lesson_update title",
        lambda c, u: education.lesson_update(lesson_id=_lessons(c)[0].id, user_id=u.id, title="Renamed lesson"),
    ),
    (
        "lesson_update estimated_minutes",
        lambda c, u: education.lesson_update(lesson_id=_lessons(c)[0].id, user_id=u.id, estimated_minutes=42),
    ),
    (
        "lesson_update is_required",
        lambda c, u: education.lesson_update(lesson_id=_lessons(c)[0].id, user_id=u.id, is_required=False),
    ),
    (
        "lesson_update video_url",
        lambda c, u: education.lesson_update(
            lesson_id=_lessons(c)[0].id, user_id=u.id, video_url="https://www.youtube.com/watch?v=abcdefghijk"
        ),
    ),
    (
        "lesson_update module_id",
        lambda c, u: education.lesson_update(lesson_id=_lessons(c)[0].id, user_id=u.id, module_id=_modules(c)[1].id),
    ),
    ("lesson_delete", lambda c, u: education.lesson_delete(lesson_id=_lessons(c)[0].id, user_id=u.id)),
    (
        "lesson_reorder",
        lambda c, u: education.lesson_reorder(
            module_id=_modules(c)[0].id,
            user_id=u.id,
            lesson_ids=[lesson.id for lesson in reversed(_lessons(c)[:2])],
        ),
    ),
    (
        "course_update prerequisite_ids",
        lambda c, u: education.course_update(
            course_id=c.id, user_id=u.id, prerequisite_ids=[CourseFactory(published=True).id]
        ),
    ),
]


@pytest.mark.parametrize(("name", "action"), AUTHORING, ids=[name for name, _ in AUTHORING])
def test_every_authoring_path_invalidates_the_outline(name: str, action: Callable[[Course, User], Any]) -> None:
    instructor = instructor_user()
    course, _ = course_with_lessons(published=False, modules=2, lessons_per_module=2, instructors=[instructor])
    before = outlines([course.id])[course.id]
    assert before == _fresh(course.id)
    assert outlines([course.id])[course.id] is not None  # served from the cache now
    action(course, instructor)
    after = outlines([course.id])[course.id]
    assert after != before, name
    assert after == _fresh(course.id), name


def test_the_course_page_shows_an_edit_made_after_it_was_cached() -> None:
    instructor = instructor_user()
    course, lessons = course_with_lessons(modules=1, lessons_per_module=2, instructors=[instructor])
    client = session_client(instructor)
    first = send(client, "GET", f"/courses/{course.slug}").json()
    assert [lesson["title"] for lesson in first["modules"][0]["lessons"]] == [lessons[0].title, lessons[1].title]
    send(client, "PATCH", f"/lessons/{lessons[1].id}", {"title": "A better title", "estimated_minutes": 7})
    second = send(client, "GET", f"/courses/{course.slug}").json()
    assert [lesson["title"] for lesson in second["modules"][0]["lessons"]] == [lessons[0].title, "A better title"]
    assert second["total_minutes"] == first["total_minutes"] - lessons[1].estimated_minutes + 7


def test_rows_written_without_the_services_invalidate_too() -> None:
    course, _ = course_with_lessons(modules=1, lessons_per_module=1)
    cached = outlines([course.id])[course.id]
    module = ModuleFactory(course=course, position=5)
    LessonFactory(module=module, position=0)
    assert len(outlines([course.id])[course.id].lessons) == len(cached.lessons) + 1
    Lesson.objects.filter(module=module).get().delete()
    module.delete()
    assert outlines([course.id])[course.id] == cached
    prerequisite = CourseFactory(published=True)
    course.prerequisites.add(prerequisite)
    assert outlines([course.id])[course.id].prerequisite_ids == (prerequisite.id,)
    course.prerequisites.clear()
    assert outlines([course.id])[course.id].prerequisite_ids == ()


def test_an_entry_stored_under_an_old_token_is_never_served() -> None:
    """A reader that read the rows before a writer committed stored them under a token the commit replaces."""
    course, _ = course_with_lessons(modules=1, lessons_per_module=1)
    outlines([course.id])
    token = cache.get(f"{outline_cache.VERSION_PREFIX}{course.id}")
    stale = Outline(modules=(), lessons=(), prerequisite_ids=())
    outline_changed(course.id)
    # The slow reader finishes now, storing what it read under the token it saw.
    cache.set(f"{outline_cache.ENTRY_PREFIX}{course.id}", (token, stale))
    assert outlines([course.id])[course.id] == _fresh(course.id) != stale


def test_the_token_changes_at_once_and_again_after_the_commit(
    django_capture_on_commit_callbacks: Any,
) -> None:
    course, _ = course_with_lessons(modules=1, lessons_per_module=1)
    outlines([course.id])
    key = f"{outline_cache.VERSION_PREFIX}{course.id}"
    tokens = [cache.get(key)]
    with django_capture_on_commit_callbacks(execute=True):
        outline_changed(course.id)
        tokens.append(cache.get(key))
    tokens.append(cache.get(key))
    assert len(set(tokens)) == 3


def test_a_lost_token_is_replaced_and_the_old_entry_is_not_served() -> None:
    course, _ = course_with_lessons(modules=1, lessons_per_module=1)
    outlines([course.id])
    token = cache.get(f"{outline_cache.VERSION_PREFIX}{course.id}")
    cache.set(f"{outline_cache.ENTRY_PREFIX}{course.id}", (token, Outline(modules=(), lessons=(), prerequisite_ids=())))
    cache.delete(f"{outline_cache.VERSION_PREFIX}{course.id}")  # evicted
    assert outlines([course.id])[course.id] == _fresh(course.id)
    assert cache.get(f"{outline_cache.VERSION_PREFIX}{course.id}") not in (None, token)


def test_the_cached_outline_holds_no_viewer_data() -> None:
    course, lessons = course_with_lessons(modules=1, lessons_per_module=2)
    first, second = UserFactory(), UserFactory()
    LessonProgressFactory(enrollment=EnrollmentFactory(course=course, user=first), lesson=lessons[0])
    EnrollmentFactory(course=course, user=second)
    mine = send(session_client(first), "GET", f"/courses/{course.slug}").json()
    theirs = send(session_client(second), "GET", f"/courses/{course.slug}").json()
    assert [lesson["is_completed"] for lesson in mine["modules"][0]["lessons"]] == [True, False]
    assert [lesson["is_completed"] for lesson in theirs["modules"][0]["lessons"]] == [False, False]
    assert mine["viewer_progress"]["completed_lessons"] == 1
    assert theirs["viewer_progress"]["completed_lessons"] == 0
    assert mine["viewer_resume_lesson_id"] == str(lessons[1].id)
    assert theirs["viewer_resume_lesson_id"] == str(lessons[0].id)


def test_visibility_is_decided_per_request_whatever_is_cached() -> None:
    instructor, learner, enrolled = instructor_user(), UserFactory(), UserFactory()
    course, _ = course_with_lessons(published=False, modules=1, lessons_per_module=1, instructors=[instructor])
    author = session_client(instructor)
    assert send(author, "GET", f"/courses/{course.slug}").status_code == 200  # caches the outline
    assert send(session_client(learner), "GET", f"/courses/{course.slug}").status_code == 404
    assert send(session_client(learner), "GET", f"/courses/{course.id}").status_code == 404
    send(author, "POST", f"/courses/{course.id}/publish")
    assert send(session_client(learner), "GET", f"/courses/{course.slug}").status_code == 200
    EnrollmentFactory(course=course, user=enrolled)
    send(author, "POST", f"/courses/{course.id}/archive")
    assert send(session_client(learner), "GET", f"/courses/{course.slug}").status_code == 404
    body = send(session_client(enrolled), "GET", f"/courses/{course.slug}").json()
    assert body["course"]["status"] == "archived"
    assert body["viewer_may_edit"] is False


def test_prerequisites_are_filtered_for_the_viewer() -> None:
    learner = UserFactory()
    course, _ = course_with_lessons(modules=1, lessons_per_module=1)
    published = CourseFactory(published=True, title="A published one")
    draft = CourseFactory(title="A draft")
    archived = CourseFactory(published=True, title="An archived one", status="archived")
    course.prerequisites.add(published, draft, archived)
    client = session_client(learner)
    titles = [p["title"] for p in send(client, "GET", f"/courses/{course.slug}").json()["prerequisites"]]
    assert titles == ["A published one"]
    EnrollmentFactory(course=archived, user=learner)
    titles = [p["title"] for p in send(client, "GET", f"/courses/{course.slug}").json()["prerequisites"]]
    assert titles == ["A published one", "An archived one"]


def test_an_unreachable_cache_serves_the_outline_from_the_database(monkeypatch: pytest.MonkeyPatch) -> None:
    course, _ = course_with_lessons(modules=2, lessons_per_module=2)

    def down(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("the cache is down")

    monkeypatch.setattr(cache, "get_many", down)
    assert outlines([course.id])[course.id] == _fresh(course.id)
    learner = UserFactory()
    body = send(session_client(learner), "GET", f"/courses/{course.slug}").json()
    assert body["lesson_count"] == 4


def test_a_held_outline_is_served_without_its_entry_while_the_token_is_current(
    django_assert_num_queries: Any,
) -> None:
    course, _ = course_with_lessons(modules=1, lessons_per_module=2)
    first = outlines([course.id])[course.id]
    cache.delete(f"{outline_cache.ENTRY_PREFIX}{course.id}")  # only this process's memo has it now
    with django_assert_num_queries(0):
        assert outlines([course.id])[course.id] is first


def test_a_change_made_by_another_process_is_seen_through_the_token() -> None:
    """Another process changes the rows and the shared token; this process's memo must not serve the old one."""
    course, lessons = course_with_lessons(modules=1, lessons_per_module=2)
    assert outlines([course.id])[course.id].lessons[0].title == lessons[0].title
    Lesson.objects.filter(pk=lessons[0].pk).update(title="Renamed elsewhere")  # no signals in this process
    cache.set(f"{outline_cache.VERSION_PREFIX}{course.id}", "a token set by another process")
    assert outlines([course.id])[course.id].lessons[0].title == "Renamed elsewhere"
    assert outlines([course.id])[course.id] == _fresh(course.id)


def test_the_memo_keeps_the_most_recently_used_outlines_only() -> None:
    memo = outline_cache._Memo(2)
    empty = Outline(modules=(), lessons=(), prerequisite_ids=())
    first, second, third = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    memo.put(first, "t1", empty)
    memo.put(second, "t2", empty)
    assert memo.get(first, "t1") is empty  # now the most recently used
    memo.put(third, "t3", empty)
    assert memo.get(second, "t2") is None
    assert memo.get(first, "t1") is empty
    assert memo.get(third, "t3") is empty
    assert memo.get(third, "another token") is None
