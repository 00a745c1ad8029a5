"""Course grades: weighted categories with drop-lowest from real attempts, explanations, recompute, overrides."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.utils import ProgrammingError

from azora.accounts.tests.factories import UserFactory
from azora.education import public
from azora.education.errors import GradeNotFound, GradeOverrideInvalid
from azora.education.models import Assessment, CourseGrade, GradeCategory, GradeOverride
from azora.education.tests.factories_assessments import Classroom, classroom
from azora.shared.errors import PermissionDenied

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(db: None) -> Classroom:
    return classroom()


def take(room: Classroom, assessment: Assessment, right: int) -> None:
    """Answers `right` of the assessment's true/false questions correctly and the rest wrongly, then submits."""
    view = public.attempt_start(assessment_id=assessment.id, user_id=room.learner.id)
    answers = {str(q.id): index < right for index, q in enumerate(view.questions)}
    public.attempt_submit(attempt_id=view.id, user_id=room.learner.id, answers=answers)


def quiz(room: Classroom, category: str, *, title: str, position: int, questions: int = 10) -> Assessment:
    return room.assessment(
        [room.question() for _ in range(questions)],
        category=GradeCategory.objects.get(course=room.course, name=category),
        title=title,
        position=position,
        is_required=False,
    )


@pytest.fixture
def graded(room: Classroom) -> Classroom:
    public.grade_category_set(
        course_id=room.course.id, user_id=room.instructor.id, name="Quizzes", weight="40", drop_lowest=1
    )
    public.grade_category_set(course_id=room.course.id, user_id=room.instructor.id, name="Exam", weight="60")
    take(room, quiz(room, "Quizzes", title="Quiz 1", position=1), right=5)
    take(room, quiz(room, "Quizzes", title="Quiz 2", position=2), right=8)
    take(room, quiz(room, "Quizzes", title="Quiz 3", position=3), right=9)
    take(room, quiz(room, "Exam", title="Final", position=4), right=7)
    quiz(room, "Exam", title="Bonus exam", position=5)  # never attempted
    return room


def test_grade_is_weighted_with_drop_lowest_and_explained(graded: Classroom) -> None:
    grade = public.grade_for(user_id=graded.learner.id, course_id=graded.course.id)
    # Quizzes drop 50 → 85; Exam 70 → (85 x 40 + 70 x 60) / 100 = 76.00
    assert (grade.percent, grade.computed_percent, grade.override) == (Decimal("76.00"), Decimal("76.00"), None)
    lines = {line.title: (line.state, line.score_percent, line.share_of_grade_percent) for line in grade.items}
    assert lines == {
        "Quiz 1": ("dropped", Decimal("50.00"), Decimal("0.00")),
        "Quiz 2": ("counted", Decimal("80.00"), Decimal("20.00")),
        "Quiz 3": ("counted", Decimal("90.00"), Decimal("20.00")),
        "Final": ("counted", Decimal("70.00"), Decimal("60.00")),
        "Bonus exam": ("not_attempted", None, Decimal("0.00")),
    }
    dropped = next(line for line in grade.items if line.title == "Quiz 1")
    assert "dropped" in dropped.explanation
    assert [(c.name, c.average_percent, len(c.dropped)) for c in grade.categories] == [
        ("Exam", Decimal("70.00"), 0),
        ("Quizzes", Decimal("85.00"), 1),
    ]
    assert grade.summary.startswith("Your grade is 76.00%")
    assert grade.rounding == "ROUND_HALF_UP to 2 decimal places"


def test_best_closed_attempt_counts(graded: Classroom) -> None:
    final = Assessment.objects.get(title="Final")
    take(graded, final, right=4)
    take(graded, final, right=10)
    grade = public.grade_for(user_id=graded.learner.id, course_id=graded.course.id)
    assert next(line.score_percent for line in grade.items if line.title == "Final") == Decimal("100.00")
    assert grade.percent == Decimal("94.00")  # (85 x 40 + 100 x 60) / 100


def test_recompute_of_unchanged_data_is_byte_for_byte_the_same(graded: Classroom) -> None:
    first = public.grade_recompute(
        course_id=graded.course.id, user_id=graded.learner.id, by_user_id=graded.instructor.id
    )
    second = public.grade_recompute(
        course_id=graded.course.id, user_id=graded.learner.id, by_user_id=graded.instructor.id
    )
    stored = CourseGrade.objects.get(course=graded.course, user=graded.learner)
    shown = public.grade_for(user_id=graded.learner.id, course_id=graded.course.id)
    assert first.snapshot_json.encode() == second.snapshot_json.encode() == stored.snapshot.encode()
    assert shown.snapshot_json.encode() == stored.snapshot.encode()
    assert first.computed_at == second.computed_at == shown.computed_at == stored.computed_at  # nothing rewritten


def test_changed_settings_show_at_once_and_a_recompute_stores_them(graded: Classroom) -> None:
    public.grade_category_set(course_id=graded.course.id, user_id=graded.instructor.id, name="Exam", weight="40")
    assert public.grade_for(user_id=graded.learner.id, course_id=graded.course.id).percent == Decimal("77.50")
    assert CourseGrade.objects.get(course=graded.course, user=graded.learner).percent == Decimal("76.00")
    grade = public.grade_recompute(
        course_id=graded.course.id, user_id=graded.learner.id, by_user_id=graded.instructor.id
    )
    assert grade.percent == Decimal("77.50")  # (85 + 70) / 2
    stored = CourseGrade.objects.get(course=graded.course, user=graded.learner)
    assert (stored.percent, stored.snapshot) == (Decimal("77.50"), grade.snapshot_json)


def test_override_is_audited_and_replaces_the_grade(graded: Classroom) -> None:
    grade = public.grade_override(
        course_id=graded.course.id,
        user_id=graded.learner.id,
        by_user_id=graded.instructor.id,
        percent="80",
        reason="Quiz 1 was taken during a power cut",
    )
    assert (grade.percent, grade.computed_percent) == (Decimal("80.00"), Decimal("76.00"))
    assert grade.override is not None
    assert (grade.override.old_percent, grade.override.new_percent, grade.override.by_user_id) == (
        Decimal("76.00"),
        Decimal("80.00"),
        graded.instructor.id,
    )
    assert "power cut" in grade.summary
    learner_view = public.grade_for(user_id=graded.learner.id, course_id=graded.course.id)
    assert learner_view.percent == Decimal("80.00")
    public.grade_override(
        course_id=graded.course.id,
        user_id=graded.learner.id,
        by_user_id=graded.instructor.id,
        percent="82.5",
        reason="Regraded",
    )
    audit = public.grade_overrides_of(
        course_id=graded.course.id, user_id=graded.learner.id, viewer_id=graded.learner.id
    )
    assert [(o.old_percent, o.new_percent, o.reason) for o in audit] == [
        (Decimal("76.00"), Decimal("80.00"), "Quiz 1 was taken during a power cut"),
        (Decimal("80.00"), Decimal("82.50"), "Regraded"),
    ]
    assert public.grade_for(user_id=graded.learner.id, course_id=graded.course.id).percent == Decimal("82.50")


@pytest.mark.parametrize(
    ("percent", "reason"),
    [("101", "x"), ("-1", "x"), ("50.005", "x"), ("abc", "x"), ("50", ""), ("50", "x" * 1001), (True, "x")],
)
def test_bad_overrides_change_nothing(graded: Classroom, percent: object, reason: str) -> None:
    before = CourseGrade.objects.get(course=graded.course, user=graded.learner).snapshot
    with pytest.raises(GradeOverrideInvalid):
        public.grade_override(
            course_id=graded.course.id,
            user_id=graded.learner.id,
            by_user_id=graded.instructor.id,
            percent=percent,
            reason=reason,
        )
    assert GradeOverride.objects.count() == 0
    assert CourseGrade.objects.get(course=graded.course, user=graded.learner).snapshot == before


def test_only_editors_override_or_recompute(graded: Classroom) -> None:
    for user in (graded.learner, graded.stranger):
        with pytest.raises(PermissionDenied):
            public.grade_override(
                course_id=graded.course.id,
                user_id=graded.learner.id,
                by_user_id=user.id,
                percent="100",
                reason="I deserve it",
            )
        with pytest.raises(PermissionDenied):
            public.grade_recompute(course_id=graded.course.id, user_id=graded.learner.id, by_user_id=user.id)
    assert GradeOverride.objects.count() == 0


def test_another_user_cannot_see_a_grade(graded: Classroom) -> None:
    with pytest.raises(GradeNotFound):
        public.grade_for(user_id=graded.learner.id, course_id=graded.course.id, viewer_id=graded.stranger.id)
    with pytest.raises(GradeNotFound):
        public.grade_for(user_id=graded.stranger.id, course_id=graded.course.id)  # not enrolled
    with pytest.raises(GradeNotFound):
        public.grade_overrides_of(course_id=graded.course.id, user_id=graded.learner.id, viewer_id=graded.stranger.id)
    instructor_view = public.grade_for(
        user_id=graded.learner.id, course_id=graded.course.id, viewer_id=graded.instructor.id
    )
    assert instructor_view.percent == Decimal("76.00")


def test_grade_without_any_score(room: Classroom) -> None:
    grade = public.grade_for(user_id=room.learner.id, course_id=room.course.id)
    assert (grade.percent, grade.items) == (None, ())
    assert grade.summary == "Nothing has been scored yet, so there is no grade yet."


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only")
def test_overrides_are_append_only_on_postgresql(graded: Classroom) -> None:
    public.grade_override(
        course_id=graded.course.id,
        user_id=graded.learner.id,
        by_user_id=graded.instructor.id,
        percent="80",
        reason="Reason",
    )
    with pytest.raises(ProgrammingError, match="Cannot update rows"), transaction.atomic():
        GradeOverride.objects.update(new_percent=Decimal(100))


def test_gradebook_and_course_wide_recompute(graded: Classroom) -> None:
    other = graded.enrol(UserFactory())
    rows = public.grades_of_course(course_id=graded.course.id, user_id=graded.instructor.id)
    assert [(row.user_id, row.percent, row.is_overridden) for row in rows] == [
        (graded.learner.id, Decimal("76.00"), False),
        (other.user_id, None, False),
    ]
    public.grade_category_set(course_id=graded.course.id, user_id=graded.instructor.id, name="Exam", weight="40")
    assert public.grades_recompute_course(course_id=graded.course.id, by_user_id=graded.instructor.id) == 2
    assert public.grades_recompute_course(course_id=graded.course.id, by_user_id=graded.instructor.id) == 0
    rows = public.grades_of_course(course_id=graded.course.id, user_id=graded.instructor.id)
    assert [row.percent for row in rows] == [Decimal("77.50"), None]
    with pytest.raises(PermissionDenied):
        public.grades_of_course(course_id=graded.course.id, user_id=graded.learner.id)
    with pytest.raises(PermissionDenied):
        public.grades_recompute_course(course_id=graded.course.id, by_user_id=graded.learner.id)
