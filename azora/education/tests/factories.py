"""factory_boy factories for Education's tables (courses area first; other areas may append theirs)."""

from __future__ import annotations

from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from azora.accounts.models import User
from azora.accounts.public import platform_role_grant
from azora.accounts.tests.factories import UserFactory
from azora.education.markdown import render_lesson_markdown
from azora.education.models import (
    Category,
    Course,
    CourseInstructor,
    CourseStatus,
    Enrollment,
    Lesson,
    LessonProgress,
    Module,
)


def instructor_user(**fields: Any) -> User:
    """A user holding the platform's instructor role."""
    user: User = UserFactory(**fields)
    platform_role_grant(user_id=user.id, role="instructor")
    return user


class CategoryFactory(DjangoModelFactory[Category]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class CourseFactory(DjangoModelFactory[Course]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    """A draft course taught by a new platform instructor; `instructors=[...]` replaces that instructor.

    `CourseFactory(published=True)` publishes it (set lessons up first with `course_with_lessons` when the
    test needs them).
    """

    class Meta:
        model = Course
        skip_postgeneration_save = True

    class Params:
        published = factory.Trait(status=CourseStatus.PUBLISHED, published_at=factory.LazyFunction(timezone.now))

    created_by = factory.LazyFunction(instructor_user)
    title = factory.Sequence(lambda n: f"Course {n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    summary = "A course made for a test."
    language = "en"
    level = "beginner"

    @factory.post_generation  # type: ignore[untyped-decorator]  # factory_boy is typed as Any
    def instructors(self, create: bool, extracted: list[User] | None, **kwargs: Any) -> None:
        if create:
            for position, user in enumerate(extracted if extracted is not None else [self.created_by]):
                CourseInstructor.objects.create(course=self, user=user, position=position)


class ModuleFactory(DjangoModelFactory[Module]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    class Meta:
        model = Module

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Module {n}")
    position = factory.Sequence(lambda n: n)


class LessonFactory(DjangoModelFactory[Lesson]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    class Meta:
        model = Lesson

    module = factory.SubFactory(ModuleFactory)
    course = factory.LazyAttribute(lambda lesson: lesson.module.course)
    title = factory.Sequence(lambda n: f"Lesson {n}")
    body_markdown = "Read **this** carefully."
    body_html = factory.LazyAttribute(lambda lesson: render_lesson_markdown(lesson.body_markdown))
    estimated_minutes = 10
    position = factory.Sequence(lambda n: n)


class EnrollmentFactory(DjangoModelFactory[Enrollment]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    class Meta:
        model = Enrollment

    course = factory.SubFactory(CourseFactory, published=True)
    user = factory.SubFactory(UserFactory)


class LessonProgressFactory(DjangoModelFactory[LessonProgress]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    class Meta:
        model = LessonProgress

    enrollment = factory.SubFactory(EnrollmentFactory)
    lesson = factory.SubFactory(LessonFactory)
    completed_at = factory.LazyFunction(timezone.now)


def course_with_lessons(
    *, modules: int = 2, lessons_per_module: int = 2, published: bool = True, **course_fields: Any
) -> tuple[Course, list[Lesson]]:
    """A course with modules and lessons in outline order (returned in that order)."""
    course = CourseFactory(published=published, **course_fields)
    lessons: list[Lesson] = []
    for module_position in range(modules):
        module = ModuleFactory(course=course, position=module_position)
        lessons.extend(
            LessonFactory(module=module, position=lesson_position) for lesson_position in range(lessons_per_module)
        )
    return course, lessons
