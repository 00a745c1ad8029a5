"""Attempts: start and resume, seeded draws, saving answers, submitting, limits, deadlines and auto-submit."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from azora.education import public
from azora.education.errors import (
    AnswerInvalid,
    AssessmentHasNoQuestions,
    AssessmentNotFound,
    AttemptClosed,
    AttemptExpired,
    AttemptLimitReached,
    AttemptNotFound,
    FreeTextAlreadyGraded,
)
from azora.education.models import Attempt, AttemptStatus, Enrollment, EnrollmentStatus
from azora.education.selectors.assessments import required_assessments_passed
from azora.education.services.assessments import expired_attempts_submit
from azora.education.tests.factories_assessments import DEFINITIONS, RIGHT_ANSWERS, Classroom, classroom
from azora.shared.errors import PermissionDenied
from azora.shared.models import OutboxEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(db: None) -> Classroom:
    return classroom()


def events(event_type: str) -> list[dict[str, Any]]:
    rows = OutboxEvent.objects.filter(event_type=event_type).order_by("occurred_at", "id")
    return [row.payload if isinstance(row.payload, dict) else json.loads(row.payload) for row in rows]


def all_kinds(room: Classroom, *, free_text: bool = False) -> Any:
    kinds = [kind for kind in DEFINITIONS if free_text or kind != "free_text"]
    questions = [room.question(kind) for kind in kinds]
    return room.assessment(questions), questions


def dumped(value: Any) -> str:
    return json.dumps(dataclasses.asdict(value), default=str)


def test_start_shows_questions_without_answers(room: Classroom) -> None:
    assessment, questions = all_kinds(room, free_text=True)
    view = public.attempt_start(assessment_id=assessment.id, user_id=room.learner.id)
    assert (view.number, view.status, view.user_id) == (1, "open", room.learner.id)
    assert [q.id for q in view.questions] == [q.id for q in questions]  # fixed: authored order
    assert all(q.review is None for q in view.questions)
    text = dumped(view)
    assert '"correct"' not in text
    assert "Pretoria" not in text
    assert "3.14" not in text
    ordering = next(q for q in view.questions if q.kind == "ordering")
    assert [item["id"] for item in ordering.content["items"]] != ["1", "2", "3"]
    assert view.remaining_seconds is None
    assert "never below 0" in next(q for q in view.questions if q.kind == "multiple_choice").credit_rule


def test_starting_again_resumes_the_open_attempt(room: Classroom) -> None:
    assessment, _ = all_kinds(room)
    first = public.attempt_start(assessment_id=assessment.id, user_id=room.learner.id)
    public.attempt_save_answers(attempt_id=first.id, user_id=room.learner.id, answers={str(first.questions[0].id): "a"})
    again = public.attempt_start(assessment_id=assessment.id, user_id=room.learner.id)
    assert again.id == first.id
    assert again.questions[0].answer == "a"
    assert Attempt.objects.count() == 1


def test_random_draws_are_seeded_per_attempt(room: Classroom) -> None:
    bank = [room.question() for _ in range(8)]
    assessment = room.assessment(selection="random", draw_count=3)
    view = public.attempt_start(assessment_id=assessment.id, user_id=room.learner.id)
    drawn = [q.id for q in view.questions]
    assert len(drawn) == 3
    assert set(drawn) <= {q.id for q in bank}
    for _ in range(3):
        assert [q.id for q in public.attempt_get(attempt_id=view.id, user_id=room.learner.id).questions] == drawn
    attempt = Attempt.objects.get(pk=view.id)
    assert attempt.question_ids == [str(qid) for qid in drawn]
    from azora.education.grading import draw_questions

    assert list(draw_questions([str(q.id) for q in bank], count=3, seed=attempt.seed)) == attempt.question_ids


def test_wrong_typed_answers_are_refused_and_nothing_is_saved(room: Classroom) -> None:
    assessment, questions = all_kinds(room)
    view = public.attempt_start(assessment_id=assessment.id, user_id=room.learner.id)
    public.attempt_save_answers(attempt_id=view.id, user_id=room.learner.id, answers={str(questions[0].id): "b"})
    numeric = next(q for q in questions if q.kind == "numeric")
    with pytest.raises(AnswerInvalid) as caught:
        public.attempt_save_answers(
            attempt_id=view.id,
            user_id=room.learner.id,
            answers={str(questions[0].id): "a", str(numeric.id): "three point one four"},
        )
    assert caught.value.extra["question_id"] == str(numeric.id)
    assert caught.value.status == 422
    assert Attempt.objects.get(pk=view.id).answers == {str(questions[0].id): "b"}
    with pytest.raises(AnswerInvalid) as unknown:
        public.attempt_save_answers(
            attempt_id=view.id, user_id=room.learner.id, answers={"00000000-0000-0000-0000-000000000000": True}
        )
    assert unknown.value.extra["question_id"] == "00000000-0000-0000-0000-000000000000"
    with pytest.raises(AnswerInvalid):
        public.attempt_submit(attempt_id=view.id, user_id=room.learner.id, answers={str(numeric.id): [1]})
    attempt = Attempt.objects.get(pk=view.id)
    assert (attempt.status, attempt.answers) == ("open", {str(questions[0].id): "b"})


def test_clearing_an_answer_with_null(room: Classroom) -> None:
    assessment, questions = all_kinds(room)
    view = public.attempt_start(assessment_id=assessment.id, user_id=room.learner.id)
    key = str(questions[0].id)
    public.attempt_save_answers(attempt_id=view.id, user_id=room.learner.id, answers={key: "a"})
    public.attempt_save_answers(attempt_id=view.id, user_id=room.learner.id, answers={key: None})
    assert Attempt.objects.get(pk=view.id).answers == {}


def test_submit_scores_publishes_and_completes_the_course(room: Classroom) -> None:
    assessment, questions = all_kinds(room)
    view = public.attempt_start(assessment_id=assessment.id, user_id=room.learner.id)
    answers = {str(q.id): RIGHT_ANSWERS[q.kind] for q in questions}
    answers[str(questions[1].id)] = ["a"]  # multiple choice: half credit
    done = public.attempt_submit(attempt_id=view.id, user_id=room.learner.id, answers=answers)
    assert (done.status, done.submitted_by) == ("closed", "learner")
    assert (done.points_awarded, done.points_possible, done.score_percent) == (
        Decimal("5.50"),
        Decimal("6.00"),
        Decimal("91.67"),
    )
    assert done.is_passed is True
    reviews = {q.kind: q.review for q in done.questions}
    assert reviews["multiple_choice"] is not None
    assert (reviews["multiple_choice"].status, reviews["multiple_choice"].points_awarded) == (
        "partial",
        Decimal("0.50"),
    )
    assert reviews["multiple_choice"].correct_answer == ["a", "c"]
    assert reviews["numeric"] is not None
    assert reviews["numeric"].correct_answer == {"value": "3.14", "tolerance": "0.01"}
    expected = {
        "attempt_id": str(view.id),
        "assessment_id": str(assessment.id),
        "course_id": str(room.course.id),
        "user_id": str(room.learner.id),
        "score_percent": "91.67",
    }
    passed = events("education.assessment_passed")
    assert [{key: payload[key] for key in expected} for payload in passed] == [expected]
    assert events("education.assessment_failed") == []
    assert required_assessments_passed(user_id=room.learner.id, course_id=room.course.id) is True
    enrollment = Enrollment.objects.get(user=room.learner, course=room.course)
    assert enrollment.status == EnrollmentStatus.COMPLETED
    assert len(events("education.course_completed")) == 1
    with pytest.raises(AttemptClosed):
        public.attempt_submit(attempt_id=view.id, user_id=room.learner.id)
    with pytest.raises(AttemptClosed):
        public.attempt_save_answers(attempt_id=view.id, user_id=room.learner.id, answers={})


def test_a_failed_attempt_publishes_failed_and_completes_nothing(room: Classroom) -> None:
    assessment, questions = all_kinds(room)
    view = public.attempt_start(assessment_id=assessment.id, user_id=room.learner.id)
    done = public.attempt_submit(attempt_id=view.id, user_id=room.learner.id, answers={str(questions[2].id): False})
    assert (done.score_percent, done.is_passed) == (Decimal("0.00"), False)
    assert [e["score_percent"] for e in events("education.assessment_failed")] == ["0.00"]
    assert events("education.assessment_passed") == []
    assert required_assessments_passed(user_id=room.learner.id, course_id=room.course.id) is False
    assert Enrollment.objects.get(user=room.learner, course=room.course).status == EnrollmentStatus.ACTIVE


def test_passing_score_is_inclusive_and_defaults_to_70(room: Classroom) -> None:
    questions = [room.question() for _ in range(10)]
    assessment = room.assessment(questions)
    assert assessment.passing_percent == Decimal(70)
    view = public.attempt_start(assessment_id=assessment.id, user_id=room.learner.id)
    answers = {str(q.id): index < 7 for index, q in enumerate(questions)}
    assert public.attempt_submit(attempt_id=view.id, user_id=room.learner.id, answers=answers).is_passed is True


def test_attempt_limit_refuses_and_writes_nothing(room: Classroom) -> None:
    assessment = room.assessment([room.question()], max_attempts=1)
    view = public.attempt_start(assessment_id=assessment.id, user_id=room.learner.id)
    public.attempt_submit(attempt_id=view.id, user_id=room.learner.id)
    outbox_before = OutboxEvent.objects.count()
    with pytest.raises(AttemptLimitReached) as caught:
        public.attempt_start(assessment_id=assessment.id, user_id=room.learner.id)
    assert caught.value.extra == {"max_attempts": 1, "attempts_used": 1}
    assert Attempt.objects.count() == 1
    assert OutboxEvent.objects.count() == outbox_before


def test_deadline_is_enforced_on_the_server(room: Classroom) -> None:
    questions = [room.question(), room.question()]
    assessment = room.assessment(questions, time_limit_seconds=600)
    view = public.attempt_start(assessment_id=assessment.id, user_id=room.learner.id)
    assert view.deadline is not None
    assert 599 <= (view.remaining_seconds or 0) <= 600
    public.attempt_save_answers(attempt_id=view.id, user_id=room.learner.id, answers={str(questions[0].id): True})
    Attempt.objects.filter(pk=view.id).update(deadline=timezone.now() - timedelta(seconds=1))
    with pytest.raises(AttemptExpired):
        public.attempt_submit(attempt_id=view.id, user_id=room.learner.id, answers={str(questions[1].id): True})
    attempt = Attempt.objects.get(pk=view.id)
    assert (attempt.status, attempt.submitted_by, attempt.score_percent) == ("closed", "auto", Decimal("50.00"))
    assert attempt.answers == {str(questions[0].id): True}  # the late answer was not kept
    with pytest.raises(AttemptClosed):
        public.attempt_save_answers(attempt_id=view.id, user_id=room.learner.id, answers={})


def test_late_save_is_refused_too(room: Classroom) -> None:
    question = room.question()
    assessment = room.assessment([question], time_limit_seconds=60)
    view = public.attempt_start(assessment_id=assessment.id, user_id=room.learner.id)
    Attempt.objects.filter(pk=view.id).update(deadline=timezone.now() - timedelta(seconds=1))
    with pytest.raises(AttemptExpired):
        public.attempt_save_answers(attempt_id=view.id, user_id=room.learner.id, answers={str(question.id): True})
    assert Attempt.objects.get(pk=view.id).answers == {}


def test_expired_attempts_are_auto_submitted_by_the_job(room: Classroom) -> None:
    question = room.question()
    assessment = room.assessment([question], time_limit_seconds=60)
    view = public.attempt_start(assessment_id=assessment.id, user_id=room.learner.id)
    public.attempt_save_answers(attempt_id=view.id, user_id=room.learner.id, answers={str(question.id): True})
    assert expired_attempts_submit() == 0
    assert expired_attempts_submit(now=timezone.now() + timedelta(seconds=61)) == 0  # the deadline is re-checked
    Attempt.objects.filter(pk=view.id).update(deadline=timezone.now() - timedelta(seconds=1))
    assert expired_attempts_submit() == 1
    assert expired_attempts_submit() == 0
    attempt = Attempt.objects.get(pk=view.id)
    assert (attempt.status, attempt.submitted_by, attempt.is_passed) == ("closed", "auto", True)
    assert len(events("education.assessment_passed")) == 1


def test_starting_after_the_deadline_submits_the_old_one_and_starts_anew(room: Classroom) -> None:
    assessment = room.assessment([room.question()], time_limit_seconds=60)
    first = public.attempt_start(assessment_id=assessment.id, user_id=room.learner.id)
    Attempt.objects.filter(pk=first.id).update(deadline=timezone.now() - timedelta(seconds=1))
    second = public.attempt_start(assessment_id=assessment.id, user_id=room.learner.id)
    assert second.id != first.id
    assert second.number == 2
    assert Attempt.objects.get(pk=first.id).status == AttemptStatus.CLOSED


def test_expired_attempt_refreshes_on_read(room: Classroom) -> None:
    assessment = room.assessment([room.question()], time_limit_seconds=60)
    view = public.attempt_start(assessment_id=assessment.id, user_id=room.learner.id)
    Attempt.objects.filter(pk=view.id).update(deadline=timezone.now() - timedelta(seconds=1))
    assert public.attempt_get(attempt_id=view.id, user_id=room.learner.id).status == "closed"


def test_only_the_learner_sees_their_attempt(room: Classroom) -> None:
    assessment = room.assessment([room.question()])
    view = public.attempt_start(assessment_id=assessment.id, user_id=room.learner.id)
    for user in (room.stranger, room.instructor):
        with pytest.raises(AttemptNotFound):
            public.attempt_get(attempt_id=view.id, user_id=user.id)
        with pytest.raises(AttemptNotFound):
            public.attempt_save_answers(attempt_id=view.id, user_id=user.id, answers={})
        with pytest.raises(AttemptNotFound):
            public.attempt_submit(attempt_id=view.id, user_id=user.id)
    with pytest.raises(AssessmentNotFound):
        public.attempt_start(assessment_id=assessment.id, user_id=room.stranger.id)
    assert Attempt.objects.get(pk=view.id).status == "open"


def test_an_assessment_without_questions_cannot_start(room: Classroom) -> None:
    assessment = room.assessment([])
    with pytest.raises(AssessmentHasNoQuestions):
        public.attempt_start(assessment_id=assessment.id, user_id=room.learner.id)
    assert Attempt.objects.count() == 0


def test_free_text_awaits_an_instructor(room: Classroom) -> None:
    essay = room.question("free_text", points=Decimal("5"))
    check = room.question()
    assessment = room.assessment([essay, check])
    view = public.attempt_start(assessment_id=assessment.id, user_id=room.learner.id)
    done = public.attempt_submit(
        attempt_id=view.id,
        user_id=room.learner.id,
        answers={str(essay.id): RIGHT_ANSWERS["free_text"], str(check.id): True},
    )
    assert (done.status, done.score_percent, done.is_passed) == ("awaiting_grading", None, None)
    assert all(q.review is None for q in done.questions)
    assert events("education.assessment_passed") == events("education.assessment_failed") == []
    queue = public.free_text_answers_to_grade(course_id=room.course.id, user_id=room.instructor.id)
    assert [(a.attempt_id, a.question_id, a.answer, a.learner_name) for a in queue] == [
        (view.id, essay.id, RIGHT_ANSWERS["free_text"], "Lerato Learner")
    ]
    with pytest.raises(PermissionDenied):
        public.free_text_answers_to_grade(course_id=room.course.id, user_id=room.learner.id)
    with pytest.raises(PermissionDenied):
        public.free_text_grade(
            attempt_id=view.id, question_id=essay.id, user_id=room.learner.id, points={"clarity": "3", "facts": "2"}
        )
    with pytest.raises(AnswerInvalid):
        public.free_text_grade(
            attempt_id=view.id, question_id=essay.id, user_id=room.instructor.id, points={"clarity": "4", "facts": "0"}
        )
    graded = public.free_text_grade(
        attempt_id=view.id,
        question_id=essay.id,
        user_id=room.instructor.id,
        points={"clarity": "2.5", "facts": "1"},
        comment="Name one way to save.",
    )
    # (3.50 + 1.00) / 6.00 = 75.00
    assert (graded.status, graded.score_percent, graded.is_passed) == ("closed", Decimal("75.00"), True)
    review = next(q.review for q in graded.questions if q.id == essay.id)
    assert review is not None
    assert review.rubric_points == {"clarity": Decimal("2.50"), "facts": Decimal("1.00")}
    assert review.grader_comment == "Name one way to save."
    assert [e["score_percent"] for e in events("education.assessment_passed")] == ["75.00"]
    assert public.free_text_answers_to_grade(course_id=room.course.id, user_id=room.instructor.id) == []
    with pytest.raises(FreeTextAlreadyGraded):
        public.free_text_grade(
            attempt_id=view.id, question_id=essay.id, user_id=room.instructor.id, points={"clarity": "3", "facts": "2"}
        )


def test_assessments_of_course_for_the_learner(room: Classroom) -> None:
    quiz = room.assessment([room.question(), room.question()], max_attempts=3, title="Budget quiz")
    view = public.attempt_start(assessment_id=quiz.id, user_id=room.learner.id)
    summaries = public.assessments_of_course(course_id=room.course.id, user_id=room.learner.id)
    assert [(s.title, s.question_count, s.attempts_used, s.attempts_left, s.open_attempt_id) for s in summaries] == [
        ("Budget quiz", 2, 1, 2, view.id)
    ]
    from azora.education.errors import CourseNotFound

    with pytest.raises(CourseNotFound):
        public.assessments_of_course(course_id=room.course.id, user_id=room.stranger.id)
