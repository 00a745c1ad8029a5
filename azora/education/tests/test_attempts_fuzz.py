"""Any JSON a client sends as answers is either saved in the question's type or refused as answer_invalid."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from azora.education import grading, public
from azora.education.errors import AnswerInvalid
from azora.education.models import Attempt
from azora.education.selectors.assessments import engine_question
from azora.education.tests.factories_assessments import DEFINITIONS, classroom

pytestmark = pytest.mark.django_db

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=8,
)
tricky_numbers = st.sampled_from(["1E+999999999", "-0", "1e-40", "NaN", "sNaN", "Infinity", " 3.14 ", "3.14e0", ""])
choice_ids = st.lists(st.sampled_from(["a", "b", "c", "1", "2", "3", "z"]), max_size=4)


@pytest.fixture
def attempt_setup(db: None) -> Any:
    """One open attempt with a question of every kind; hypothesis reuses it for every example of the test."""
    room = classroom()
    questions = [room.question(kind) for kind in DEFINITIONS]
    assessment = room.assessment(questions)
    view = public.attempt_start(assessment_id=assessment.id, user_id=room.learner.id)
    return room, questions, view.id


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(index=st.integers(min_value=0, max_value=len(DEFINITIONS) - 1), raw=json_values | choice_ids | tricky_numbers)
def test_any_answer_is_saved_typed_or_refused(attempt_setup: Any, index: int, raw: Any) -> None:
    room, questions, attempt_id = attempt_setup
    question = questions[index]
    before = Attempt.objects.get(pk=attempt_id).answers
    refused: AnswerInvalid | None = None
    try:
        public.attempt_save_answers(attempt_id=attempt_id, user_id=room.learner.id, answers={str(question.id): raw})
    except AnswerInvalid as error:
        refused = error
    if refused is not None:
        assert refused.extra["question_id"] == str(question.id)
        assert Attempt.objects.get(pk=attempt_id).answers == before
        return
    stored = Attempt.objects.get(pk=attempt_id).answers.get(str(question.id))
    # What was stored reads back as the same answer, so scoring it later cannot fail.
    engine = engine_question(question)
    assert grading.answer_to_json(grading.answer_parse(engine, stored)) == stored
