"""Reported lessons: only someone who can read a lesson may report it; removal hides its content and keeps the
removed text as a version."""

from __future__ import annotations

import pytest

from azora.accounts.tests.factories import UserFactory
from azora.education.models import Lesson, LessonVersion
from azora.education.tests.factories import EnrollmentFactory, course_with_lessons
from azora.security.errors import ModerationContentNotFound
from azora.security.models import ModerationCase
from azora.security.public import moderation_decide, moderation_flag
from azora.security.tests.factories_events import platform_admin

pytestmark = pytest.mark.django_db


def test_an_enrolled_learner_reports_a_lesson_and_removal_hides_its_content() -> None:
    course, lessons = course_with_lessons(modules=1, lessons_per_module=1)
    lesson = lessons[0]
    Lesson.objects.filter(pk=lesson.pk).update(video_url="https://www.youtube.com/watch?v=abc")
    learner = EnrollmentFactory(course=course).user
    stranger = UserFactory()

    with pytest.raises(ModerationContentNotFound):
        moderation_flag(
            source="education.lesson", object_id=str(lesson.id), excerpt="", reason="x", reporter_id=stranger.pk
        )
    assert ModerationCase.objects.count() == 0

    case = moderation_flag(
        source="education.lesson", object_id=str(lesson.id), excerpt="", reason="Plagiarised", reporter_id=learner.pk
    )
    assert case.excerpt == f"{lesson.title}\n\nRead **this** carefully."
    moderation_decide(moderator_id=platform_admin().pk, case_id=case.id, decision="remove", note="Copied text")

    stored = Lesson.objects.get(pk=lesson.pk)
    assert stored.body_markdown == "This lesson's content was removed by a moderator."
    assert "removed by a moderator" in stored.body_html
    assert (stored.video_url, stored.version) == ("", 2)
    kept = LessonVersion.objects.get(lesson=lesson)
    assert (kept.version, kept.body_markdown, kept.video_url) == (
        1, "Read **this** carefully.", "https://www.youtube.com/watch?v=abc",
    )  # fmt: skip


def test_keep_leaves_the_lesson_alone() -> None:
    course, lessons = course_with_lessons(modules=1, lessons_per_module=1)
    learner = EnrollmentFactory(course=course).user
    case = moderation_flag(
        source="education.lesson", object_id=str(lessons[0].id), excerpt="", reason="x", reporter_id=learner.pk
    )
    moderation_decide(moderator_id=platform_admin().pk, case_id=case.id, decision="keep", note="Fine")
    assert Lesson.objects.get(pk=lessons[0].pk).body_markdown == "Read **this** carefully."
    assert LessonVersion.objects.count() == 0
