"""Placement services: start or resume, answer only the current item, finish with estimates and a learning path."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import override_settings

from azora.accounts.models import User
from azora.accounts.tests.factories import UserFactory
from azora.education.errors import AnswerInvalid
from azora.education.models import Course, CourseStatus, Enrollment, EnrollmentStatus, Question
from azora.onboarding.errors import PlacementFinished, PlacementItemNotCurrent, PlacementNotFound
from azora.onboarding.models import LearningPath, PlacementAttempt
from azora.onboarding.public import (
    PlacementView,
    learning_path_of,
    placement_answer,
    placement_get,
    placement_start,
)
from azora.onboarding.tests.placement.conftest import Catalogue, placement_snapshot, right_answer, wrong_answer

pytestmark = pytest.mark.django_db


def answer_current(view: PlacementView, user: User, *, right: bool) -> PlacementView:
    assert view.current is not None
    kind = view.current.kind
    return placement_answer(
        attempt_id=view.id,
        user_id=user.id,
        question_id=view.current.question_id,
        answer=right_answer(kind) if right else wrong_answer(kind),
    )


def play(view: PlacementView, user: User, right: Any) -> PlacementView:
    """Answers until the attempt completes; `right(item_view)` says whether to answer well."""
    for _ in range(40):
        if view.status == "completed":
            return view
        assert view.current is not None
        view = answer_current(view, user, right=right(view.current))
    raise AssertionError("the placement did not complete")


def test_start_serves_an_intermediate_item_without_its_answer_and_resumes_the_same_attempt(
    catalogue: Catalogue, learner: User
) -> None:
    view = placement_start(user_id=learner.id)
    assert view.status == "active"
    assert view.answered == 0
    assert view.planned_max == 12  # 4 courses x 3 questions, below the maximum of 20
    assert view.notice == ""
    assert view.current is not None
    assert view.current.number == 1
    assert view.current.level == "intermediate"
    assert view.current.kind == "single_choice"
    assert view.current.choices == (("a", "Rand"), ("b", "Dollar"), ("c", "Euro"))
    assert view.current.subject in {"money", "tech"}
    assert "correct" not in repr(view)
    again = placement_start(user_id=learner.id)
    assert again.id == view.id
    assert again.current == view.current
    assert PlacementAttempt.objects.filter(user_id=learner.id).count() == 1


def test_a_learner_right_at_intermediate_gets_intermediate_estimates_and_a_path_with_reasons(
    catalogue: Catalogue, learner: User
) -> None:
    view = play(placement_start(user_id=learner.id), learner, lambda item: True)
    assert view.status == "completed"
    assert view.current is None
    assert view.completed_at is not None
    assert view.estimates == {"money": "intermediate", "tech": "intermediate"}
    assert view.subject_names == {"money": "Money", "tech": "Technology"}
    assert 10 <= view.answered <= 12
    path = learning_path_of(user_id=learner.id)
    assert path is not None
    assert view.learning_path_id == path.id
    assert path.estimates == view.estimates
    assert [item.course_id for item in path.items] == [
        catalogue.courses["money-growth"].id,
        catalogue.courses["tech-building"].id,
    ]
    first = path.items[0]
    assert first.lesson_id == catalogue.first_lessons["money-growth"].id
    assert first.lesson_title == catalogue.first_lessons["money-growth"].title
    assert (first.subject, first.level, first.course_title) == ("money", "intermediate", "Money Growth")
    attempt = PlacementAttempt.objects.get(pk=view.id)
    money_asked = [i for i in attempt.items if i["subject"] == "money" and i["level"] == "intermediate"]
    assert first.reason == (
        f"You answered {len(money_asked)} of {len(money_asked)} intermediate questions on Money well, "
        "so start with “Money Growth”."
    )
    assert not path.placement_reoffered


def test_a_learner_wrong_everywhere_starts_at_the_beginner_courses(catalogue: Catalogue, learner: User) -> None:
    view = play(placement_start(user_id=learner.id), learner, lambda item: False)
    assert view.estimates == {"money": "beginner", "tech": "beginner"}
    path = learning_path_of(user_id=learner.id)
    assert path is not None
    assert [item.course_id for item in path.items] == [
        catalogue.courses["money-basics"].id,
        catalogue.courses["tech-basics"].id,
    ]
    assert path.items[0].reason.startswith("You answered 0 of ")
    assert path.items[0].reason.endswith("questions on Money well, so start at the beginning with “Money Basics”.")


def test_prerequisites_come_first_and_completed_courses_are_left_out(catalogue: Catalogue, learner: User) -> None:
    growth = catalogue.courses["money-growth"]
    growth.prerequisites.add(catalogue.courses["money-basics"])
    Enrollment.objects.create(
        course=catalogue.courses["tech-building"], user=learner, status=EnrollmentStatus.COMPLETED
    )
    play(placement_start(user_id=learner.id), learner, lambda item: True)
    path = learning_path_of(user_id=learner.id)
    assert path is not None
    assert [item.course_id for item in path.items] == [
        catalogue.courses["money-basics"].id,
        growth.id,
        catalogue.courses["tech-basics"].id,  # the intermediate one is completed: the nearest level left
    ]
    assert path.items[0].reason == "Take “Money Basics” first: “Money Growth” builds on it."


def test_answering_another_item_a_finished_attempt_or_someone_elses_changes_nothing(
    catalogue: Catalogue, learner: User
) -> None:
    view = placement_start(user_id=learner.id)
    assert view.current is not None
    other_question = Question.objects.exclude(pk=view.current.question_id).first()
    assert other_question is not None
    before = placement_snapshot()
    with pytest.raises(PlacementItemNotCurrent) as raised:
        placement_answer(attempt_id=view.id, user_id=learner.id, question_id=other_question.id, answer="a")
    assert raised.value.extra == {"current_question_id": str(view.current.question_id)}
    with pytest.raises(PlacementNotFound):
        placement_answer(attempt_id=view.id, user_id=UserFactory().id, question_id=view.current.question_id, answer="a")
    with pytest.raises(PlacementNotFound):
        placement_get(attempt_id=view.id, user_id=UserFactory().id)
    with pytest.raises(AnswerInvalid):
        placement_answer(attempt_id=view.id, user_id=learner.id, question_id=view.current.question_id, answer="z")
    assert placement_snapshot() == before
    done = play(view, learner, lambda item: True)
    finished = placement_snapshot()
    with pytest.raises(PlacementFinished):
        placement_answer(attempt_id=done.id, user_id=learner.id, question_id=view.current.question_id, answer="a")
    assert placement_snapshot() == finished
    assert LearningPath.objects.filter(user_id=learner.id).count() == 1


def test_i_dont_know_counts_as_not_right(catalogue: Catalogue, learner: User) -> None:
    view = placement_start(user_id=learner.id)
    assert view.current is not None
    placement_answer(attempt_id=view.id, user_id=learner.id, question_id=view.current.question_id, answer=None)
    attempt = PlacementAttempt.objects.get(pk=view.id)
    assert attempt.items[0]["is_correct"] is False
    # The other subject has less evidence now: it starts at intermediate too.
    assert attempt.items[1]["subject"] != attempt.items[0]["subject"]
    assert attempt.items[1]["level"] == "intermediate"


@override_settings(AZORA_PLACEMENT_MIN_ITEMS=10, AZORA_PLACEMENT_MAX_ITEMS=20)
def test_a_small_bank_draws_what_exists_and_says_so(db: None, learner: User) -> None:
    catalogue = Catalogue(money=_category("money", "Money"), tech=_category("tech", "Technology"))
    catalogue.add_course("money-basics", catalogue.money, "beginner", questions=2)
    catalogue.add_course("tech-basics", catalogue.tech, "beginner", questions=1)
    view = placement_start(user_id=learner.id)
    assert view.planned_max == 3
    assert view.notice == "The question banks hold only 3 questions for now, so this placement asks just those."
    done = play(view, learner, lambda item: True)
    assert (done.status, done.answered) == ("completed", 3)
    assert done.estimates == {"money": "beginner", "tech": "beginner"}


def test_with_no_questions_at_all_the_attempt_completes_at_once_with_a_beginner_path(db: None, learner: User) -> None:
    catalogue = Catalogue(money=_category("money", "Money"), tech=_category("tech", "Technology"))
    catalogue.add_course("money-basics", catalogue.money, "beginner", questions=0)
    view = placement_start(user_id=learner.id)
    assert (view.status, view.answered, view.current, view.estimates) == ("completed", 0, None, {})
    path = learning_path_of(user_id=learner.id)
    assert path is not None
    assert [item.reason for item in path.items] == [
        "There are no placement questions on Money yet, so start at the beginning with “Money Basics”."
    ]


def test_a_current_item_that_leaves_the_pool_is_replaced(catalogue: Catalogue, learner: User) -> None:
    view = placement_start(user_id=learner.id)
    assert view.current is not None
    Question.objects.filter(pk=view.current.question_id).update(is_archived=True)
    again = placement_get(attempt_id=view.id, user_id=learner.id)
    assert again.current is not None
    assert again.current.question_id != view.current.question_id
    assert again.answered == 0
    attempt = PlacementAttempt.objects.get(pk=view.id)
    assert [item["question_id"] for item in attempt.items] == [str(again.current.question_id)]


def test_the_learning_path_leaves_out_courses_no_longer_published(catalogue: Catalogue, learner: User) -> None:
    play(placement_start(user_id=learner.id), learner, lambda item: True)
    Course.objects.filter(pk=catalogue.courses["money-growth"].pk).update(status=CourseStatus.ARCHIVED)
    path = learning_path_of(user_id=learner.id)
    assert path is not None
    assert [item.course_id for item in path.items] == [catalogue.courses["tech-building"].id]


def test_no_learning_path_before_any_placement(learner: User) -> None:
    assert learning_path_of(user_id=learner.id) is None


def test_a_new_attempt_after_a_completed_one_makes_a_new_current_path(catalogue: Catalogue, learner: User) -> None:
    first = play(placement_start(user_id=learner.id), learner, lambda item: True)
    second_start = placement_start(user_id=learner.id)
    assert second_start.id != first.id
    play(second_start, learner, lambda item: False)
    path = learning_path_of(user_id=learner.id)
    assert path is not None
    assert path.attempt_id == second_start.id
    assert path.estimates == {"money": "beginner", "tech": "beginner"}


def _category(slug: str, name: str) -> Any:
    from azora.education.tests.factories import CategoryFactory

    return CategoryFactory(slug=slug, name=name)


def test_unknown_attempt_is_not_found(learner: User) -> None:
    with pytest.raises(PlacementNotFound):
        placement_get(attempt_id=uuid.uuid4(), user_id=learner.id)


def test_a_session_id_must_be_one_of_the_learners_sessions(catalogue: Catalogue, learner: User) -> None:
    from azora.onboarding.errors import SessionNotFound
    from azora.onboarding.public import session_start

    with pytest.raises(SessionNotFound):
        placement_start(user_id=learner.id, session_id=uuid.uuid4())
    stranger_session = session_start(user_id=UserFactory().id, flow="learner")
    with pytest.raises(SessionNotFound):
        placement_start(user_id=learner.id, session_id=stranger_session.id)
    assert PlacementAttempt.objects.count() == 0
    own = session_start(user_id=learner.id, flow="learner")
    view = placement_start(user_id=learner.id, session_id=own.id)
    assert PlacementAttempt.objects.get(pk=view.id).session_id == own.id
