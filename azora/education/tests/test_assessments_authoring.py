"""Authoring: the question bank and assessment settings, who may author, and bad input that changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from azora.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from azora.education import public
from azora.education.errors import AssessmentInvalid, QuestionInvalid, QuestionNotFound
from azora.education.models import Assessment, AssessmentQuestion, GradeCategory, Module, Question
from azora.education.tests.factories_assessments import DEFINITIONS, AssessCourseFactory, Classroom, classroom
from azora.shared.errors import PermissionDenied

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(db: None) -> Classroom:
    return classroom()


def test_every_kind_is_authored_and_points_default_to_one(room: Classroom) -> None:
    for kind, definition in DEFINITIONS.items():
        view = public.question_create(
            course_id=room.course.id, user_id=room.instructor.id, kind=kind, prompt=f" {kind}? ", definition=definition
        )
        assert (view.kind, view.prompt) == (kind, f"{kind}?")
        assert view.points == (Decimal("5") if kind == "free_text" else Decimal("1.00"))
        assert view.credit_rule
    assert Question.objects.filter(course=room.course).count() == len(DEFINITIONS)
    listed = public.questions_of_course(course_id=room.course.id, user_id=room.instructor.id)
    assert [q.kind for q in listed] == list(DEFINITIONS)


def test_question_update_keeps_the_kind_and_checks_the_definition(room: Classroom) -> None:
    question = room.question("numeric")
    with pytest.raises(QuestionInvalid) as caught:
        public.question_update(question_id=question.id, user_id=room.instructor.id, kind="true_false")
    assert caught.value.extra["field"] == "kind"
    with pytest.raises(QuestionInvalid) as bad_value:
        public.question_update(question_id=question.id, user_id=room.instructor.id, definition={"value": "x"})
    assert bad_value.value.extra["field"] == "value"
    question.refresh_from_db()
    assert question.definition == DEFINITIONS["numeric"]
    view = public.question_update(
        question_id=question.id, user_id=room.instructor.id, definition={"value": "2.72", "tolerance": "0.005"}
    )
    assert view.definition == {"value": "2.72", "tolerance": "0.005"}
    with pytest.raises(QuestionNotFound):
        public.question_update(question_id=room.instructor.id, user_id=room.instructor.id, prompt="x")


def test_organisation_admins_author_and_members_do_not() -> None:
    owner = UserFactory()
    organisation = OrganisationFactory(owner=owner)
    admin = MembershipFactory(organisation=organisation, role="admin").user
    member = MembershipFactory(organisation=organisation, role="member").user
    course = AssessCourseFactory(organisation=organisation)
    view = public.question_create(
        course_id=course.id, user_id=admin.id, kind="true_false", prompt="Is saving good?", definition={"correct": True}
    )
    assert view.course_id == course.id
    with pytest.raises(PermissionDenied):
        public.question_create(
            course_id=course.id, user_id=member.id, kind="true_false", prompt="Mine", definition={"correct": True}
        )
    assert Question.objects.filter(course=course).count() == 1


def test_assessment_defaults_and_category(room: Classroom) -> None:
    questions = [room.question(), room.question()]
    view = public.assessment_create(
        course_id=room.course.id,
        user_id=room.instructor.id,
        title="  Budget check ",
        question_ids=[q.id for q in reversed(questions)],
    )
    assert (view.title, view.passing_percent, view.category, view.weight, view.selection, view.is_required) == (
        "Budget check",
        Decimal("70.00"),
        "Assessments",
        Decimal("1.00"),
        "fixed",
        True,
    )
    assert view.question_ids == (questions[1].id, questions[0].id)
    updated = public.assessment_update(
        assessment_id=view.id,
        user_id=room.instructor.id,
        category="Exams",
        weight="2.5",
        passing_percent=80,
        max_attempts=3,
        time_limit_seconds=1200,
        question_ids=[questions[0].id],
    )
    assert (updated.category, updated.weight, updated.passing_percent, updated.max_attempts) == (
        "Exams",
        Decimal("2.50"),
        Decimal("80.00"),
        3,
    )
    assert updated.question_ids == (questions[0].id,)
    assert sorted(GradeCategory.objects.filter(course=room.course).values_list("name", flat=True)) == [
        "Assessments",
        "Exams",
    ]


def test_random_draw_from_the_listed_pool(room: Classroom) -> None:
    pool = [room.question() for _ in range(4)]
    room.question()  # in the bank, not in the pool
    assessment = room.assessment(pool, selection="random", draw_count=2)
    drawn = {q.id for q in public.attempt_start(assessment_id=assessment.id, user_id=room.learner.id).questions}
    assert len(drawn) == 2
    assert drawn <= {q.id for q in pool}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"selection": "random"}, "draw_count"),
        ({"selection": "lucky"}, "selection"),
        ({"passing_percent": "70.001"}, "passing_percent"),
        ({"passing_percent": 2.5}, "passing_percent"),
        ({"max_attempts": 0}, "max_attempts"),
        ({"time_limit_seconds": 5}, "time_limit_seconds"),
        ({"weight": "0"}, "weight"),
        ({"category": ""}, "category"),
        ({"is_required": "yes"}, "is_required"),
        ({"question_ids": ["not-a-uuid"]}, "question_ids"),
        ({"secret": 1}, "secret"),
    ],
)
def test_bad_assessment_settings_change_nothing(room: Classroom, fields: dict[str, object], field: str) -> None:
    with pytest.raises(AssessmentInvalid) as caught:
        public.assessment_create(course_id=room.course.id, user_id=room.instructor.id, title="Quiz", **fields)
    assert caught.value.extra["field"] == field
    assert Assessment.objects.count() == 0
    assert GradeCategory.objects.count() == 0


def test_questions_and_modules_of_another_course_are_refused(room: Classroom) -> None:
    other = classroom()
    foreign_question = other.question()
    foreign_module = Module.objects.create(course=other.course, title="Elsewhere")
    for fields, field in (
        ({"question_ids": [foreign_question.id]}, "question_ids"),
        ({"module_id": foreign_module.id}, "module_id"),
    ):
        with pytest.raises(AssessmentInvalid) as caught:
            public.assessment_create(course_id=room.course.id, user_id=room.instructor.id, title="Quiz", **fields)
        assert caught.value.extra["field"] == field
    assert Assessment.objects.count() == 0
    assert AssessmentQuestion.objects.count() == 0


def test_bad_update_leaves_the_assessment_as_it_was(room: Classroom) -> None:
    question = room.question()
    assessment = room.assessment([question], max_attempts=2)
    with pytest.raises(AssessmentInvalid):
        public.assessment_update(
            assessment_id=assessment.id, user_id=room.instructor.id, max_attempts=5, selection="random"
        )
    assessment.refresh_from_db()
    assert (assessment.max_attempts, assessment.selection) == (2, "fixed")
    assert list(AssessmentQuestion.objects.filter(assessment=assessment).values_list("question_id", flat=True)) == [
        question.id
    ]


def test_grade_categories(room: Classroom) -> None:
    public.grade_category_set(course_id=room.course.id, user_id=room.instructor.id, name="Quizzes", weight=40)
    public.grade_category_set(
        course_id=room.course.id, user_id=room.instructor.id, name="Quizzes", weight="30", drop_lowest=2
    )
    configs = public.grade_categories_of(course_id=room.course.id, user_id=room.instructor.id)
    assert [(c.name, c.weight, c.drop_lowest) for c in configs] == [("Quizzes", Decimal("30.00"), 2)]
    with pytest.raises(PermissionDenied):
        public.grade_categories_of(course_id=room.course.id, user_id=room.learner.id)
