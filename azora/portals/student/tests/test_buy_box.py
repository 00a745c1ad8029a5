"""A paid course's page: its price and "Buy for R200" (to the Pay UI's review page) for a learner who does not own
it, "Sign in to buy" for a visitor, and the learner's progress instead once the course is theirs."""

from __future__ import annotations

import pytest
from django.test import Client

import azora.education.public as education
from azora.accounts.models import User
from azora.education.models import Course
from azora.portals.student.tests.conftest import BuiltCourse
from azora.revenue.tests.checkout.factories import instructor_on, paid_course
from azora.revenue.tests.pricing.factories import plan_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def sold(db: None) -> Course:
    plan_catalogue()
    teacher = instructor_on("pro", email="teacher@example.test")
    course, _lessons = paid_course(instructor=teacher, minor=20_000)
    return course


def test_a_learner_sees_the_price_and_a_buy_button(as_learner: Client, sold: Course) -> None:
    html = as_learner.get(f"/courses/{sold.slug}/").content.decode()

    assert '<p class="course-price">R200</p>' in html
    assert f'<a class="button" href="/pay/buy/course/{sold.id}/?currency=ZAR">Buy for R200</a>' in html
    assert "Enrol for free" not in html
    assert "style=" not in html


def test_a_visitor_is_asked_to_sign_in_to_buy(client: Client, sold: Course) -> None:
    html = client.get(f"/courses/{sold.slug}/").content.decode()

    assert f'href="/accounts/login/?next=/courses/{sold.slug}/">Sign in to buy for R200</a>' in html


def test_a_learner_who_owns_the_course_sees_their_progress(as_learner: Client, learner: User, sold: Course) -> None:
    education.enrollment_create(course_id=sold.id, user_id=learner.id, source="purchase")

    html = as_learner.get(f"/courses/{sold.slug}/").content.decode()

    assert "Buy for" not in html
    assert "Your progress" in html


def test_a_free_course_keeps_its_enrol_button(as_learner: Client, course: BuiltCourse) -> None:
    html = as_learner.get(f"/courses/{course.slug}/").content.decode()

    assert "Enrol for free" in html
    assert "Buy for" not in html
