"""Azora Education's moderation hook: learners can report a lesson, and a moderator's "remove" hides its content
(the lesson keeps its place, so progress and certificates stand; the text before removal is kept as a version)."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils.translation import gettext

import azora.security.public as security
from azora.education.errors import LessonNotFound
from azora.education.markdown import render_lesson_markdown
from azora.education.models import Lesson, LessonVersion
from azora.education.models.courses import CourseStatus
from azora.education.selectors.courses import lesson_for_learner

LESSON_SOURCE = "education.lesson"


def _uuid(object_id: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(object_id)
    except ValueError:
        return None


def lesson_excerpt(object_id: str, reporter_id: uuid.UUID | None) -> str | None:
    """The lesson's title and Markdown, for someone who can read it (enrolled, or an editor of the course)."""
    lesson_id = _uuid(object_id)
    if lesson_id is None or reporter_id is None:
        return None
    try:
        lesson_for_learner(lesson_id=lesson_id, user_id=reporter_id)
    except LessonNotFound:
        return None
    lesson = Lesson.objects.only("title", "body_markdown").get(pk=lesson_id)
    return f"{lesson.title}\n\n{lesson.body_markdown}"


def lesson_apply(object_id: str, decision: security.Decision) -> None:
    """Remove: the body and video give way to a notice; the removed state is kept as a lesson version."""
    if decision != "remove":
        return
    notice = gettext("This lesson's content was removed by a moderator.")
    with transaction.atomic():
        lesson = Lesson.objects.select_for_update().select_related("course").get(pk=object_id)
        if lesson.course.status != CourseStatus.DRAFT:
            LessonVersion.objects.create(
                lesson=lesson,
                version=lesson.version,
                title=lesson.title,
                body_markdown=lesson.body_markdown,
                video_url=lesson.video_url,
                estimated_minutes=lesson.estimated_minutes,
            )
            lesson.version += 1
        lesson.body_markdown = notice
        lesson.body_html = render_lesson_markdown(notice)
        lesson.video_url = ""
        lesson.save()


security.register_moderation_handler(LESSON_SOURCE, lesson_apply, excerpt=lesson_excerpt)
