"""Published lessons as knowledge passages for the offline assistant: plain text, lesson URLs, a cheap version."""

from __future__ import annotations

import pytest

from azora.education.public import lesson_passages, lessons_version
from azora.education.tests.factories import CourseFactory, LessonFactory, ModuleFactory
from azora.shared import knowledge

pytestmark = pytest.mark.django_db


def test_only_published_lessons_become_plain_text_passages_linking_to_the_lesson_page() -> None:
    published = CourseFactory(published=True, title="Biology")
    lesson = LessonFactory(
        module=ModuleFactory(course=published),
        title="Photosynthesis",
        body_markdown="# Light\n\nPlants turn **light** into sugar &amp; oxygen.\n\n- chlorophyll\n- water",
    )
    LessonFactory(module=ModuleFactory(course=CourseFactory(title="Draft")), title="Hidden")
    passages = list(lesson_passages())
    assert len(passages) == 1
    passage = passages[0]
    assert (passage.source_id, passage.title, passage.url, passage.course_id) == (
        f"lesson:{lesson.id}#0",
        "Biology: Photosynthesis",
        f"/learn/{lesson.id}/",
        published.id,
    )
    assert passage.text == "Light\nPlants turn light into sugar & oxygen.\nchlorophyll\nwater"


def test_a_long_lesson_is_cut_into_passages_at_paragraph_boundaries() -> None:
    course = CourseFactory(published=True)
    paragraph = "Energy flows through ecosystems. " * 10  # about 330 characters: three fit in a passage
    LessonFactory(module=ModuleFactory(course=course), body_markdown="\n\n".join([paragraph] * 4))
    passages = list(lesson_passages())
    assert [p.source_id[-2:] for p in passages] == ["#0", "#1"]
    assert [len(p.text) for p in passages] == [3 * 329 + 2, 329]


def test_the_version_changes_when_a_published_lesson_changes_and_the_source_is_registered() -> None:
    course = CourseFactory(published=True)
    before = lessons_version()
    lesson = LessonFactory(module=ModuleFactory(course=course))
    added = lessons_version()
    lesson.title = "Renamed"
    lesson.save()
    assert len({before, added, lessons_version()}) == 3
    assert "education.lessons" in [source.name for source in knowledge.sources()]


def test_the_offline_assistant_may_quote_free_courses_to_all_and_a_paid_one_only_to_its_learners_and_teachers() -> None:
    from azora.accounts.public import platform_role_grant
    from azora.accounts.tests.factories import UserFactory
    from azora.education.public import readable_course_ids
    from azora.education.tests.factories import EnrollmentFactory, instructor_user

    free = CourseFactory(published=True)
    teacher = instructor_user()
    paid = CourseFactory(published=True, is_paid=True, instructors=[teacher])
    CourseFactory(is_paid=False)  # a draft is never quoted: it has no passages either
    buyer, stranger, admin = UserFactory(), UserFactory(), UserFactory()
    EnrollmentFactory(course=paid, user=buyer)
    platform_role_grant(user_id=admin.id, role="platform_admin")

    assert readable_course_ids(None) == frozenset({free.id})
    assert readable_course_ids(stranger.id) == frozenset({free.id})
    assert readable_course_ids(buyer.id) == frozenset({free.id, paid.id})
    assert readable_course_ids(teacher.id) == frozenset({free.id, paid.id})
    assert readable_course_ids(admin.id) is None
    assert knowledge.readable_course_ids(stranger.id) == frozenset({free.id})
