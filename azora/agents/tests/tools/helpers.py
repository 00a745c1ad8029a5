"""Test data of the agent tools: published courses whose lessons say given things."""

from __future__ import annotations

from typing import Any

from azora.education.models import Course, Lesson
from azora.education.tests.factories import CourseFactory, LessonFactory, ModuleFactory

CourseAndLessons = tuple[Course, list[Lesson]]


def course_about(title: str, lessons: list[tuple[str, str]], **course_fields: Any) -> CourseAndLessons:
    """A published course called `title` with one module holding lessons (title, Markdown body) in that order."""
    course: Course = CourseFactory(published=True, title=title, **course_fields)
    module = ModuleFactory(course=course, position=0, title=f"{title}: module")
    made: list[Lesson] = [
        LessonFactory(module=module, position=position, title=lesson_title, body_markdown=body)
        for position, (lesson_title, body) in enumerate(lessons)
    ]
    return course, made
