"""What the instructors' grade pages rely on: a recompute keeps the latest override and is deterministic even after
settings change, and the gradebook names its learners in a fixed number of queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from azora.accounts.tests.factories import UserFactory
from azora.education import public
from azora.education.models import CourseGrade, GradeCategory
from azora.education.tests.factories_assessments import Classroom, classroom

pytestmark = pytest.mark.django_db


@pytest.fixture
def room() -> Classroom:
    room = classroom()
    public.grade_category_set(course_id=room.course.id, user_id=room.instructor.id, name="Quizzes", weight="1")
    questions = [room.question() for _ in range(4)]
    assessment = room.assessment(
        questions, category=GradeCategory.objects.get(course=room.course, name="Quizzes"), title="Quiz", position=1
    )
    view = public.attempt_start(assessment_id=assessment.id, user_id=room.learner.id)
    answers = {str(q.id): index < 3 for index, q in enumerate(view.questions)}  # 3 of 4: 75%
    public.attempt_submit(attempt_id=view.id, user_id=room.learner.id, answers=answers)
    return room


def test_a_recompute_after_a_settings_change_keeps_the_override_and_repeats_byte_for_byte(room: Classroom) -> None:
    ids = {"course_id": room.course.id, "user_id": room.learner.id}
    public.grade_override(**ids, by_user_id=room.instructor.id, percent="90", reason="Viva voce")
    exam = room.assessment(
        [room.question()],
        category=GradeCategory.objects.create(course=room.course, name="Exam", weight=Decimal(1)),
        title="Exam",
        position=2,
        is_required=False,
    )
    view = public.attempt_start(assessment_id=exam.id, user_id=room.learner.id)
    public.attempt_submit(attempt_id=view.id, user_id=room.learner.id, answers={str(view.questions[0].id): False})

    first = public.grade_recompute(**ids, by_user_id=room.instructor.id)
    stored = CourseGrade.objects.get(course_id=room.course.id, user_id=room.learner.id)
    second = public.grade_recompute(**ids, by_user_id=room.instructor.id)

    assert (first.percent, first.computed_percent) == (Decimal("90.00"), Decimal("37.50"))  # (75 + 0) / 2
    assert first.override is not None
    assert first.override.reason == "Viva voce"
    assert first.snapshot_json.encode() == second.snapshot_json.encode() == stored.snapshot.encode()
    after = CourseGrade.objects.get(course_id=room.course.id, user_id=room.learner.id)
    assert (after.computed_at, after.updated_at) == (stored.computed_at, stored.updated_at)  # nothing rewritten


def test_the_gradebook_names_each_learner_in_a_fixed_number_of_queries(room: Classroom) -> None:
    public.grade_recompute(course_id=room.course.id, user_id=room.learner.id, by_user_id=room.instructor.id)
    with CaptureQueriesContext(connection) as one:
        public.grades_of_course(course_id=room.course.id, user_id=room.instructor.id)
    for n in range(5):
        room.enrol(UserFactory(display_name=f"Extra {n}"))
    with CaptureQueriesContext(connection) as six:
        rows = public.grades_of_course(course_id=room.course.id, user_id=room.instructor.id)

    assert len(one.captured_queries) == len(six.captured_queries)
    assert [row.learner_name for row in rows] == ["Lerato Learner", *(f"Extra {n}" for n in range(5))]
    assert (rows[0].percent, rows[1].percent) == (Decimal("75.00"), None)
