"""The learning tools: progress, own grades (never another learner's) and their explanation, next lessons."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from azora.accounts.models import User
from azora.accounts.tests.factories import UserFactory
from azora.agents.tests.tools.conftest import agent
from azora.agents.tests.tools.helpers import course_about
from azora.agents.tools import gather
from azora.education.models import LessonProgress
from azora.education.public import attempt_start, attempt_submit, grade_for
from azora.education.tests.factories import EnrollmentFactory
from azora.education.tests.factories_assessments import RIGHT_ANSWERS, Classroom, classroom

pytestmark = pytest.mark.django_db


def test_learner_progress_lists_own_enrolments_with_the_conversations_course_first() -> None:
    money, money_lessons = course_about("Money", [("Budgets", "Plan."), ("Saving", "Save."), ("Debt", "Owe.")])
    code, _ = course_about("Code", [("Variables", "Names.")])
    learner = UserFactory()
    enrollment = EnrollmentFactory(course=money, user=learner)
    EnrollmentFactory(course=code, user=learner)
    EnrollmentFactory(course=money)  # another learner: never listed
    LessonProgress.objects.create(enrollment=enrollment, lesson=money_lessons[0], completed_at=timezone.now())
    enrollment.last_lesson = money_lessons[1]
    enrollment.save(update_fields=["last_lesson"])

    result = gather(agent=agent("learner_progress"), user_id=learner.id, course_id=money.id, text="How am I doing?")

    (progress,) = result.results
    assert progress.ok is True
    assert progress.summary == (
        'Enrolled in: "Money" (active): 33% done, 1 of 3 required lessons, resume at "Saving"; '
        '"Code" (active): 0% done, 0 of 1 required lessons, resume at "Variables".'
    )
    assert progress.data == {
        "courses": [{"course_id": str(money.id), "percent": 33}, {"course_id": str(code.id), "percent": 0}]
    }


def test_learner_progress_without_enrolments() -> None:
    (result,) = gather(agent=agent("learner_progress"), user_id=UserFactory().id, text="progress?").results
    assert (result.ok, result.summary) == (True, "The learner is not enrolled in any course yet.")


def _graded_classroom() -> tuple[Classroom, User]:
    """A quiz where the learner scores 0 % and a classmate 100 %."""
    room = classroom()
    question = room.question("single_choice", prompt="Which currency does South Africa use?")
    assessment = room.assessment(questions=[question])
    classmate: User = UserFactory()
    room.enrol(classmate)
    mine = attempt_start(assessment_id=assessment.id, user_id=room.learner.id)
    attempt_submit(attempt_id=mine.id, user_id=room.learner.id, answers={str(question.id): "b"})
    theirs = attempt_start(assessment_id=assessment.id, user_id=classmate.id)
    attempt_submit(
        attempt_id=theirs.id, user_id=classmate.id, answers={str(question.id): RIGHT_ANSWERS["single_choice"]}
    )
    return room, classmate


def test_learner_grades_give_only_the_learners_own_grade() -> None:
    room, classmate = _graded_classroom()
    mine = grade_for(user_id=room.learner.id, course_id=room.course.id)
    assert mine.percent == Decimal("0.00")
    assert grade_for(user_id=classmate.id, course_id=room.course.id).percent == Decimal("100.00")

    (result,) = gather(
        agent=agent("learner_grades"), user_id=room.learner.id, course_id=room.course.id, text="my grade?"
    ).results

    assert result.ok is True
    assert result.summary == f'Course grades: "{room.course.title}": 0% ({mine.summary})'
    assert "100%" not in result.summary
    assert result.data == {"grades": [{"course_id": str(room.course.id), "percent": "0%"}]}


def test_no_grade_for_a_course_the_learner_is_not_enrolled_in() -> None:
    room, _ = _graded_classroom()
    (result,) = gather(
        agent=agent("learner_grades", "explain_grade"), user_id=room.stranger.id, course_id=room.course.id, text="grade"
    ).results[:1]
    assert (result.ok, result.summary) == (
        True,
        "The learner has no grade in this conversation's course (not enrolled in it).",
    )


def test_explain_grade_gives_the_explanation_lines_of_the_own_grade() -> None:
    room, _ = _graded_classroom()
    mine = grade_for(user_id=room.learner.id, course_id=room.course.id)
    (result,) = gather(
        agent=agent("explain_grade"), user_id=room.learner.id, course_id=room.course.id, text="why this grade?"
    ).results
    lines = [f'"{room.course.title}": 0%. {mine.summary}']
    lines += [f"  {line.explanation}" for line in mine.categories if line.explanation]
    lines += [f"  {line.explanation}" for line in mine.items if line.explanation]
    lines += [f"  rule: {rule}" for rule in mine.rules]
    assert result.summary == "How the grade is made up:\n" + "\n".join(lines)
    assert len(lines) > 2  # categories, items and rules are there


def test_recommend_lessons_names_the_next_incomplete_lessons() -> None:
    course, lessons = course_about("Money", [("Budgets", "a"), ("Saving", "b"), ("Debt", "c"), ("Tax", "d")])
    learner = UserFactory()
    enrollment = EnrollmentFactory(course=course, user=learner)
    LessonProgress.objects.create(enrollment=enrollment, lesson=lessons[1], completed_at=timezone.now())

    (result,) = gather(agent=agent("recommend_lessons"), user_id=learner.id, text="what next?").results

    assert result.summary == (
        'Next lessons of "Money": '
        f'"Budgets" (lesson 1 of 4, 10 min, /learn/{lessons[0].id}/); '
        f'"Debt" (lesson 3 of 4, 10 min, /learn/{lessons[2].id}/); '
        f'"Tax" (lesson 4 of 4, 10 min, /learn/{lessons[3].id}/)'
    )
    assert result.data == {"lessons": [str(lessons[i].id) for i in (0, 2, 3)]}


def test_recommend_lessons_for_a_course_the_learner_is_not_in_recommends_nothing() -> None:
    course, _ = course_about("Money", [("Budgets", "a")])
    (result,) = gather(
        agent=agent("recommend_lessons"), user_id=UserFactory().id, course_id=course.id, text="next?"
    ).results
    assert result.summary == "No next lesson: the learner has no unfinished course here (or finished every lesson)."


ELARA = agent("search_content", "learner_progress", "learner_grades", "explain_grade", "recommend_lessons")


@pytest.mark.parametrize(
    ("text", "runs_grade_tools"),
    [
        ("What is photosynthesis?", False),
        ("Explain variables in Python", False),
        ("How am I doing?", True),
        ("Why is my grade 40%?", True),
        ("Did I pass the quiz?", True),
        ("Quelle est ma note ?", True),
        ("Qual é a minha nota?", True),
        ("Wat is my punte?", True),
        ("Matokeo yangu ni yapi?", True),
    ],
)
def test_the_grade_tools_run_only_for_questions_about_grades(text: str, runs_grade_tools: bool) -> None:
    room, _ = _graded_classroom()
    context = gather(agent=ELARA, user_id=room.learner.id, course_id=room.course.id, text=text)
    expected = ["search_content", "learner_progress", "learner_grades", "explain_grade", "recommend_lessons"]
    if not runs_grade_tools:
        expected = [name for name in expected if name not in {"learner_grades", "explain_grade"}]
    assert [result.tool for result in context.results] == expected


def test_the_grade_is_computed_once_for_both_grade_tools() -> None:
    room, _ = _graded_classroom()
    both = agent("learner_grades", "explain_grade")
    with CaptureQueriesContext(connection) as one_tool:
        gather(agent=agent("learner_grades"), user_id=room.learner.id, course_id=room.course.id, text="my grade")
    with CaptureQueriesContext(connection) as two_tools:
        context = gather(agent=both, user_id=room.learner.id, course_id=room.course.id, text="my grade")
    assert context.tools_used == ("learner_grades", "explain_grade")
    # The second tool reuses the first one's grade: only its savepoint's statements are added.
    assert len(two_tools.captured_queries) - len(one_tool.captured_queries) <= 2
