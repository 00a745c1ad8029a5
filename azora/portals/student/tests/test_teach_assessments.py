"""The instructor area's question bank, assessment settings and rubric grading."""

from __future__ import annotations

import pytest
from django.test import Client

import azora.education.public as education
from azora.accounts.models import User
from azora.portals.student.tests.conftest import BuiltCourse

pytestmark = pytest.mark.django_db


def test_a_single_choice_question_is_written_as_lines(
    as_instructor: Client, instructor: User, course: BuiltCourse
) -> None:
    response = as_instructor.post(
        f"/teach/{course.id}/questions/new/?kind=single_choice",
        {
            "prompt": "What comes first?",
            "options": "*Needs\nWants\n\nLuxuries",
            "points": "2",
            "feedback": "Needs first.",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"/teach/{course.id}/questions/"
    [question] = education.questions_of_course(course_id=course.detail.id, user_id=instructor.id)
    assert (question.kind, question.prompt, str(question.points), question.feedback) == (
        "single_choice",
        "What comes first?",
        "2.00",
        "Needs first.",
    )
    assert question.definition["correct"] == "a"
    assert [option["text"] for option in question.definition["options"]] == ["Needs", "Wants", "Luxuries"]


def test_each_kind_of_question_can_be_written(as_instructor: Client, instructor: User, course: BuiltCourse) -> None:
    forms = {
        "multiple_choice": {"prompt": "Needs?", "options": "*Rent\n*Food\nCinema"},
        "true_false": {"prompt": "Saving is good.", "correct": "true"},
        "numeric": {"prompt": "10% of 500?", "value": "50", "tolerance": "0.5"},
        "short_text": {"prompt": "Capital of Kenya?", "accepted": "Nairobi", "match": "casefold"},
        "ordering": {"prompt": "Order the steps.", "items": "Earn\nSave\nInvest", "rule": "position"},
        "free_text": {"prompt": "Explain a budget.", "rubric": "2 | Names needs\n1 | Names wants"},
    }
    for kind, data in forms.items():
        response = as_instructor.post(f"/teach/{course.id}/questions/new/?kind={kind}", data)
        assert response.status_code == 302, (kind, response.content.decode()[-2000:])

    questions = education.questions_of_course(course_id=course.detail.id, user_id=instructor.id)
    assert sorted(question.kind for question in questions) == sorted(forms)
    free_text = next(question for question in questions if question.kind == "free_text")
    assert str(free_text.points) == "3.00"


def test_a_question_without_a_right_answer_re_renders_and_writes_nothing(
    as_instructor: Client, instructor: User, course: BuiltCourse
) -> None:
    response = as_instructor.post(
        f"/teach/{course.id}/questions/new/?kind=single_choice",
        {"prompt": "What comes first?", "options": "Needs\nWants"},
    )

    assert response.status_code == 422
    assert "Mark the right answer with an asterisk (*) at the start of its line." in response.content.decode()
    assert education.questions_of_course(course_id=course.detail.id, user_id=instructor.id) == []


def test_a_bad_regular_expression_is_refused_by_the_service_and_shown(
    as_instructor: Client, instructor: User, course: BuiltCourse
) -> None:
    response = as_instructor.post(
        f"/teach/{course.id}/questions/new/?kind=short_text",
        {"prompt": "Code?", "accepted": "(a+)+$", "match": "regex"},
    )

    assert response.status_code == 422
    assert 'id="id_accepted_error"' in response.content.decode()
    assert education.questions_of_course(course_id=course.detail.id, user_id=instructor.id) == []


def test_an_assessment_is_created_from_the_bank_and_edited(
    as_instructor: Client, instructor: User, course: BuiltCourse
) -> None:
    question = education.question_create(
        course_id=course.detail.id,
        user_id=instructor.id,
        kind="true_false",
        prompt="Saving is good.",
        definition={"correct": True},
    )
    form = {
        "title": "Final check",
        "description": "",
        "module": "",
        "questions": [str(question.id)],
        "selection": "fixed",
        "passing_percent": "80",
        "max_attempts": "3",
        "time_limit_minutes": "15",
        "is_required": "on",
        "category": "Final exam",
        "weight": "2",
    }

    response = as_instructor.post(f"/teach/{course.id}/assessments/new/", form)

    assert response.status_code == 302
    [assessment] = education.assessments_for_author(course_id=course.detail.id, user_id=instructor.id)
    assert (assessment.title, assessment.time_limit_seconds, assessment.max_attempts, assessment.category) == (
        "Final check",
        900,
        3,
        "Final exam",
    )
    assert assessment.question_ids == (question.id,)
    page = as_instructor.get(f"/teach/{course.id}/assessments/{assessment.id}/").content.decode()
    assert 'value="15"' in page
    as_instructor.post(f"/teach/{course.id}/assessments/{assessment.id}/", {**form, "time_limit_minutes": ""})
    [edited] = education.assessments_for_author(course_id=course.detail.id, user_id=instructor.id)
    assert edited.time_limit_seconds is None


def test_an_assessment_with_bad_settings_re_renders_and_writes_nothing(
    as_instructor: Client, instructor: User, course: BuiltCourse
) -> None:
    response = as_instructor.post(
        f"/teach/{course.id}/assessments/new/",
        {"title": "", "selection": "fixed", "passing_percent": "120", "category": "Quiz", "weight": "1"},
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert "Ensure this value is less than or equal to 100." in html
    assert education.assessments_for_author(course_id=course.detail.id, user_id=instructor.id) == []


def test_free_text_answers_are_graded_by_rubric(
    as_instructor: Client, instructor: User, learner: User, course: BuiltCourse
) -> None:
    question = education.question_create(
        course_id=course.detail.id,
        user_id=instructor.id,
        kind="free_text",
        prompt="Explain a budget.",
        definition={
            "rubric": [
                {"id": "c1", "points": "2", "description": "Names needs"},
                {"id": "c2", "points": "1", "description": "Names wants"},
            ]
        },
    )
    assessment = education.assessment_create(
        course_id=course.detail.id, user_id=instructor.id, title="Essay", question_ids=[question.id]
    )
    education.enrollment_create(course_id=course.detail.id, user_id=learner.id)
    attempt = education.attempt_start(assessment_id=assessment.id, user_id=learner.id)
    education.attempt_submit(
        attempt_id=attempt.id, user_id=learner.id, answers={str(question.id): "Rent first, then fun."}
    )

    page = as_instructor.get(f"/teach/{course.id}/grading/").content.decode()
    assert "Rent first, then fun." in page
    path = f"/teach/{course.id}/grading/{attempt.id}/{question.id}/"

    too_many = as_instructor.post(path, {"prefix": "answer-0", "answer-0-c-c1": "5", "answer-0-c-c2": "1"})
    assert too_many.status_code == 422
    assert "Ensure this value is less than or equal to 2." in too_many.content.decode()
    assert education.attempt_get(attempt_id=attempt.id, user_id=learner.id).status == "awaiting_grading"

    graded = as_instructor.post(
        path, {"prefix": "answer-0", "answer-0-c-c1": "2", "answer-0-c-c2": "0.5", "answer-0-comment": "Good."}
    )
    assert graded.status_code == 302
    result = education.attempt_get(attempt_id=attempt.id, user_id=learner.id)
    assert (result.status, str(result.score_percent)) == ("closed", "83.33")
    assert "No answers are waiting for grading." in as_instructor.get(f"/teach/{course.id}/grading/").content.decode()


def test_another_instructor_cannot_reach_the_bank_assessments_or_grading(
    client: Client, stranger: User, course: BuiltCourse
) -> None:
    client.force_login(stranger)

    assert client.get(f"/teach/{course.id}/questions/").status_code == 404
    assert (
        client.post(
            f"/teach/{course.id}/questions/new/?kind=true_false", {"prompt": "x", "correct": "true"}
        ).status_code
        == 404
    )
    assert client.get(f"/teach/{course.id}/assessments/new/").status_code == 404
    assert client.get(f"/teach/{course.id}/grading/").status_code == 404
