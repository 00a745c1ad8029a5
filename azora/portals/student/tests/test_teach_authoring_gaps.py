"""Editing bank questions (answers written back as lines, option ids kept) and a lesson's version history."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

import azora.accounts.public as accounts
import azora.education.public as education
from azora.accounts.models import User
from azora.accounts.tests.factories import UserFactory
from azora.education.models import Question
from azora.portals.student.tests.conftest import BuiltCourse, build_course

pytestmark = pytest.mark.django_db

DEFINITIONS: dict[str, dict[str, Any]] = {
    "single_choice": {"options": [{"id": "a", "text": "Needs"}, {"id": "b", "text": "Wants"}], "correct": "a"},
    "multiple_choice": {
        "options": [{"id": "a", "text": "Rent"}, {"id": "b", "text": "Food"}, {"id": "c", "text": "Cinema"}],
        "correct": ["a", "b"],
    },
    "true_false": {"correct": False},
    "numeric": {"value": "50", "tolerance": "0.5"},
    "short_text": {"accepted": ["Nairobi", "nairobi city"], "match": "casefold"},
    "ordering": {"items": [{"id": "a", "text": "Earn"}, {"id": "b", "text": "Save"}], "rule": "position"},
    "free_text": {"rubric": [{"id": "c1", "points": "2", "description": "Names needs"}]},
}


@pytest.mark.parametrize("kind", sorted(DEFINITIONS))
def test_saving_the_edit_form_unchanged_keeps_every_kind_of_question_as_it_was(
    as_instructor: Client, instructor: User, course: BuiltCourse, kind: str
) -> None:
    question = education.question_create(
        course_id=course.id, user_id=instructor.id, kind=kind, prompt="Prompt", definition=DEFINITIONS[kind]
    )
    before = Question.objects.values("definition", "points", "prompt", "feedback").get(pk=question.id)
    page = as_instructor.get(f"/teach/{course.id}/questions/{question.id}/")
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: "" if value is None else str(value) for name, value in form.initial.items()}

    response = as_instructor.post(f"/teach/{course.id}/questions/{question.id}/", data)

    assert response.status_code == 302, response.content.decode()[-1500:]
    assert Question.objects.values("definition", "points", "prompt", "feedback").get(pk=question.id) == before


def test_editing_a_question_changes_it_and_keeps_the_ids_of_unchanged_options(
    as_instructor: Client, instructor: User, course: BuiltCourse
) -> None:
    question = education.question_create(
        course_id=course.id,
        user_id=instructor.id,
        kind="single_choice",
        prompt="What comes first?",
        definition=DEFINITIONS["single_choice"],
    )

    response = as_instructor.post(
        f"/teach/{course.id}/questions/{question.id}/",
        {"prompt": "What do you pay first?", "options": "Luxuries\nWants\n*Needs", "points": "3", "feedback": "Needs."},
    )

    assert response.status_code == 302
    stored = Question.objects.get(pk=question.id)
    assert stored.prompt == "What do you pay first?"
    assert str(stored.points) == "3.00"
    assert stored.definition["options"] == [
        {"id": "c", "text": "Luxuries"},
        {"id": "b", "text": "Wants"},
        {"id": "a", "text": "Needs"},
    ]
    assert stored.definition["correct"] == "a"


def test_a_bad_edit_re_renders_with_the_error_and_changes_nothing(
    as_instructor: Client, instructor: User, course: BuiltCourse
) -> None:
    question = education.question_create(
        course_id=course.id,
        user_id=instructor.id,
        kind="short_text",
        prompt="Code?",
        definition={"accepted": ["abc"], "match": "exact"},
    )
    before = Question.objects.values().get(pk=question.id)

    response = as_instructor.post(
        f"/teach/{course.id}/questions/{question.id}/",
        {"prompt": "Code?", "accepted": "(a+)+$", "match": "regex"},
    )

    assert response.status_code == 422
    assert "Accepted answers" in response.content.decode()
    assert Question.objects.values().get(pk=question.id) == before


def test_a_question_is_deleted_from_the_bank(as_instructor: Client, instructor: User, course: BuiltCourse) -> None:
    question = education.question_create(
        course_id=course.id, user_id=instructor.id, kind="true_false", prompt="True?", definition={"correct": True}
    )

    response = as_instructor.post(f"/teach/{course.id}/questions/{question.id}/delete/")

    assert response.status_code == 302
    assert not Question.objects.filter(pk=question.id).exists()


def test_others_cannot_edit_my_questions(client: Client, instructor: User, course: BuiltCourse, learner: User) -> None:
    question = education.question_create(
        course_id=course.id, user_id=instructor.id, kind="true_false", prompt="True?", definition={"correct": True}
    )
    other = UserFactory(email="other@example.test")
    accounts.platform_role_grant(user_id=other.id, role="instructor")
    theirs = build_course(other, title="Their own course")
    for person in (learner, other):
        client.force_login(person)
        path = f"/teach/{course.id}/questions/{question.id}/"
        assert client.get(path).status_code == 404
        assert client.post(path, {"prompt": "Mine", "correct": "false"}).status_code == 404
    client.force_login(other)  # my question under their course: not found either
    assert client.get(f"/teach/{theirs.id}/questions/{question.id}/").status_code == 404
    assert Question.objects.get(pk=question.id).prompt == "True?"


def test_the_lesson_editor_lists_earlier_versions_with_time_and_author(
    as_instructor: Client, instructor: User, course: BuiltCourse
) -> None:
    lesson_id = course.lesson_ids[1]
    co_teacher = UserFactory(email="co@example.test", display_name="Naledi Co-Teacher")
    accounts.platform_role_grant(user_id=co_teacher.id, role="instructor")
    education.course_update(course_id=course.id, user_id=instructor.id, instructor_ids=[instructor.id, co_teacher.id])
    education.lesson_update(lesson_id=lesson_id, user_id=instructor.id, title="Saving, first edit")
    education.lesson_update(lesson_id=lesson_id, user_id=co_teacher.id, body_markdown="Pay yourself 15% first.")

    page = as_instructor.get(f"/teach/{course.id}/lessons/{lesson_id}/").content.decode()

    assert "This is version 3 (last saved" in page
    assert "Version 2: “Saving, first edit”, replaced" in page
    assert "by Naledi Co-Teacher" in page
    assert "Version 1: “Saving”, replaced" in page
    assert "by Lerato Mokoena" in page
    assert page.index("Version 2:") < page.index("Version 1:")  # newest first


def test_saving_a_lesson_through_the_editor_keeps_a_version(
    as_instructor: Client, instructor: User, course: BuiltCourse
) -> None:
    lesson_id = course.lesson_ids[0]
    response = as_instructor.post(
        f"/teach/{course.id}/lessons/{lesson_id}/",
        {
            "title": "Needs, wants and savings",
            "body_markdown": "New text",
            "estimated_minutes": "7",
            "is_required": "on",
        },
    )
    assert response.status_code == 302
    [version] = education.lesson_versions(lesson_id=lesson_id, user_id=instructor.id)
    assert (version.version, version.title, version.edited_by_id) == (1, "Needs and wants", instructor.id)
