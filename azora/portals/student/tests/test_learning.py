"""The lesson reader (sanitised HTML, prev/next, mark complete, resume) and the progress dashboard."""

from __future__ import annotations

import re

import pytest
from django.test import Client

import azora.education.public as education
from azora.accounts.models import User
from azora.portals.shell.tests.helpers import HTMX, is_fragment
from azora.portals.student.tests.conftest import BuiltCourse

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolled(as_learner: Client, learner: User, course: BuiltCourse) -> Client:
    education.enrollment_create(course_id=course.detail.id, user_id=learner.id)
    return as_learner


def test_a_lesson_shows_sanitised_html_and_links_to_the_next_lesson(enrolled: Client, course: BuiltCourse) -> None:
    first, second, _third = course.lesson_ids

    response = enrolled.get(f"/learn/{first}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 id="lesson-title">Needs and wants</h1>' in html
    assert "<strong>budget</strong>" in html
    prose = html.split('<div class="prose">')[1].split("</div>")[0]
    assert "<script" not in prose
    assert "alert(1)" not in prose
    assert f'href="/learn/{second}/" rel="next"' in html
    assert 'rel="prev"' not in html
    assert f'action="/learn/{first}/complete/"' in html
    assert "About 5 min to read." in html
    assert "style=" not in html


def test_marking_complete_goes_on_to_the_next_lesson_and_moves_the_resume_point(
    enrolled: Client, learner: User, course: BuiltCourse
) -> None:
    first, second, _third = course.lesson_ids

    response = enrolled.post(f"/learn/{first}/complete/")

    assert response.status_code == 302
    assert response["Location"] == f"/learn/{second}/"
    enrollment = education.enrollments_of(user_id=learner.id).items[0]
    assert (enrollment.progress.completed_lessons, enrollment.resume_lesson_id) == (1, second)
    html = enrolled.get(f"/learn/{first}/").content.decode()
    assert "You completed this lesson." in html
    assert f'action="/learn/{first}/complete/"' not in html


def test_marking_complete_under_htmx_redraws_the_box_only(enrolled: Client, course: BuiltCourse) -> None:
    response = enrolled.post(f"/learn/{course.lesson_ids[0]}/complete/", headers=HTMX)

    assert response.status_code == 200
    assert is_fragment(response.content)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="lesson-completion"')
    assert "Lesson marked as complete." in html
    assert 'value="33"' in html  # 1 of 3 required lessons


def test_lessons_are_not_found_for_people_who_are_not_enrolled(
    client: Client, stranger: User, course: BuiltCourse
) -> None:
    client.force_login(stranger)
    lesson_id = course.lesson_ids[0]

    assert client.get(f"/learn/{lesson_id}/").status_code == 404
    assert client.post(f"/learn/{lesson_id}/complete/").status_code == 404


def test_lessons_need_a_signed_in_person(client: Client, course: BuiltCourse) -> None:
    response = client.get(f"/learn/{course.lesson_ids[0]}/")

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/learn/{course.lesson_ids[0]}/"


def test_the_dashboard_shows_progress_and_where_to_resume(enrolled: Client, course: BuiltCourse) -> None:
    enrolled.post(f"/learn/{course.lesson_ids[0]}/complete/")

    html = enrolled.get("/my/").content.decode()

    assert re.search(r'<h3 id="enrollment-[0-9a-f-]+">Money basics</h3>', html)
    assert re.search(r'<progress id="progress-[0-9a-f-]+" max="100" value="33">', html)
    assert f'href="/learn/{course.lesson_ids[1]}/">Resume' in html
    assert "1 of 3 lessons done." in html


def test_an_empty_dashboard_points_to_the_catalogue(as_learner: Client) -> None:
    html = as_learner.get("/my/").content.decode()

    assert "You are not taking a course right now." in html
    assert 'href="/courses/"' in html
