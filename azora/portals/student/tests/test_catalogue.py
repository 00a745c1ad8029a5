"""The catalogue, a course's page and self-enrolment."""

from __future__ import annotations

import re

import pytest
from django.test import Client

import azora.education.public as education
from azora.accounts.models import User
from azora.portals.shell.tests.helpers import HTMX, is_fragment
from azora.portals.student.tests.conftest import BuiltCourse, build_course

pytestmark = pytest.mark.django_db


def _titles(html: str) -> list[str]:
    return re.findall(r'<h3 id="course-[^"]+"><a href="/courses/[^"]+/">([^<]+)</a></h3>', html)


def test_visitors_see_published_courses_only(client: Client, instructor: User, course: BuiltCourse) -> None:
    build_course(instructor, title="Draft course", publish=False)

    response = client.get("/courses/")

    assert response.status_code == 200
    html = response.content.decode()
    assert _titles(html) == ["Money basics"]
    assert "1 course found." in html
    assert "style=" not in html


def test_search_and_filters_narrow_the_results(client: Client, instructor: User, course: BuiltCourse) -> None:
    education.category_ensure(slug="programming", name="Programming")
    python = build_course(instructor, title="Python basics", category="programming")

    assert _titles(client.get("/courses/?category=programming").content.decode()) == ["Python basics"]
    assert _titles(client.get("/courses/?category=finance").content.decode()) == ["Money basics"]
    assert _titles(client.get("/courses/?q=python").content.decode()) == ["Python basics"]
    assert _titles(client.get("/courses/?level=expert").content.decode()) == []
    assert sorted(_titles(client.get("/courses/?sort=newest").content.decode())) == ["Money basics", "Python basics"]
    assert python.slug in client.get("/courses/?price=free").content.decode()


def test_an_htmx_search_answers_with_the_results_only(client: Client, course: BuiltCourse) -> None:
    response = client.get("/courses/?q=money", headers=HTMX)

    assert response.status_code == 200
    assert is_fragment(response.content)
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="results"')
    assert _titles(html) == ["Money basics"]
    assert response["Vary"].count("HX-Request") == 1


def test_bad_filters_are_shown_beside_the_form(client: Client, course: BuiltCourse) -> None:
    response = client.get("/courses/?level=wizard&sort=random")

    assert response.status_code == 422
    html = response.content.decode()
    assert "Select a valid choice. wizard is not one of the available choices." in html
    assert "Please correct the search above." in html


def test_the_course_page_shows_the_outline_instructors_and_an_enrol_button(
    as_learner: Client, course: BuiltCourse
) -> None:
    html = as_learner.get(f"/courses/{course.slug}/").content.decode()

    assert "<h1>Money basics</h1>" in html
    assert re.findall(r"<h3>([^<]+)</h3>", html) == ["Budgeting", "Growing money"]
    assert "Lerato Mokoena" in html
    assert f'action="/courses/{course.slug}/enrol/"' in html
    assert "/learn/" not in html  # lessons open only after enrolment


def test_visitors_are_asked_to_sign_in_to_enrol(client: Client, course: BuiltCourse) -> None:
    html = client.get(f"/courses/{course.slug}/").content.decode()

    assert f'href="/accounts/login/?next=/courses/{course.slug}/"' in html
    assert "/enrol/" not in html


def test_a_draft_course_is_not_found_for_learners(as_learner: Client, instructor: User) -> None:
    draft = build_course(instructor, title="Secret draft", publish=False)

    assert as_learner.get(f"/courses/{draft.slug}/").status_code == 404
    assert as_learner.post(f"/courses/{draft.slug}/enrol/").status_code == 404


def test_enrolling_leads_to_the_first_lesson(as_learner: Client, learner: User, course: BuiltCourse) -> None:
    response = as_learner.post(f"/courses/{course.slug}/enrol/")

    assert response.status_code == 302
    assert response["Location"] == f"/learn/{course.lesson_ids[0]}/"
    assert education.is_enrolled(user_id=learner.id, course_id=course.detail.id)
    # Enrolling again changes nothing and goes to the same place.
    again = as_learner.post(f"/courses/{course.slug}/enrol/")
    assert again["Location"] == f"/learn/{course.lesson_ids[0]}/"
    assert len(education.enrollments_of(user_id=learner.id).items) == 1


def test_enrolling_in_a_paid_course_is_refused_and_writes_nothing(
    as_learner: Client, learner: User, instructor: User
) -> None:
    paid = build_course(instructor, title="Paid course", is_paid=True)

    response = as_learner.post(f"/courses/{paid.slug}/enrol/")

    assert response.status_code == 409
    assert "enrolled through a purchase" in response.content.decode()
    assert education.enrollments_of(user_id=learner.id).items == []


def test_enrolling_needs_a_signed_in_person(client: Client, course: BuiltCourse) -> None:
    response = client.post(f"/courses/{course.slug}/enrol/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
