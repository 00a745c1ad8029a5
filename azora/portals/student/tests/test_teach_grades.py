"""The instructor area's grades: gradebook, one learner's explained grade, override with a reason, recompute."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

import azora.accounts.public as accounts
import azora.education.public as education
from azora.accounts.models import User
from azora.accounts.tests.factories import UserFactory
from azora.education.models import CourseGrade, GradeOverride
from azora.portals.student.tests.conftest import BuiltCourse, build_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded(course: BuiltCourse, instructor: User, learner: User) -> uuid.UUID:
    """The learner enrolled and scored 50% on a two-question quiz (one of two right); returns the course id."""
    course_id = course.id
    education.enrollment_create(course_id=course_id, user_id=learner.id)
    questions = [
        education.question_create(
            course_id=course_id,
            user_id=instructor.id,
            kind="true_false",
            prompt=f"Statement {n}",
            definition={"correct": True},
        )
        for n in range(2)
    ]
    assessment = education.assessment_create(
        course_id=course_id, user_id=instructor.id, title="Budget quiz", question_ids=[q.id for q in questions]
    )
    attempt = education.attempt_start(assessment_id=assessment.id, user_id=learner.id)
    education.attempt_submit(
        attempt_id=attempt.id, user_id=learner.id, answers={str(questions[0].id): True, str(questions[1].id): False}
    )
    return course_id


def test_the_gradebook_lists_learners_with_their_stored_grade(
    as_instructor: Client, graded: uuid.UUID, learner: User
) -> None:
    response = as_instructor.get(f"/teach/{graded}/grades/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Thandi" in page
    assert "50%" in page
    assert f'href="/teach/{graded}/grades/{learner.id}/"' in page


def test_the_learner_grade_page_explains_the_grade(as_instructor: Client, graded: uuid.UUID, learner: User) -> None:
    response = as_instructor.get(f"/teach/{graded}/grades/{learner.id}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Grade of Thandi" in page
    assert "Why the computed grade is 50%" in page
    assert "Budget quiz" in page
    assert "No override yet" in page
    assert 'name="reason"' in page


def test_an_override_with_a_reason_is_audited_and_shown_to_the_learner(
    as_instructor: Client, client: Client, graded: uuid.UUID, instructor: User, learner: User
) -> None:
    response = as_instructor.post(
        f"/teach/{graded}/grades/{learner.id}/override/",
        {"percent": "74", "reason": "Oral exam made up for the missed quiz."},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/teach/{graded}/grades/{learner.id}/"
    [override] = GradeOverride.objects.filter(course_id=graded, user_id=learner.id)
    assert (str(override.old_percent), str(override.new_percent), override.reason, override.by_user_id) == (
        "50.00",
        "74.00",
        "Oral exam made up for the missed quiz.",
        instructor.id,
    )
    history = as_instructor.get(f"/teach/{graded}/grades/{learner.id}/").content.decode()
    assert "Lerato Mokoena" in history  # who, in the audit trail
    assert "Oral exam made up for the missed quiz." in history

    client.force_login(learner)
    mine = client.get(f"/my/grades/{graded}/").content.decode()
    assert "Your instructor set this grade to 74% (computed: 50%). Reason: Oral exam made up for the missed quiz." in (
        mine
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"percent": "74", "reason": "   "}, "This field is required."),
        ({"percent": "74", "reason": ""}, "This field is required."),
        ({"percent": "101", "reason": "Too generous"}, "Ensure this value is less than or equal to 100."),
        ({"percent": "abc", "reason": "Typo"}, "Enter a number."),
    ],
)
def test_a_bad_override_re_renders_with_the_error_and_writes_nothing(
    as_instructor: Client, graded: uuid.UUID, learner: User, data: dict[str, str], message: str
) -> None:
    stored = list(CourseGrade.objects.values_list("snapshot", flat=True))

    response = as_instructor.post(f"/teach/{graded}/grades/{learner.id}/override/", data)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert GradeOverride.objects.count() == 0
    assert list(CourseGrade.objects.values_list("snapshot", flat=True)) == stored


def test_a_recompute_keeps_the_override_and_changes_nothing_on_unchanged_data(
    as_instructor: Client, graded: uuid.UUID, instructor: User, learner: User
) -> None:
    education.grade_override(
        course_id=graded, user_id=learner.id, by_user_id=instructor.id, percent="80", reason="Project work"
    )
    before = CourseGrade.objects.get(course_id=graded, user_id=learner.id)

    response = as_instructor.post(f"/teach/{graded}/grades/{learner.id}/recompute/", follow=True)

    assert response.status_code == 200
    assert "computed 50%; your override of 80% still counts." in response.content.decode()
    after = CourseGrade.objects.get(course_id=graded, user_id=learner.id)
    assert (after.snapshot, after.computed_at, str(after.percent)) == (before.snapshot, before.computed_at, "80.00")

    everyone = as_instructor.post(f"/teach/{graded}/grades/recompute/", follow=True)
    assert "none changed" in everyone.content.decode()
    assert CourseGrade.objects.get(course_id=graded, user_id=learner.id).snapshot == before.snapshot


def test_the_learner_and_strangers_cannot_reach_the_instructor_grade_pages(
    client: Client, graded: uuid.UUID, learner: User, stranger: User
) -> None:
    for person in (learner, stranger):
        client.force_login(person)
        for path in (f"/teach/{graded}/grades/", f"/teach/{graded}/grades/{learner.id}/"):
            assert client.get(path).status_code == 404, path
        response = client.post(f"/teach/{graded}/grades/{learner.id}/override/", {"percent": "100", "reason": "Please"})
        assert response.status_code == 404
        assert client.post(f"/teach/{graded}/grades/recompute/").status_code == 404
    assert GradeOverride.objects.count() == 0


def test_another_instructor_cannot_see_or_override_grades_of_my_course(
    client: Client, graded: uuid.UUID, learner: User
) -> None:
    other = UserFactory(email="other@example.test")
    accounts.platform_role_grant(user_id=other.id, role="instructor")
    build_course(other, title="Their own course")
    client.force_login(other)

    assert client.get(f"/teach/{graded}/grades/{learner.id}/").status_code == 404
    response = client.post(f"/teach/{graded}/grades/{learner.id}/override/", {"percent": "1", "reason": "x"})
    assert response.status_code == 404
    assert GradeOverride.objects.count() == 0


def test_someone_not_enrolled_has_no_grade_page(as_instructor: Client, graded: uuid.UUID, stranger: User) -> None:
    assert as_instructor.get(f"/teach/{graded}/grades/{stranger.id}/").status_code == 404
    response = as_instructor.post(f"/teach/{graded}/grades/{stranger.id}/override/", {"percent": "1", "reason": "x"})
    assert response.status_code == 404
    assert GradeOverride.objects.count() == 0
