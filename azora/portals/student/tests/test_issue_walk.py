"""The remaining bullets of issue 3, walked through the portal: prerequisites set and shown, archived courses still
readable to their learners (and closed to others), attempts beyond the limit, enrolment refusals."""

from __future__ import annotations

import pytest
from django.test import Client

import azora.accounts.public as accounts
import azora.education.public as education
from azora.accounts.models import User
from azora.accounts.tests.factories import UserFactory
from azora.education.models import Attempt, Course, CourseInstructor, Enrollment
from azora.portals.student.tests.conftest import BuiltCourse, build_course

pytestmark = pytest.mark.django_db


def _details(course: BuiltCourse, **changes: str) -> dict[str, str]:
    summary = course.detail.course
    data = {
        "title": summary.title,
        "slug": summary.slug,
        "summary": summary.summary,
        "level": summary.level,
        "language": summary.language,
        "category": "finance",
        "prerequisites": "",
        "instructors": "lerato@example.test",
    }
    return data | changes


def test_prerequisites_are_set_by_web_address_name_and_shown_on_the_course_page(
    as_instructor: Client, client: Client, instructor: User, course: BuiltCourse
) -> None:
    basics = build_course(instructor, title="Counting money")

    response = as_instructor.post(f"/teach/{course.id}/details/", _details(course, prerequisites=f"{basics.slug}\n"))

    assert response.status_code == 302
    assert list(Course.objects.get(pk=course.id).prerequisites.values_list("id", flat=True)) == [basics.id]
    form = as_instructor.get(f"/teach/{course.id}/details/").content.decode()
    assert f"\n{basics.slug}</textarea>" in form
    client.logout()
    page = client.get(f"/courses/{course.slug}/").content.decode()
    assert "Before you start" in page
    assert f'<a href="/courses/{basics.slug}/">Counting money</a>' in page


@pytest.mark.parametrize(
    ("prerequisites", "message"),
    [
        ("no-such-course", "There is no course at /courses/no-such-course/."),
        ("https://example.test/x", "is not a web address name"),
    ],
)
def test_an_unknown_prerequisite_is_shown_beside_its_field_and_nothing_changes(
    as_instructor: Client, course: BuiltCourse, prerequisites: str, message: str
) -> None:
    response = as_instructor.post(f"/teach/{course.id}/details/", _details(course, prerequisites=prerequisites))

    assert response.status_code == 422
    assert message in response.content.decode()
    assert Course.objects.get(pk=course.id).prerequisites.count() == 0


def test_a_prerequisite_cycle_is_refused_beside_the_field(
    as_instructor: Client, instructor: User, course: BuiltCourse
) -> None:
    later = build_course(instructor, title="Investing", prerequisite_ids=[course.id])

    response = as_instructor.post(f"/teach/{course.id}/details/", _details(course, prerequisites=later.slug))

    assert response.status_code == 422
    page = response.content.decode()
    assert "A course cannot depend on itself, directly or through other courses." in page
    form = response.context["form"]
    assert form.errors["prerequisites"] == ["A course cannot depend on itself, directly or through other courses."]
    assert Course.objects.get(pk=course.id).prerequisites.count() == 0


def test_an_archived_course_stays_readable_to_its_learners_only(
    client: Client, instructor: User, learner: User, stranger: User, course: BuiltCourse
) -> None:
    education.enrollment_create(course_id=course.id, user_id=learner.id)
    education.lesson_complete(lesson_id=course.lesson_ids[0], user_id=learner.id)
    education.course_archive(course_id=course.id, user_id=instructor.id)

    client.force_login(learner)
    page = client.get(f"/courses/{course.slug}/").content.decode()
    assert "Archived" in page
    assert "Continue learning" in page
    assert client.get(f"/learn/{course.lesson_ids[1]}/").status_code == 200
    assert client.get(f"/my/grades/{course.id}/").status_code == 200
    dashboard = client.get("/my/").content.decode()
    assert course.detail.course.title in dashboard

    client.force_login(stranger)
    assert client.get(f"/courses/{course.slug}/").status_code == 404
    assert client.get(f"/learn/{course.lesson_ids[1]}/").status_code == 404
    enrolments = Enrollment.objects.count()
    assert client.post(f"/courses/{course.slug}/enrol/").status_code == 404
    assert Enrollment.objects.count() == enrolments
    client.logout()
    assert course.detail.course.title not in client.get("/courses/").content.decode()


def test_an_attempt_beyond_the_limit_is_refused_with_the_reason_and_nothing_is_written(
    client: Client, instructor: User, learner: User, course: BuiltCourse
) -> None:
    question = education.question_create(
        course_id=course.id, user_id=instructor.id, kind="true_false", prompt="True?", definition={"correct": True}
    )
    quiz = education.assessment_create(
        course_id=course.id, user_id=instructor.id, title="Once only", question_ids=[question.id], max_attempts=1
    )
    education.enrollment_create(course_id=course.id, user_id=learner.id)
    attempt = education.attempt_start(assessment_id=quiz.id, user_id=learner.id)
    education.attempt_submit(attempt_id=attempt.id, user_id=learner.id, answers={str(question.id): False})
    client.force_login(learner)

    response = client.post(f"/quiz/{course.id}/{quiz.id}/start/", follow=True)

    assert response.status_code == 200
    assert Attempt.objects.filter(assessment_id=quiz.id).count() == 1
    assert "You have used every attempt this assessment allows." in response.content.decode()


def test_co_instructors_are_added_by_email_and_may_then_edit(
    as_instructor: Client, client: Client, course: BuiltCourse
) -> None:
    co_teacher = UserFactory(email="naledi@example.test", display_name="Naledi")
    accounts.platform_role_grant(user_id=co_teacher.id, role="instructor")
    form = as_instructor.get(f"/teach/{course.id}/details/").content.decode()
    assert "\nlerato@example.test</textarea>" in form

    response = as_instructor.post(
        f"/teach/{course.id}/details/", _details(course, instructors="lerato@example.test\nNaledi@Example.test")
    )

    assert response.status_code == 302
    names = [
        person.display_name for person in education.course_detail(slug=course.slug, viewer_id=None).course.instructors
    ]
    assert names == ["Lerato Mokoena", "Naledi"]
    client.force_login(co_teacher)
    assert client.get(f"/teach/{course.id}/").status_code == 200


@pytest.mark.parametrize(
    ("instructors", "message"),
    [
        ("", "This field is required."),
        ("nobody@example.test", "Nobody has an Azora account with the address nobody@example.test."),
        ("lerato@example.test\nthandi@example.test", "thandi@example.test does not hold the instructor role."),
        ("not an email", "is not an email address."),
    ],
)
def test_bad_instructors_are_shown_beside_the_field_and_nothing_changes(
    as_instructor: Client, learner: User, course: BuiltCourse, instructors: str, message: str
) -> None:
    response = as_instructor.post(f"/teach/{course.id}/details/", _details(course, instructors=instructors))

    assert response.status_code == 422
    assert message in response.context["form"].errors["instructors"][0]
    assert list(CourseInstructor.objects.filter(course_id=course.id).values_list("user__email", flat=True)) == [
        "lerato@example.test"
    ]
