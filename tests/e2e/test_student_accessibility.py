"""The Student Portal in a real browser: axe-core (WCAG 2.2 AA) on every page, light and dark, desktop and phone,
and the weight of every page (all bytes transferred for a first visit) under 500 KB."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Request, expect
from pytest_django.live_server_helper import LiveServer

import azora.accounts.public as accounts
import azora.education.public as education
from azora.accounts.models import User
from azora.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from azora.education.models import Course
from azora.education.tests.certificate_factories import issued_certificate
from azora.portals.student.tests.conftest import BuiltCourse, build_course
from tests.e2e.conftest import DESKTOP, PHONE, SHOTS, Screenshot, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_BUDGET_BYTES = 500 * 1024
# A 1 x 1 PNG: the course's cover on the catalogue and course pages.
COVER_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def sign_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email:", exact=True).fill(email)
    page.get_by_label("Password:", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


class World:
    """A published course with an enrolled learner who holds a certificate, and its instructor."""

    def __init__(self) -> None:
        self.instructor: User = UserFactory(email="lerato@example.test", display_name="Lerato Mokoena")
        accounts.platform_role_grant(user_id=self.instructor.id, role="instructor")
        self.learner: User = UserFactory(email="thandi@example.test", display_name="Thandi")
        self.course: BuiltCourse = build_course(self.instructor)
        education.enrollment_create(course_id=self.course.detail.id, user_id=self.learner.id)
        self.certificate_id = issued_certificate(user=self.learner, course__title="Saving for a goal").id
        course_id, owner = self.course.detail.id, self.instructor.id
        questions = [
            education.question_create(
                course_id=course_id,
                user_id=owner,
                kind="single_choice",
                prompt="What comes first in a budget?",
                definition={"options": [{"id": "a", "text": "Needs"}, {"id": "b", "text": "Wants"}], "correct": "a"},
            ),
            education.question_create(
                course_id=course_id,
                user_id=owner,
                kind="multiple_choice",
                prompt="Which are needs?",
                definition={
                    "options": [
                        {"id": "a", "text": "Rent"},
                        {"id": "b", "text": "Food"},
                        {"id": "c", "text": "Cinema"},
                    ],
                    "correct": ["a", "b"],
                },
            ),
            education.question_create(
                course_id=course_id,
                user_id=owner,
                kind="true_false",
                prompt="Saving first is a good habit.",
                definition={"correct": True},
            ),
            education.question_create(
                course_id=course_id,
                user_id=owner,
                kind="numeric",
                prompt="How much is 10% of 500?",
                definition={"value": "50", "tolerance": "0"},
            ),
            education.question_create(
                course_id=course_id,
                user_id=owner,
                kind="short_text",
                prompt="Name one need.",
                definition={"accepted": ["rent", "food"], "match": "casefold"},
            ),
            education.question_create(
                course_id=course_id,
                user_id=owner,
                kind="ordering",
                prompt="Put the steps in order.",
                definition={
                    "items": [{"id": "a", "text": "Earn"}, {"id": "b", "text": "Save"}, {"id": "c", "text": "Invest"}],
                    "rule": "position",
                },
            ),
            education.question_create(
                course_id=course_id,
                user_id=owner,
                kind="free_text",
                prompt="Explain your budget.",
                definition={"rubric": [{"id": "c1", "points": "2", "description": "Names needs and wants"}]},
            ),
        ]
        self.assessment = education.assessment_create(
            course_id=course_id,
            user_id=owner,
            title="Budget check",
            question_ids=[q.id for q in questions],
            time_limit_seconds=1800,
        )
        self.open_attempt = education.attempt_start(assessment_id=self.assessment.id, user_id=self.learner.id)
        short = education.assessment_create(
            course_id=course_id, user_id=owner, title="Quick check", question_ids=[questions[0].id, questions[6].id]
        )
        closed = education.attempt_start(assessment_id=short.id, user_id=self.learner.id)
        self.closed_attempt = education.attempt_submit(
            attempt_id=closed.id,
            user_id=self.learner.id,
            answers={str(questions[0].id): "b", str(questions[6].id): "Rent and food first."},
        )
        self.question_id = questions[1].id
        # A cover, a downloadable file and an earlier version, so that the pages show them.
        education.course_cover_set(course_id=course_id, user_id=owner, filename="cover.png", content=COVER_PNG)
        first_lesson = self.course.lesson_ids[0]
        education.lesson_attachment_add(
            lesson_id=first_lesson, user_id=owner, filename="worksheet.csv", content=b"item,amount\nrent,4500\n"
        )
        education.lesson_update(lesson_id=first_lesson, user_id=owner, title="Needs and wants, revised")
        # A graduate of this course with a certificate the instructor may revoke, and an override in the audit.
        graduate = UserFactory(email="naledi@example.test", display_name="Naledi")
        self.course_certificate_id = issued_certificate(user=graduate, course=Course.objects.get(pk=course_id)).id
        education.grade_override(
            course_id=course_id, user_id=self.learner.id, by_user_id=owner, percent="65", reason="Oral follow-up"
        )

    def learner_pages(self) -> list[str]:
        lesson = self.course.lesson_ids[0]
        return [
            "/courses/",
            "/courses/?q=money&level=beginner",
            f"/courses/{self.course.slug}/",
            f"/learn/{lesson}/",
            f"/quiz/{self.course.detail.id}/{self.assessment.id}/",
            f"/quiz/attempts/{self.open_attempt.id}/",
            f"/quiz/attempts/{self.closed_attempt.id}/",
            "/my/",
            f"/my/grades/{self.course.detail.id}/",
            "/my/certificates/",
            f"/my/certificates/{self.certificate_id}/",
        ]

    def visitor_pages(self) -> list[str]:
        return ["/courses/", f"/courses/{self.course.slug}/", f"/verify/{self.certificate_id}/"]

    def instructor_pages(self) -> list[str]:
        course_id = self.course.detail.id
        module_id = self.course.detail.modules[0].id
        return [
            "/teach/",
            "/teach/new/",
            f"/teach/{course_id}/",
            f"/teach/{course_id}/details/",
            f"/teach/{course_id}/modules/{module_id}/",
            f"/teach/{course_id}/modules/{module_id}/lessons/new/",
            f"/teach/{course_id}/lessons/{self.course.lesson_ids[0]}/",
            f"/teach/{course_id}/questions/",
            f"/teach/{course_id}/questions/new/?kind=single_choice",
            f"/teach/{course_id}/questions/new/?kind=free_text",
            f"/teach/{course_id}/assessments/new/",
            f"/teach/{course_id}/assessments/{self.assessment.id}/",
            f"/teach/{course_id}/grading/",
            f"/teach/{course_id}/questions/{self.question_id}/",
            f"/teach/{course_id}/cover/",
            f"/teach/{course_id}/grades/",
            f"/teach/{course_id}/grades/{self.learner.id}/",
            f"/teach/{course_id}/certificates/",
            f"/teach/{course_id}/certificates/{self.course_certificate_id}/revoke/",
        ]


@pytest.fixture
def world() -> World:
    return World()


def _check(page: Page, path: str) -> list[str]:
    problems = []
    for size_name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        for scheme in ("light", "dark"):
            page.set_viewport_size(size)
            page.emulate_media(color_scheme=scheme)
            response = page.goto(path)
            assert response is not None
            if response.status >= 400:
                return [f"{path}: HTTP {response.status}"]
            problems += [f"{path} {size_name} {scheme}: {violation}" for violation in axe_violations(page)]
    return problems


def _shot_name(path: str) -> str:
    """ "/quiz/attempts/<id>/" → "student-quiz-attempts"; a query's kind is kept ("…-new-free_text")."""
    address, _, query = path.partition("?")
    parts = [part for part in address.strip("/").split("/") if part and len(part) < 30]
    if query.startswith("kind="):
        parts.append(query.removeprefix("kind="))
    return "student-" + ("-".join(parts) or "home")


def test_pages_for_visitors_meet_wcag_2_2_aa(page: Page, world: World, screenshot: Screenshot) -> None:
    problems = []
    for path in world.visitor_pages():
        problems += _check(page, path)
    screenshot(page, "student-verify")
    assert problems == []
    assert page.console_errors == []  # type: ignore[attr-defined]  # set by the page fixture


def test_pages_for_learners_meet_wcag_2_2_aa(page: Page, world: World, screenshot: Screenshot) -> None:
    sign_in(page, world.learner.email)
    problems = []
    for index, path in enumerate(world.learner_pages()):
        problems += _check(page, path)
        screenshot(page, f"{_shot_name(path)}-{index}")
    assert problems == []
    assert page.console_errors == []  # type: ignore[attr-defined]  # set by the page fixture


def test_pages_for_instructors_meet_wcag_2_2_aa(page: Page, world: World, screenshot: Screenshot) -> None:
    sign_in(page, world.instructor.email)
    problems = []
    for index, path in enumerate(world.instructor_pages()):
        problems += _check(page, path)
        screenshot(page, f"{_shot_name(path)}-{index}")
    assert problems == []
    assert page.console_errors == []  # type: ignore[attr-defined]  # set by the page fixture


@pytest.fixture
def cold_page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A page whose browser keeps no HTTP cache, so that every visit counts every byte."""
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, service_workers="block")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def _transferred(page: Page, path: str) -> int:
    """Bytes on the wire (headers and bodies of the document and everything it loads) for one visit."""
    requests: list[Request] = []

    def finished(request: Request) -> None:
        requests.append(request)

    page.on("requestfinished", finished)
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.setCacheDisabled", {"cacheDisabled": True})
    page.goto(path, wait_until="networkidle")
    page.remove_listener("requestfinished", finished)
    session.detach()
    total = 0
    for request in requests:
        sizes = request.sizes()
        total += sizes["requestHeadersSize"] + sizes["responseHeadersSize"] + sizes["responseBodySize"]
    return total


def test_every_page_weighs_less_than_500_kb(cold_page: Page, world: World) -> None:
    weights = {path: _transferred(cold_page, path) for path in world.visitor_pages()}
    sign_in(cold_page, world.learner.email)
    weights |= {path: _transferred(cold_page, path) for path in world.learner_pages()}
    cold_page.goto("/accounts/logout/")
    cold_page.get_by_role("button", name="Sign Out", exact=True).click()
    sign_in(cold_page, world.instructor.email)
    weights |= {path: _transferred(cold_page, path) for path in world.instructor_pages()}

    too_heavy = {path: weight for path, weight in weights.items() if weight >= PAGE_BUDGET_BYTES}
    assert too_heavy == {}
    (SHOTS / "student-page-weights.json").write_text(json.dumps(weights, indent=2))
    assert all(weight > 10_000 for weight in weights.values()), weights  # the measurement saw the page load
