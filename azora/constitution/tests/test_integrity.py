"""Academic integrity: similarity to open questions (pure), and the open questions education gives (database)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from azora.constitution.integrity import best_match, integrity_findings, similarity
from azora.education import public as education
from azora.education.models import Attempt
from azora.education.tests.factories_assessments import classroom

QUESTION = "Which tax does a company pay on its profits in South Africa?"


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        (QUESTION, 1.0, 1.0),
        ("Please answer: which tax does a company pay on its profits in South Africa? Thanks!", 1.0, 1.0),
        ("quelle taxe... which TAX does a company pay on profits in south africa", 0.85, 1.0),
        ("What tax do companies pay on their profits in SA?", 0.6, 0.85),
        ("Explain photosynthesis in plants.", 0.0, 0.3),
        ("What is a company?", 0.0, 0.59),
    ],
)
def test_similarity(text: str, low: float, high: float) -> None:
    assert low <= similarity(text, QUESTION) <= high


def test_short_questions_match_only_near_copies() -> None:
    assert similarity("What is 2+2?", "What is 2 + 2?") == 1.0
    assert similarity("Tell me about 2 and 4 and 8 and 16", "What is 2 + 2?") < 0.6


def test_best_match_picks_the_closest_question_and_the_finding_never_echoes_it() -> None:
    questions = [("q1", "Define inflation."), ("q2", QUESTION)]
    match = best_match(QUESTION.upper(), questions)
    assert match is not None
    assert (match.question_id, match.similarity, match.severity) == ("q2", 1.0, 10)
    [finding] = integrity_findings("what tax do companies pay on their profits in SA", questions)
    assert (finding.detector, finding.principle, finding.severity, finding.replacement) == (
        "integrity.open_attempt",
        "integrity",
        8,
        None,
    )
    assert "tax" not in finding.message
    assert integrity_findings("Explain photosynthesis.", questions) == []


@pytest.mark.django_db
def test_open_attempt_questions_lists_only_open_attempts_of_that_learner(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    room = classroom()
    question = room.question(prompt=QUESTION)
    other = room.question(prompt="Is a budget a plan?")
    assessment = room.assessment(questions=[question, other])
    attempt = education.attempt_start(assessment_id=assessment.id, user_id=room.learner.id)

    with django_assert_num_queries(2):
        open_questions = education.open_attempt_questions(user_id=room.learner.id)
    assert [(q.attempt_id, q.question_id, q.prompt) for q in open_questions] == [
        (attempt.id, question.id, QUESTION),
        (attempt.id, other.id, "Is a budget a plan?"),
    ]
    assert open_questions[0].course_id == room.course.id
    assert education.open_attempt_questions(user_id=room.stranger.id) == ()

    Attempt.objects.filter(pk=attempt.id).update(deadline=timezone.now() - timedelta(seconds=1))
    assert education.open_attempt_questions(user_id=room.learner.id) == ()
    Attempt.objects.filter(pk=attempt.id).update(deadline=None)
    education.attempt_submit(attempt_id=attempt.id, user_id=room.learner.id)
    assert education.open_attempt_questions(user_id=room.learner.id) == ()
