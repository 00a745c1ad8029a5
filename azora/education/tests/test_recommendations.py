"""Reads for the AI tutor: next lessons in outline order, the courses a user may ask about, the open-answer check."""

from __future__ import annotations

import pytest
from django.utils import timezone

from azora.accounts.tests.factories import UserFactory
from azora.education.models import Attempt, AttemptStatus, EnrollmentStatus, LessonProgress, Question
from azora.education.public import (
    NextLesson,
    attempt_start,
    attempt_submit,
    course_ids_enrolled_or_taught,
    next_lessons_for,
    open_answer_revealed,
)
from azora.education.tests.factories import CourseFactory, EnrollmentFactory, course_with_lessons
from azora.education.tests.factories_assessments import classroom

pytestmark = pytest.mark.django_db


def test_next_lessons_are_the_incomplete_ones_in_outline_order() -> None:
    course, lessons = course_with_lessons(modules=2, lessons_per_module=2)
    learner = UserFactory()
    enrollment = EnrollmentFactory(course=course, user=learner)
    LessonProgress.objects.create(enrollment=enrollment, lesson=lessons[0], completed_at=timezone.now())
    LessonProgress.objects.create(enrollment=enrollment, lesson=lessons[2], completed_at=timezone.now())

    result = next_lessons_for(user_id=learner.id, course_id=course.id)

    assert result == [
        NextLesson(
            lesson_id=lessons[1].id,
            course_id=course.id,
            course_title=course.title,
            module_title=lessons[1].module.title,
            title=lessons[1].title,
            number=2,
            total_lessons=4,
            estimated_minutes=10,
            is_required=True,
            url=f"/learn/{lessons[1].id}/",
        ),
        NextLesson(
            lesson_id=lessons[3].id,
            course_id=course.id,
            course_title=course.title,
            module_title=lessons[3].module.title,
            title=lessons[3].title,
            number=4,
            total_lessons=4,
            estimated_minutes=10,
            is_required=True,
            url=f"/learn/{lessons[3].id}/",
        ),
    ]


def test_next_lessons_honour_the_limit() -> None:
    course, lessons = course_with_lessons(modules=2, lessons_per_module=3)
    learner = UserFactory()
    EnrollmentFactory(course=course, user=learner)
    assert [lesson.lesson_id for lesson in next_lessons_for(user_id=learner.id, course_id=course.id)] == [
        lesson.id for lesson in lessons[:3]
    ]
    assert [lesson.lesson_id for lesson in next_lessons_for(user_id=learner.id, course_id=course.id, limit=1)] == [
        lessons[0].id
    ]
    assert next_lessons_for(user_id=learner.id, course_id=course.id, limit=0) == []
    assert len(next_lessons_for(user_id=learner.id, course_id=course.id, limit=500)) == 6


def test_no_next_lessons_when_not_enrolled_revoked_or_done() -> None:
    course, lessons = course_with_lessons(modules=1, lessons_per_module=2)
    stranger, revoked, finished = UserFactory(), UserFactory(), UserFactory()
    EnrollmentFactory(course=course, user=revoked, status=EnrollmentStatus.REVOKED)
    done = EnrollmentFactory(course=course, user=finished)
    for lesson in lessons:
        LessonProgress.objects.create(enrollment=done, lesson=lesson, completed_at=timezone.now())

    assert next_lessons_for(user_id=stranger.id, course_id=course.id) == []
    assert next_lessons_for(user_id=revoked.id, course_id=course.id) == []
    assert next_lessons_for(user_id=finished.id, course_id=course.id) == []


def test_next_lessons_take_a_fixed_number_of_queries(django_assert_max_num_queries: object) -> None:
    course, lessons = course_with_lessons(modules=3, lessons_per_module=4)
    learner = UserFactory()
    enrollment = EnrollmentFactory(course=course, user=learner)
    for lesson in lessons[:5]:
        LessonProgress.objects.create(enrollment=enrollment, lesson=lesson, completed_at=timezone.now())
    with django_assert_max_num_queries(5):  # type: ignore[operator]  # pytest-django's fixture is a callable
        result = next_lessons_for(user_id=learner.id, course_id=course.id, limit=20)
    assert [lesson.lesson_id for lesson in result] == [lesson.id for lesson in lessons[5:]]


def test_course_ids_are_the_enrolled_and_taught_courses_only() -> None:
    user = UserFactory()
    enrolled = EnrollmentFactory(user=user).course
    completed = EnrollmentFactory(user=user, status=EnrollmentStatus.COMPLETED).course
    EnrollmentFactory(user=user, status=EnrollmentStatus.REVOKED)
    taught = CourseFactory(instructors=[user])  # a draft it teaches counts too
    EnrollmentFactory()  # someone else's course

    assert course_ids_enrolled_or_taught(user_id=user.id) == tuple(sorted([enrolled.id, completed.id, taught.id]))
    assert course_ids_enrolled_or_taught(user_id=UserFactory().id) == ()


def test_open_answer_revealed_names_texts_that_state_an_answer_of_an_open_attempt() -> None:
    room = classroom()
    single = room.question("single_choice", prompt="Which currency does South Africa use?")
    numeric = room.question("numeric", prompt="What is pi to two decimals?")
    short = room.question("short_text", prompt="Which city is the seat of government?")
    truth = room.question("true_false", prompt="A budget is a plan for your money.")
    assessment = room.assessment(questions=[single, numeric, short, truth])
    attempt = attempt_start(assessment_id=assessment.id, user_id=room.learner.id)

    texts = [
        "Think about the money in your pocket.",  # nothing
        "It is the rand.",  # the correct choice (casefolded)
        "The dollar is used in the USA.",  # a wrong choice: no answer given away
        "Pi is about 3.14.",  # the numeric value
        "About 3,14 in French notation.",
        "3.145 is a longer number",  # not the value
        "Start from PRETORIA's history.",  # the accepted short answer
        "Is it true?",  # the true/false verdict
        "Randomly chosen words",  # "rand" only inside a word
    ]
    assert open_answer_revealed(user_id=room.learner.id, texts=texts) == (
        False,
        True,
        False,
        True,
        True,
        False,
        True,
        True,
        False,
    )
    # Only one question's answers; another learner has no open attempt; a closed attempt reveals nothing.
    assert open_answer_revealed(user_id=room.learner.id, texts=["the rand", "3.14"], question_id=numeric.id) == (
        False,
        True,
    )
    assert open_answer_revealed(user_id=room.stranger.id, texts=["the rand"]) == (False,)
    attempt_submit(attempt_id=attempt.id, user_id=room.learner.id)
    assert Attempt.objects.get(pk=attempt.id).status != AttemptStatus.OPEN
    assert open_answer_revealed(user_id=room.learner.id, texts=["the rand", "3.14"]) == (False, False)


def test_numbers_are_recognised_as_learners_write_them_and_true_false_in_every_served_language() -> None:
    room = classroom()
    savings = room.question(
        "numeric", prompt="How many rand go to savings?", definition={"value": "3000", "tolerance": "0"}
    )
    rate = room.question("numeric", prompt="What is the rate?", definition={"value": "2.5", "tolerance": "0"})
    truth = room.question("true_false", prompt="A budget is a plan.")
    attempt_start(assessment_id=room.assessment(questions=[savings, rate, truth]).id, user_id=room.learner.id)

    def revealed(text: str, question: Question) -> bool:
        (answer,) = open_answer_revealed(user_id=room.learner.id, texts=[text], question_id=question.id)
        return answer

    for text in ["R3 000", "R3,000", "3.000 rand", "3000.00", "R3\u00a0000 a month"]:
        assert revealed(text, savings), text
    for text in ["R30 000", "13000", "3 0000", "300"]:
        assert not revealed(text, savings), text
    for text in ["2.5%", "2,5 %", "2.50"]:
        assert revealed(text, rate), text
    for text in ["25", "2.55", "12.5"]:
        assert not revealed(text, rate), text
    for text in ["C'est vrai.", "É falso", "Dit is waar", "Ni kweli", "It is FALSE"]:
        assert revealed(text, truth), text
    assert not revealed("Vraiment pas", truth)
