"""The placement over the demo catalogue: a full diagnostic from its question banks, and a path through its courses."""

from __future__ import annotations

from typing import Any

import pytest

from azora.accounts.tests.factories import UserFactory
from azora.education.demo import correct_answer
from azora.education.demo_content import CATEGORIES
from azora.education.models import Course, Question
from azora.onboarding.public import learning_path_of, placement_answer, placement_start
from azora.shared import demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        demo.load_demo_data(only=["accounts", "education"])


def test_a_new_learner_who_knows_everything_gets_ten_items_and_a_path_over_every_subject(loaded: None) -> None:
    learner = UserFactory()
    view = placement_start(user_id=learner.id)
    assert view.planned_max == 20
    assert view.notice == ""
    asked = []
    while view.current is not None:
        question = Question.objects.get(pk=view.current.question_id)
        asked.append(question.pk)
        view = placement_answer(
            attempt_id=view.id,
            user_id=learner.id,
            question_id=question.pk,
            answer=correct_answer(question.kind, question.definition),
        )
    assert view.status == "completed"
    assert len(asked) == len(set(asked)) == 10
    assert set(view.estimates) == set(CATEGORIES)
    # The demo's two intermediate courses (money, work) place a strong learner at intermediate there; the other
    # subjects have beginner courses only, so beginner is the highest level their banks can show.
    assert view.estimates == {
        "civics-and-law": "beginner",
        "money-and-finance": "intermediate",
        "technology": "beginner",
        "work-and-career": "intermediate",
    }
    path = learning_path_of(user_id=learner.id)
    assert path is not None
    slugs = [item.course_slug for item in path.items]
    assert len(slugs) == len(set(slugs))
    assert {"credit-and-debt", "start-a-small-business"} <= set(slugs)
    assert all(item.lesson_id is not None and item.reason for item in path.items)
    assert set(Course.objects.filter(slug__in=slugs).values_list("status", flat=True)) == {"published"}
