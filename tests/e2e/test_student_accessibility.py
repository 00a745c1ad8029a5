"""The Student Portal in a real browser: axe-core (WCAG 2.2 AA) on every page, light and dark, desktop and phone,
and the weight of every page (all bytes transferred for a first visit) under 500 KB."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Request, expect
from pytest_django.live_server_helper import LiveServer

import azora.accounts.public as accounts
import azora.education.public as education
from azora.accounts.models import User
from azora.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from azora.education.tests.certificate_factories import issued_certificate
from azora.portals.student.tests.conftest import BuiltCourse, build_course
from tests.e2e.conftest import DESKTOP, PHONE, Screenshot, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_BUDGET_BYTES = 500 * 1024


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

    def learner_pages(self) -> list[str]:
        lesson = self.course.lesson_ids[0]
        return [
            "/courses/",
            "/courses/?q=money&level=beginner",
            f"/courses/{self.course.slug}/",
            f"/learn/{lesson}/",
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
    parts = [part for part in path.split("?")[0].strip("/").split("/") if part and len(part) < 30]
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
    for path in world.learner_pages():
        problems += _check(page, path)
        screenshot(page, _shot_name(path))
    assert problems == []
    assert page.console_errors == []  # type: ignore[attr-defined]  # set by the page fixture


def test_pages_for_instructors_meet_wcag_2_2_aa(page: Page, world: World, screenshot: Screenshot) -> None:
    sign_in(page, world.instructor.email)
    problems = []
    for path in world.instructor_pages():
        problems += _check(page, path)
        screenshot(page, _shot_name(path) + "-teach")
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
    page.on("requestfinished", requests.append)
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.setCacheDisabled", {"cacheDisabled": True})
    page.goto(path, wait_until="networkidle")
    page.remove_listener("requestfinished", requests.append)
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
    cold_page.get_by_role("button", name="Sign Out").click()
    sign_in(cold_page, world.instructor.email)
    weights |= {path: _transferred(cold_page, path) for path in world.instructor_pages()}

    too_heavy = {path: weight for path, weight in weights.items() if weight >= PAGE_BUDGET_BYTES}
    assert too_heavy == {}
    assert all(weight > 10_000 for weight in weights.values()), weights  # the measurement saw the page load
