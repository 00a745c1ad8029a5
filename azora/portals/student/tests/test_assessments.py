"""Quizzes and grades: start, save, submit, the result, the timer, auto-submission; other learners get 404."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

import azora.education.public as education
from azora.accounts.models import User
from azora.education.models import Attempt
from azora.portals.shell.tests.helpers import HTMX, is_fragment
from azora.portals.student.tests.conftest import BuiltCourse

pytestmark = pytest.mark.django_db


class Quiz:
    """An assessment of three questions: single choice, true/false and numeric (1 point each)."""

    def __init__(self, course: BuiltCourse, instructor: User, *, time_limit_seconds: int | None = None) -> None:
        owner = instructor.id
        course_id = course.detail.id
        self.choice = education.question_create(
            course_id=course_id,
            user_id=owner,
            kind="single_choice",
            prompt="What comes first in a budget?",
            definition={"options": [{"id": "a", "text": "Needs"}, {"id": "b", "text": "Wants"}], "correct": "a"},
        )
        self.truth = education.question_create(
            course_id=course_id,
            user_id=owner,
            kind="true_false",
            prompt="Saving first is a good habit.",
            definition={"correct": True},
        )
        self.number = education.question_create(
            course_id=course_id,
            user_id=owner,
            kind="numeric",
            prompt="10% of 500?",
            definition={"value": "50", "tolerance": "0"},
        )
        self.assessment = education.assessment_create(
            course_id=course_id,
            user_id=owner,
            title="Budget check",
            is_required=True,
            question_ids=[self.choice.id, self.truth.id, self.number.id],
            time_limit_seconds=time_limit_seconds,
        )
        self.course_id = course_id

    @property
    def path(self) -> str:
        return f"/quiz/{self.course_id}/{self.assessment.id}/"

    def answers(self, *, choice: str = "a", truth: str = "true", number: str = "50") -> dict[str, str]:
        return {f"q-{self.choice.id}": choice, f"q-{self.truth.id}": truth, f"q-{self.number.id}": number}


@pytest.fixture
def enrolled(as_learner: Client, learner: User, course: BuiltCourse) -> Client:
    education.enrollment_create(course_id=course.detail.id, user_id=learner.id)
    return as_learner


@pytest.fixture
def quiz(course: BuiltCourse, instructor: User) -> Quiz:
    return Quiz(course, instructor)


def _start(client: Client, quiz: Quiz) -> str:
    response = client.post(f"{quiz.path}start/")
    assert response.status_code == 302
    return str(response["Location"])


def test_the_course_page_lists_the_assessment_for_enrolled_learners(
    enrolled: Client, course: BuiltCourse, quiz: Quiz
) -> None:
    html = enrolled.get(f"/courses/{course.slug}/").content.decode()

    assert f'href="{quiz.path}"' in html
    assert "Budget check" in html


def test_the_assessment_page_states_the_rules_and_starts_an_attempt(enrolled: Client, quiz: Quiz) -> None:
    html = enrolled.get(quiz.path).content.decode()
    assert "<dt>Questions</dt><dd>3</dd>" in html
    assert "<dt>To pass</dt><dd>70%</dd>" in html

    attempt_path = _start(enrolled, quiz)

    assert re.fullmatch(r"/quiz/attempts/[0-9a-f-]{36}/", attempt_path)
    page = enrolled.get(attempt_path).content.decode()
    assert "What comes first in a budget?" in page
    assert f'name="q-{quiz.choice.id}" value="a"' in page
    assert "data-countdown" not in page  # no time limit, no timer
    assert '"correct"' not in page


def test_submitting_shows_the_result_question_by_question(enrolled: Client, learner: User, quiz: Quiz) -> None:
    attempt_path = _start(enrolled, quiz)

    response = enrolled.post(f"{attempt_path}submit/", quiz.answers(number="40"))

    assert response.status_code == 302
    assert response["Location"] == attempt_path
    html = enrolled.get(attempt_path).content.decode()
    assert '<p class="score">66.67%</p>' in html
    assert "2 of 3 points; 70% is needed to pass." in html
    assert '<span class="result-failed">Not passed.</span>' in html
    assert "<strong>Your answer:</strong> Needs" in html
    assert "<strong>Right answer:</strong> 50" in html
    attempt = education.attempts_of(assessment_id=quiz.assessment.id, user_id=learner.id)[0]
    assert (attempt.status, str(attempt.score_percent)) == ("closed", "66.67")


def test_a_timed_quiz_shows_the_server_deadline_and_its_countdown(
    enrolled: Client, course: BuiltCourse, instructor: User
) -> None:
    timed = Quiz(course, instructor, time_limit_seconds=600)

    html = enrolled.get(_start(enrolled, timed)).content.decode()

    assert re.search(r'data-countdown data-remaining="(599|600)" data-form="quiz-form"', html)
    assert re.search(r"<strong data-time-left>(9:59|10:00)</strong>", html)
    assert '<script src="/static/student/countdown.js" defer></script>' in html


def test_an_expired_attempt_is_submitted_automatically_with_the_saved_answers(
    enrolled: Client, course: BuiltCourse, instructor: User
) -> None:
    timed = Quiz(course, instructor, time_limit_seconds=60)
    attempt_path = _start(enrolled, timed)
    enrolled.post(f"{attempt_path}save/", timed.answers())

    # The clock runs out (moving the deadline stands in for waiting a minute).
    Attempt.objects.filter(pk=attempt_path.split("/")[-2]).update(deadline=timezone.now() - timedelta(seconds=1))
    response = enrolled.post(f"{attempt_path}submit/", {**timed.answers(choice="b"), "time_expired": "1"}, follow=True)

    html = response.content.decode()
    assert "The time ran out, so your saved answers were submitted automatically." in html
    assert '<p class="score">100%</p>' in html  # the answers saved before the deadline, not the late change


def test_saving_under_htmx_answers_with_the_status_only(enrolled: Client, learner: User, quiz: Quiz) -> None:
    attempt_path = _start(enrolled, quiz)

    response = enrolled.post(f"{attempt_path}save/", {f"q-{quiz.choice.id}": "a"}, headers=HTMX)

    assert response.status_code == 200
    assert is_fragment(response.content)
    assert re.fullmatch(
        r'<p id="save-status" role="status" class="muted">Answers saved at [0-9:]{8} UTC\.</p>',
        response.content.decode().strip(),
    )
    html = enrolled.get(attempt_path).content.decode()
    assert 'value="a" checked' in html


def test_an_answer_of_the_wrong_type_re_renders_with_the_error_and_saves_nothing(
    enrolled: Client, learner: User, quiz: Quiz
) -> None:
    attempt_path = _start(enrolled, quiz)

    response = enrolled.post(f"{attempt_path}submit/", quiz.answers(choice="zzz", number="fifty"))

    assert response.status_code == 422
    html = response.content.decode()
    assert "Some answers need another look" in html
    attempt = education.attempts_of(assessment_id=quiz.assessment.id, user_id=learner.id)[0]
    assert attempt.status == "open"
    assert all(question.answer is None for question in attempt.questions)


def test_another_learners_attempt_is_not_found(
    enrolled: Client, client: Client, stranger: User, course: BuiltCourse, quiz: Quiz
) -> None:
    attempt_path = _start(enrolled, quiz)
    other = Client()
    other.force_login(stranger)
    education.enrollment_create(course_id=course.detail.id, user_id=stranger.id)

    assert other.get(attempt_path).status_code == 404
    assert other.post(f"{attempt_path}save/", quiz.answers()).status_code == 404
    assert other.post(f"{attempt_path}submit/", quiz.answers()).status_code == 404


def test_the_grade_page_explains_the_grade(enrolled: Client, learner: User, course: BuiltCourse, quiz: Quiz) -> None:
    enrolled.post(f"{_start(enrolled, quiz)}submit/", quiz.answers())

    response = enrolled.get(f"/my/grades/{course.detail.id}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<p class="score">100%</p>' in html
    assert "Why is my grade 100%?" in html
    assert "Budget check" in html
    assert '<span class="badge">Counted</span>' in html


def test_another_learners_grade_is_not_found(client: Client, stranger: User, course: BuiltCourse) -> None:
    client.force_login(stranger)

    assert client.get(f"/my/grades/{course.detail.id}/").status_code == 404
