"""The assessment and grade endpoints over HTTP: authoring, attempts, grading, grades; 404s for other users, 4xx
problems that change nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from azora.accounts.tests.conftest import jwt_client, session_client
from azora.education.models import (
    Assessment,
    AssessmentQuestion,
    Attempt,
    CourseGrade,
    FreeTextGrade,
    GradeCategory,
    GradeOverride,
    Question,
)
from azora.education.tests.factories_assessments import DEFINITIONS, RIGHT_ANSWERS, Classroom, classroom
from azora.shared.models import OutboxEvent

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def room(db: None) -> Classroom:
    return classroom()


def send(client: Client, method: str, path: str, body: Any = None) -> Any:
    call = getattr(client, method.lower())
    if body is None:
        return (
            call(f"/api/v1{path}", content_type=JSON) if method in {"POST", "PUT", "PATCH"} else call(f"/api/v1{path}")
        )
    return call(f"/api/v1{path}", data=json.dumps(body), content_type=JSON)


def snapshot() -> dict[str, Any]:
    """Everything these endpoints could write, to prove that a refused request changed nothing."""
    return {
        "questions": list(Question.objects.order_by("id").values_list("id", "prompt", "points", "is_archived")),
        "assessments": list(Assessment.objects.order_by("id").values_list("id", "title", "max_attempts")),
        "links": list(AssessmentQuestion.objects.order_by("id").values_list("id", "question_id")),
        "categories": list(GradeCategory.objects.order_by("id").values_list("id", "weight", "drop_lowest")),
        "attempts": list(Attempt.objects.order_by("id").values_list("id", "status", "answers", "score_percent")),
        "free_text_grades": FreeTextGrade.objects.count(),
        "grades": list(CourseGrade.objects.order_by("id").values_list("id", "snapshot")),
        "overrides": GradeOverride.objects.count(),
        "events": OutboxEvent.objects.count(),
    }


@contextmanager
def nothing_changes() -> Iterator[None]:
    before = snapshot()
    yield
    assert snapshot() == before


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert (body["status"], body["code"]) == (status, code)
    return body


def author_quiz(room: Classroom, client: Client, **settings: Any) -> tuple[str, list[dict[str, Any]]]:
    """Creates one question of every auto-scored kind and an assessment listing them, through the API."""
    questions = []
    for kind, definition in DEFINITIONS.items():
        if kind == "free_text":
            continue
        response = send(
            client,
            "POST",
            f"/courses/{room.course.id}/questions",
            {"kind": kind, "prompt": f"A {kind} question", "definition": definition},
        )
        assert response.status_code == 201, response.content
        questions.append(response.json())
    body = {"title": "Money quiz", "question_ids": [q["id"] for q in questions], **settings}
    response = send(client, "POST", f"/courses/{room.course.id}/assessments", body)
    assert response.status_code == 201, response.content
    return response.json()["id"], questions


def test_author_take_and_grade_end_to_end(room: Classroom) -> None:
    teacher = session_client(room.instructor)
    learner = jwt_client(room.learner)
    assessment_id, questions = author_quiz(room, teacher, max_attempts=2, time_limit_seconds=900)
    settings = send(teacher, "GET", f"/courses/{room.course.id}/assessment-settings").json()
    assert [(a["title"], a["passing_percent"], a["category"], a["max_attempts"]) for a in settings] == [
        ("Money quiz", "70.00", "Assessments", 2)
    ]

    started = send(learner, "POST", f"/assessments/{assessment_id}/attempts")
    assert started.status_code == 201, started.content
    attempt = started.json()
    assert attempt["status"] == "open"
    assert 899 <= attempt["remaining_seconds"] <= 900
    raw = started.content.decode()
    assert '"correct"' not in raw
    assert "Pretoria" not in raw
    assert all(q["review"] is None for q in attempt["questions"])

    resumed = send(learner, "POST", f"/assessments/{assessment_id}/attempts")
    assert resumed.json()["id"] == attempt["id"]

    by_kind = {q["kind"]: q["id"] for q in questions}
    saved = send(learner, "PUT", f"/attempts/{attempt['id']}/answers", {"answers": {by_kind["numeric"]: "3.14"}})
    assert saved.status_code == 200, saved.content
    answers = {by_kind[kind]: RIGHT_ANSWERS[kind] for kind in by_kind if kind != "numeric"}
    submitted = send(learner, "POST", f"/attempts/{attempt['id']}/submit", {"answers": answers})
    assert submitted.status_code == 200, submitted.content
    result = submitted.json()
    assert (result["status"], result["score_percent"], result["is_passed"]) == ("closed", "100.00", True)
    review = next(q["review"] for q in result["questions"] if q["kind"] == "short_text")
    assert review["correct_answer"] == {"accepted": ["Pretoria"], "match": "casefold"}

    grade = send(learner, "GET", f"/me/grades/{room.course.id}")
    assert grade.status_code == 200, grade.content
    body = grade.json()
    assert (body["percent"], body["items"][0]["state"], body["items"][0]["share_of_grade_percent"]) == (
        "100.00",
        "counted",
        "100.00",
    )
    assert body["summary"].startswith("Your grade is 100.00%")

    overridden = send(
        teacher,
        "POST",
        f"/courses/{room.course.id}/grades/{room.learner.id}/override",
        {"percent": "95.5", "reason": "Late penalty agreed in class"},
    )
    assert overridden.status_code == 200, overridden.content
    assert (overridden.json()["percent"], overridden.json()["computed_percent"]) == ("95.50", "100.00")
    audit = send(learner, "GET", f"/courses/{room.course.id}/grades/{room.learner.id}/overrides").json()
    assert [(o["old_percent"], o["new_percent"], o["by_user_id"]) for o in audit] == [
        ("100.00", "95.50", str(room.instructor.id))
    ]
    recomputed = send(teacher, "POST", f"/courses/{room.course.id}/grades/{room.learner.id}/recompute")
    assert recomputed.status_code == 200
    again = send(teacher, "POST", f"/courses/{room.course.id}/grades/{room.learner.id}/recompute")
    assert recomputed.content == again.content


def test_another_user_gets_404_for_attempts_and_grades(room: Classroom) -> None:
    teacher = session_client(room.instructor)
    learner = session_client(room.learner)
    stranger = session_client(room.stranger)
    assessment_id, _ = author_quiz(room, teacher)
    attempt_id = send(learner, "POST", f"/assessments/{assessment_id}/attempts").json()["id"]
    with nothing_changes():
        assert_problem(send(stranger, "GET", f"/attempts/{attempt_id}"), 404, "attempt_not_found")
        assert_problem(
            send(stranger, "PUT", f"/attempts/{attempt_id}/answers", {"answers": {}}), 404, "attempt_not_found"
        )
        assert_problem(send(stranger, "POST", f"/attempts/{attempt_id}/submit", {}), 404, "attempt_not_found")
        assert_problem(send(teacher, "GET", f"/attempts/{attempt_id}"), 404, "attempt_not_found")
        assert_problem(send(stranger, "POST", f"/assessments/{assessment_id}/attempts"), 404, "assessment_not_found")
        assert_problem(send(stranger, "GET", f"/me/grades/{room.course.id}"), 404, "grade_not_found")
        assert_problem(
            send(stranger, "GET", f"/courses/{room.course.id}/grades/{room.learner.id}"), 404, "grade_not_found"
        )
        assert_problem(send(stranger, "GET", f"/courses/{room.course.id}/assessments"), 404, "course_not_found")


def test_wrong_typed_answer_is_a_422_naming_the_question(room: Classroom) -> None:
    teacher = session_client(room.instructor)
    learner = session_client(room.learner)
    assessment_id, questions = author_quiz(room, teacher)
    attempt_id = send(learner, "POST", f"/assessments/{assessment_id}/attempts").json()["id"]
    by_kind = {q["kind"]: q["id"] for q in questions}
    with nothing_changes():
        for kind, wrong in [("true_false", "yes"), ("numeric", "3,14"), ("ordering", ["1", "2"]), ("single_choice", 1)]:
            body = {"answers": {by_kind["single_choice"]: "a", by_kind[kind]: wrong}}
            if kind == "single_choice":
                body = {"answers": {by_kind[kind]: wrong}}
            problem = assert_problem(
                send(learner, "PUT", f"/attempts/{attempt_id}/answers", body), 422, "answer_invalid"
            )
            assert problem["question_id"] == by_kind[kind]
            assert by_kind[kind] in problem["detail"]
        assert_problem(
            send(learner, "POST", f"/attempts/{attempt_id}/submit", {"answers": {by_kind["numeric"]: {"x": 1}}}),
            422,
            "answer_invalid",
        )
        assert_problem(
            send(learner, "PUT", f"/attempts/{attempt_id}/answers", {"answer": {}}), 422, "validation_failed"
        )


def test_attempts_beyond_the_limit_or_time_are_refused(room: Classroom) -> None:
    teacher = session_client(room.instructor)
    learner = session_client(room.learner)
    assessment_id, _ = author_quiz(room, teacher, max_attempts=1, time_limit_seconds=60)
    attempt_id = send(learner, "POST", f"/assessments/{assessment_id}/attempts").json()["id"]
    Attempt.objects.filter(pk=attempt_id).update(deadline=timezone.now() - timedelta(seconds=1))
    problem = assert_problem(send(learner, "POST", f"/attempts/{attempt_id}/submit", {}), 409, "attempt_expired")
    assert "deadline" in problem["detail"]
    closed = Attempt.objects.get(pk=attempt_id)
    assert (closed.status, closed.submitted_by) == ("closed", "auto")
    with nothing_changes():
        assert_problem(send(learner, "POST", f"/attempts/{attempt_id}/submit", {}), 409, "attempt_closed")
        assert_problem(send(learner, "POST", f"/assessments/{assessment_id}/attempts"), 409, "attempt_limit_reached")


def test_only_editors_author_and_grade(room: Classroom) -> None:
    learner = session_client(room.learner)
    teacher = session_client(room.instructor)
    assessment_id, questions = author_quiz(room, teacher)
    with nothing_changes():
        body = {"kind": "true_false", "prompt": "Sneaky", "definition": {"correct": True}}
        assert_problem(send(learner, "POST", f"/courses/{room.course.id}/questions", body), 403, "permission_denied")
        assert_problem(send(learner, "GET", f"/courses/{room.course.id}/questions"), 403, "permission_denied")
        assert_problem(
            send(learner, "PATCH", f"/questions/{questions[0]['id']}", {"prompt": "x"}), 403, "permission_denied"
        )
        assert_problem(
            send(learner, "PATCH", f"/assessments/{assessment_id}", {"max_attempts": 99}), 403, "permission_denied"
        )
        assert_problem(
            send(
                learner,
                "POST",
                f"/courses/{room.course.id}/grades/{room.learner.id}/override",
                {"percent": "100", "reason": "me"},
            ),
            403,
            "permission_denied",
        )
        assert_problem(send(learner, "GET", f"/courses/{room.course.id}/free-text-answers"), 403, "permission_denied")


def test_bad_authoring_input_is_refused_and_nothing_written(room: Classroom) -> None:
    teacher = session_client(room.instructor)
    course = room.course.id
    with nothing_changes():
        problem = assert_problem(
            send(
                teacher,
                "POST",
                f"/courses/{course}/questions",
                {"kind": "short_text", "prompt": "Say a", "definition": {"accepted": ["(a+)+"], "match": "regex"}},
            ),
            422,
            "question_invalid",
        )
        assert problem["field"] == "accepted[0]"
        assert_problem(
            send(
                teacher,
                "POST",
                f"/courses/{course}/questions",
                {"kind": "single_choice", "prompt": "Pick", "definition": {"options": [], "correct": "a"}},
            ),
            422,
            "question_invalid",
        )
        assert_problem(
            send(teacher, "POST", f"/courses/{course}/questions", {"kind": "essay", "prompt": "x", "definition": {}}),
            422,
            "validation_failed",
        )
        assert_problem(
            send(teacher, "POST", f"/courses/{course}/assessments", {"title": "R", "selection": "random"}),
            422,
            "assessment_invalid",
        )
        assert_problem(
            send(
                teacher,
                "POST",
                f"/courses/{course}/assessments",
                {"title": "Q", "question_ids": ["00000000-0000-7000-8000-000000000000"]},
            ),
            422,
            "assessment_invalid",
        )
        assert_problem(
            send(teacher, "POST", f"/courses/{course}/assessments", {"title": "Q", "passing_percent": "101"}),
            422,
            "assessment_invalid",
        )
        assert_problem(
            send(teacher, "PUT", f"/courses/{course}/grade-categories/Quizzes", {"weight": "0"}),
            422,
            "assessment_invalid",
        )


def test_question_bank_crud(room: Classroom) -> None:
    teacher = session_client(room.instructor)
    created = send(
        teacher,
        "POST",
        f"/courses/{room.course.id}/questions",
        {
            "kind": "numeric",
            "prompt": "Pi?",
            "definition": {"value": "3.14", "tolerance": "0.01"},
            "points": "2.5",
            "feedback": "Pi is about 3.14159.",
        },
    )
    assert created.status_code == 201, created.content
    question = created.json()
    assert (question["points"], question["definition"]) == ("2.50", {"value": "3.14", "tolerance": "0.01"})
    updated = send(teacher, "PATCH", f"/questions/{question['id']}", {"points": 3})
    assert updated.json()["points"] == "3.00"
    listed = send(teacher, "GET", f"/courses/{room.course.id}/questions").json()
    assert [q["id"] for q in listed] == [question["id"]]
    assert send(teacher, "DELETE", f"/questions/{question['id']}").status_code == 204
    assert not Question.objects.filter(pk=question["id"]).exists()


def test_used_questions_are_archived_not_deleted(room: Classroom) -> None:
    teacher = session_client(room.instructor)
    learner = session_client(room.learner)
    assessment_id, questions = author_quiz(room, teacher)
    send(learner, "POST", f"/assessments/{assessment_id}/attempts")
    assert send(teacher, "DELETE", f"/questions/{questions[0]['id']}").status_code == 204
    assert Question.objects.get(pk=questions[0]["id"]).is_archived is True
    assert not AssessmentQuestion.objects.filter(question_id=questions[0]["id"]).exists()


def test_free_text_grading_over_http(room: Classroom) -> None:
    teacher = session_client(room.instructor)
    learner = session_client(room.learner)
    essay = send(
        teacher,
        "POST",
        f"/courses/{room.course.id}/questions",
        {"kind": "free_text", "prompt": "Why save?", "definition": DEFINITIONS["free_text"]},
    ).json()
    assessment = send(
        teacher, "POST", f"/courses/{room.course.id}/assessments", {"title": "Essay", "question_ids": [essay["id"]]}
    ).json()
    attempt = send(learner, "POST", f"/assessments/{assessment['id']}/attempts").json()
    submitted = send(learner, "POST", f"/attempts/{attempt['id']}/submit", {"answers": {essay["id"]: "To be safe."}})
    assert submitted.json()["status"] == "awaiting_grading"
    queue = send(teacher, "GET", f"/courses/{room.course.id}/free-text-answers").json()
    assert [(q["attempt_id"], q["answer"]) for q in queue] == [(attempt["id"], "To be safe.")]
    path = f"/attempts/{attempt['id']}/questions/{essay['id']}/grade"
    with nothing_changes():
        assert_problem(send(learner, "POST", path, {"points": {"clarity": 3, "facts": 2}}), 403, "permission_denied")
        assert_problem(send(teacher, "POST", path, {"points": {"clarity": 9, "facts": 2}}), 422, "answer_invalid")
    graded = send(teacher, "POST", path, {"points": {"clarity": 2, "facts": "1.5"}, "comment": "Say more."})
    assert graded.status_code == 200, graded.content
    assert (graded.json()["status"], graded.json()["score_percent"], graded.json()["is_passed"]) == (
        "closed",
        "70.00",
        True,
    )
    assert send(learner, "GET", f"/attempts/{attempt['id']}").json()["questions"][0]["review"]["grader_comment"] == (
        "Say more."
    )


def test_learner_sees_their_assessments(room: Classroom) -> None:
    teacher = session_client(room.instructor)
    learner = session_client(room.learner)
    assessment_id, _ = author_quiz(room, teacher, max_attempts=3)
    send(learner, "POST", f"/assessments/{assessment_id}/attempts")
    listed = send(learner, "GET", f"/courses/{room.course.id}/assessments").json()
    assert [(a["id"], a["question_count"], a["attempts_used"], a["attempts_left"]) for a in listed] == [
        (assessment_id, 6, 1, 2)
    ]
    attempts = send(learner, "GET", f"/assessments/{assessment_id}/attempts").json()
    assert [a["number"] for a in attempts] == [1]
