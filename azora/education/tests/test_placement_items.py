"""Education's placement contract: the pool (published, categorised, auto-gradable, unarchived), learner-safe items,
scoring by the grade engine, and the catalogue facts of learning paths."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from azora.accounts.tests.factories import UserFactory
from azora.education.errors import AnswerInvalid, QuestionNotFound
from azora.education.models import Course, CourseStatus, Enrollment, EnrollmentStatus
from azora.education.public import (
    courses_completed_by,
    placement_answer_is_correct,
    placement_courses,
    placement_items,
    placement_question,
)
from azora.education.tests.factories import CategoryFactory, CourseFactory, course_with_lessons
from azora.education.tests.factories_assessments import DEFINITIONS, RIGHT_ANSWERS, QuestionFactory

pytestmark = pytest.mark.django_db

AUTO_GRADED = ("single_choice", "multiple_choice", "true_false", "numeric", "short_text", "ordering")


@pytest.fixture
def money_course(db: None) -> Course:
    course, _ = course_with_lessons(
        modules=1, lessons_per_module=1, category=CategoryFactory(slug="money", name="Money"), level="intermediate"
    )
    return course


def test_the_pool_holds_auto_gradable_questions_of_published_categorised_courses_only(money_course: Course) -> None:
    kept = [QuestionFactory(course=money_course, kind=kind) for kind in AUTO_GRADED]
    QuestionFactory(course=money_course, kind="free_text")
    QuestionFactory(course=money_course, kind="true_false", is_archived=True)
    draft, _ = course_with_lessons(published=False, category=CategoryFactory(slug="draft"))
    QuestionFactory(course=draft)
    uncategorised, _ = course_with_lessons()
    QuestionFactory(course=uncategorised)
    items = placement_items()
    assert [item.question_id for item in items] == sorted(q.id for q in kept)
    assert {(item.course_id, item.subject, item.subject_name, item.level) for item in items} == {
        (money_course.id, "money", "Money", "intermediate")
    }


def test_an_item_shows_no_answer(money_course: Course) -> None:
    choice = QuestionFactory(course=money_course, kind="single_choice", prompt="Which is South Africa's currency?")
    view = placement_question(question_id=choice.id)
    assert (view.kind, view.prompt, view.subject, view.subject_name, view.level) == (
        "single_choice",
        "Which is South Africa's currency?",
        "money",
        "Money",
        "intermediate",
    )
    assert view.choices == (("a", "Rand"), ("b", "Dollar"), ("c", "Euro"))
    ordering = placement_question(question_id=QuestionFactory(course=money_course, kind="ordering").id)
    assert sorted(ordering.choices) == [("1", "Earn"), ("2", "Budget"), ("3", "Save")]
    assert [choice_id for choice_id, _ in ordering.choices] != ["1", "2", "3"]  # never the right order
    for kind in ("true_false", "numeric", "short_text"):
        shown = placement_question(question_id=QuestionFactory(course=money_course, kind=kind).id)
        assert shown.choices == ()
        assert "3.14" not in repr(shown)
        assert "Pretoria" not in repr(shown)


@pytest.mark.parametrize("kind", AUTO_GRADED)
def test_full_credit_is_correct_and_anything_less_is_not(money_course: Course, kind: str) -> None:
    question = QuestionFactory(course=money_course, kind=kind)
    wrong: dict[str, Any] = {
        "single_choice": "b",
        "multiple_choice": ["a"],  # partial credit: not correct
        "true_false": False,
        "numeric": "3.2",
        "short_text": "Cape Town",
        "ordering": ["2", "1", "3"],
    }
    assert placement_answer_is_correct(question_id=question.id, answer=RIGHT_ANSWERS[kind]) is True
    assert placement_answer_is_correct(question_id=question.id, answer=wrong[kind]) is False
    assert placement_answer_is_correct(question_id=question.id, answer=None) is False


def test_true_false_accepts_the_text_of_a_plain_form(money_course: Course) -> None:
    question = QuestionFactory(course=money_course, kind="true_false")
    assert DEFINITIONS["true_false"] == {"correct": True}
    assert placement_answer_is_correct(question_id=question.id, answer="true") is True
    assert placement_answer_is_correct(question_id=question.id, answer="False") is False
    assert placement_answer_is_correct(question_id=question.id, answer="") is False


def test_a_misshapen_answer_and_a_question_outside_the_pool_are_refused(money_course: Course) -> None:
    question = QuestionFactory(course=money_course, kind="single_choice")
    with pytest.raises(AnswerInvalid) as raised:
        placement_answer_is_correct(question_id=question.id, answer="z")
    assert raised.value.extra["errors"] == [{"field": "answer", "message": "must be the id of one of the options."}]
    free_text = QuestionFactory(course=money_course, kind="free_text")
    for question_id in (free_text.id, uuid.uuid4()):
        with pytest.raises(QuestionNotFound):
            placement_answer_is_correct(question_id=question_id, answer="a")
        with pytest.raises(QuestionNotFound):
            placement_question(question_id=question_id)


def test_courses_come_with_subject_level_prerequisites_and_first_lesson(
    money_course: Course, django_assert_num_queries: Any
) -> None:
    advanced, lessons = course_with_lessons(
        modules=2, lessons_per_module=2, category=CategoryFactory(slug="money"), level="advanced"
    )
    advanced.prerequisites.add(money_course)
    no_category = CourseFactory(published=True)
    CourseFactory(category=CategoryFactory(slug="money"))  # a draft
    with django_assert_num_queries(2):
        facts = {course.course_id: course for course in placement_courses()}
    assert set(facts) == {money_course.id, advanced.id}
    fact = facts[advanced.id]
    assert (fact.slug, fact.title, fact.subject, fact.level) == (advanced.slug, advanced.title, "money", "advanced")
    assert fact.prerequisite_ids == (money_course.id,)
    assert (fact.first_lesson_id, fact.first_lesson_title) == (lessons[0].id, lessons[0].title)
    chosen = placement_courses(course_ids=[no_category.id, advanced.id])
    assert {course.course_id for course in chosen} == {no_category.id, advanced.id}
    assert next(c for c in chosen if c.course_id == no_category.id).first_lesson_id is None
    Course.objects.filter(pk=advanced.pk).update(status=CourseStatus.ARCHIVED)
    assert [course.course_id for course in placement_courses(course_ids=[advanced.id])] == []


def test_courses_completed_by_the_learner(money_course: Course) -> None:
    learner = UserFactory()
    other, _ = course_with_lessons()
    Enrollment.objects.create(course=money_course, user=learner, status=EnrollmentStatus.COMPLETED)
    Enrollment.objects.create(course=other, user=learner)
    Enrollment.objects.create(course=other, user=UserFactory(), status=EnrollmentStatus.COMPLETED)
    assert courses_completed_by(user_id=learner.id) == frozenset({money_course.id})
