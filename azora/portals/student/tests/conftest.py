"""Fixtures of the Student Portal's view tests: people with roles, and a course built through Education's contract."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from django.test import Client

import azora.accounts.public as accounts
import azora.education.public as education
from azora.accounts.models import User
from azora.accounts.tests.factories import UserFactory

LESSON_ONE = "## Needs and wants\n\nA **budget** starts with what you must pay.\n\n<script>alert(1)</script>"
LESSON_TWO = "## Saving\n\nPay yourself first: move 10% to savings on pay day."
LESSON_THREE = "## Compound interest\n\nInterest on interest: `100 * 1.1 ** 2 = 121`."


@dataclass(frozen=True)
class BuiltCourse:
    detail: education.CourseDetail
    lesson_ids: tuple[uuid.UUID, ...]

    @property
    def id(self) -> uuid.UUID:
        return self.detail.id

    @property
    def slug(self) -> str:
        return self.detail.slug


@pytest.fixture
def instructor(db: None) -> User:
    user = UserFactory(email="lerato@example.test", display_name="Lerato Mokoena")
    accounts.platform_role_grant(user_id=user.id, role="instructor")
    return user


@pytest.fixture
def learner(db: None) -> User:
    return UserFactory(email="thandi@example.test", display_name="Thandi")


@pytest.fixture
def stranger(db: None) -> User:
    return UserFactory(email="sipho@example.test", display_name="Sipho")


def build_course(owner: User, *, title: str = "Money basics", publish: bool = True, **fields: object) -> BuiltCourse:
    """A course with two modules and three lessons, made the way an instructor makes one."""
    category = education.category_ensure(slug="finance", name="Finance")
    fields.setdefault("category", category.slug)
    course = education.course_create(
        user_id=owner.id,
        title=title,
        summary="Budgets, saving and interest.",
        level="beginner",
        language="en",
        **fields,
    )
    first = education.module_create(course_id=course.id, user_id=owner.id, title="Budgeting")
    second = education.module_create(course_id=course.id, user_id=owner.id, title="Growing money")
    lessons = (
        education.lesson_create(
            module_id=first.id, user_id=owner.id, title="Needs and wants", body_markdown=LESSON_ONE, estimated_minutes=5
        ),
        education.lesson_create(module_id=first.id, user_id=owner.id, title="Saving", body_markdown=LESSON_TWO),
        education.lesson_create(
            module_id=second.id, user_id=owner.id, title="Compound interest", body_markdown=LESSON_THREE
        ),
    )
    if publish:
        education.course_publish(course_id=course.id, user_id=owner.id)
    detail = education.course_detail_by_id(course_id=course.id, viewer_id=owner.id)
    return BuiltCourse(detail=detail, lesson_ids=tuple(lesson.id for lesson in lessons))


@pytest.fixture
def course(instructor: User) -> BuiltCourse:
    return build_course(instructor)


@pytest.fixture
def as_learner(client: Client, learner: User) -> Client:
    client.force_login(learner)
    return client


@pytest.fixture
def as_instructor(client: Client, instructor: User) -> Client:
    client.force_login(instructor)
    return client
