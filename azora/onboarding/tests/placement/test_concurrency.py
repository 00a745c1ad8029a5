"""Placement rules that must hold when two requests race, on PostgreSQL's row locks and unique keys."""

from __future__ import annotations

import pytest

from azora.accounts.models import User
from azora.onboarding.errors import PlacementItemNotCurrent
from azora.onboarding.models import LearningPath, PlacementAttempt
from azora.onboarding.public import placement_answer, placement_start
from azora.onboarding.tests.placement.conftest import Catalogue
from azora.shared.testing.concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_starts_at_once_make_one_attempt(catalogue: Catalogue, learner: User) -> None:
    outcomes = race(lambda: placement_start(user_id=learner.id), lambda: placement_start(user_id=learner.id))
    attempt = PlacementAttempt.objects.get(user_id=learner.id)
    assert {getattr(outcome, "id", None) for outcome in outcomes} == {attempt.id}
    assert len(attempt.items) == 1


def test_two_answers_to_the_same_item_at_once_count_once(catalogue: Catalogue, learner: User) -> None:
    view = placement_start(user_id=learner.id)
    assert view.current is not None
    question_id = view.current.question_id

    def answer() -> object:
        return placement_answer(attempt_id=view.id, user_id=learner.id, question_id=question_id, answer="a")

    outcomes = race(answer, answer)
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["PlacementItemNotCurrent", "PlacementView"]
    assert any(isinstance(outcome, PlacementItemNotCurrent) for outcome in outcomes)
    attempt = PlacementAttempt.objects.get(pk=view.id)
    assert [item["is_correct"] for item in attempt.items] == [True, None]
    assert LearningPath.objects.count() == 0
