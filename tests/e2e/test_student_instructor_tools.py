"""The instructor's tools in a real browser: a grade override with a reason that the learner then reads, a
certificate revoked with a reason that the public verify page then reports, a cover image and a lesson file
uploaded and seen (and downloaded) by a learner; axe-core on each new page as it is used."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

import azora.accounts.public as accounts
import azora.education.public as education
from azora.accounts.models import User
from azora.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from azora.education.models import Course
from azora.education.tests.certificate_factories import issued_certificate
from azora.portals.student.tests.conftest import BuiltCourse, build_course
from tests.e2e.conftest import DESKTOP, Screenshot, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def sign_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email:", exact=True).fill(email)
    page.get_by_label("Password:", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def new_page(browser: Browser, live_server: LiveServer) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    context.set_default_timeout(10_000)
    return context, context.new_page()


@pytest.fixture
def instructor() -> User:
    user = UserFactory(email="lerato@example.test", display_name="Lerato Mokoena")
    accounts.platform_role_grant(user_id=user.id, role="instructor")
    return user


@pytest.fixture
def learner() -> User:
    return UserFactory(email="thandi@example.test", display_name="Thandi Dlamini")


@pytest.fixture
def course(instructor: User) -> BuiltCourse:
    return build_course(instructor, title="Budgeting for beginners")


def _half_marks(course_id: uuid.UUID, instructor: User, learner: User) -> None:
    """The learner enrolled and answered one of two quiz questions right: a computed grade of 50%."""
    education.enrollment_create(course_id=course_id, user_id=learner.id)
    questions = [
        education.question_create(
            course_id=course_id,
            user_id=instructor.id,
            kind="true_false",
            prompt=f"Claim {n}",
            definition={"correct": True},
        )
        for n in (1, 2)
    ]
    quiz = education.assessment_create(
        course_id=course_id, user_id=instructor.id, title="Budget quiz", question_ids=[q.id for q in questions]
    )
    attempt = education.attempt_start(assessment_id=quiz.id, user_id=learner.id)
    education.attempt_submit(
        attempt_id=attempt.id, user_id=learner.id, answers={str(questions[0].id): True, str(questions[1].id): False}
    )


def test_an_instructor_overrides_a_grade_and_the_learner_sees_it_with_the_reason(
    browser: Browser,
    live_server: LiveServer,
    instructor: User,
    learner: User,
    course: BuiltCourse,
    screenshot: Screenshot,
) -> None:
    _half_marks(course.id, instructor, learner)
    teaching, teacher = new_page(browser, live_server)
    learning, student = new_page(browser, live_server)
    try:
        sign_in(teacher, instructor.email)
        teacher.goto("/teach/")
        teacher.get_by_role("link", name="Budgeting for beginners", exact=True).click()
        teacher.get_by_role("link", name="Grades and overrides").click()
        expect(teacher.get_by_role("heading", level=1)).to_have_text("Grades")
        assert axe_violations(teacher) == []
        teacher.get_by_role("link", name="Thandi Dlamini").click()
        expect(teacher.get_by_role("heading", level=2, name="Why the computed grade is 50%")).to_be_visible()

        # A reason is required: without one, the form says so and nothing is written.
        teacher.get_by_label("New course grade (%):", exact=True).fill("74")
        teacher.get_by_role("button", name="Set the grade").click()
        expect(teacher.locator(".errorlist")).to_contain_text("This field is required.")
        assert axe_violations(teacher) == []  # the form with its error
        assert education.grade_overrides_of(course_id=course.id, user_id=learner.id, viewer_id=instructor.id) == []

        teacher.get_by_label("Reason:", exact=True).fill("Oral exam made up for the second quiz question.")
        teacher.get_by_role("button", name="Set the grade").click()
        expect(teacher.get_by_role("status")).to_contain_text("The course grade is now 74%.")
        expect(teacher.locator(".score")).to_have_text("74%")
        history = teacher.get_by_role("table", name="Every override of this grade, newest first")
        expect(history).to_contain_text("Lerato Mokoena")
        expect(history).to_contain_text("Oral exam made up for the second quiz question.")
        teacher.get_by_role("button", name="Recompute this grade").click()
        expect(teacher.get_by_role("status")).to_contain_text("computed 50%; your override of 74% still counts.")
        assert axe_violations(teacher) == []
        screenshot(teacher, "student-teach-learner-grade")

        sign_in(student, learner.email)
        student.goto(f"/my/grades/{course.id}/")
        expect(student.locator(".score")).to_have_text("74%")
        expect(student.get_by_text("Your instructor set this grade to 74% (computed: 50%).")).to_contain_text(
            "Reason: Oral exam made up for the second quiz question."
        )
    finally:
        teaching.close()
        learning.close()


def test_an_instructor_revokes_a_certificate_and_the_verify_page_says_revoked(
    browser: Browser,
    live_server: LiveServer,
    instructor: User,
    learner: User,
    course: BuiltCourse,
    screenshot: Screenshot,
) -> None:
    certificate = issued_certificate(user=learner, course=Course.objects.get(pk=course.id))
    teaching, teacher = new_page(browser, live_server)
    visiting, visitor = new_page(browser, live_server)
    try:
        visitor.goto(f"/verify/{certificate.id}/")
        expect(visitor.get_by_role("heading", level=2, name="This certificate is valid.")).to_be_visible()

        sign_in(teacher, instructor.email)
        teacher.goto("/teach/")
        teacher.get_by_role("link", name="Budgeting for beginners", exact=True).click()
        teacher.get_by_role("link", name="Certificates issued").click()
        expect(teacher.get_by_role("heading", level=1)).to_have_text("Certificates issued")
        assert axe_violations(teacher) == []
        teacher.get_by_role("link", name=re.compile(r"^Revoke\W+Thandi Dlamini$")).click()
        assert axe_violations(teacher) == []
        teacher.get_by_label("Reason for revoking:", exact=True).fill("Plagiarised final project.")
        teacher.get_by_role("button", name="Revoke the certificate").click()
        expect(teacher.get_by_role("status")).to_contain_text("The certificate of Thandi Dlamini was revoked.")
        expect(teacher.get_by_role("table")).to_contain_text("Revoked")
        expect(teacher.get_by_role("link", name=re.compile(r"^Revoke\W"))).to_have_count(0)
        screenshot(teacher, "student-teach-certificates")

        visitor.reload()
        expect(visitor.get_by_role("heading", level=2, name="This certificate is not valid.")).to_be_visible()
        expect(visitor.get_by_text("Revocation: failed")).to_be_visible()
        expect(visitor.locator(".checks")).to_contain_text("Plagiarised final project.")
        assert axe_violations(visitor) == []
    finally:
        teaching.close()
        visiting.close()


def test_a_cover_and_a_lesson_file_uploaded_by_the_instructor_reach_the_learner(
    browser: Browser, live_server: LiveServer, instructor: User, learner: User, course: BuiltCourse
) -> None:
    education.enrollment_create(course_id=course.id, user_id=learner.id)
    teaching, teacher = new_page(browser, live_server)
    learning, student = new_page(browser, live_server)
    try:
        sign_in(teacher, instructor.email)
        teacher.goto(f"/teach/{course.id}/")
        teacher.get_by_role("link", name="Add a cover image").click()
        teacher.get_by_label("Cover image:", exact=True).set_input_files(
            {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"not an image"}
        )
        teacher.get_by_role("button", name="Upload cover").click()
        expect(teacher.locator(".errorlist")).to_contain_text("A cover image must be a PNG, JPEG or WebP file.")
        assert axe_violations(teacher) == []
        teacher.get_by_label("Cover image:", exact=True).set_input_files(
            {"name": "cover.png", "mimeType": "image/png", "buffer": PNG}
        )
        teacher.get_by_role("button", name="Upload cover").click()
        expect(teacher.get_by_role("status")).to_contain_text("The cover image was saved.")

        teacher.get_by_role("link", name="Needs and wants").click()
        teacher.get_by_label("File:", exact=True).set_input_files(
            {"name": "worksheet.csv", "mimeType": "text/csv", "buffer": b"item,amount\nrent,4500\n"}
        )
        teacher.get_by_role("button", name="Attach file").click()
        expect(teacher.get_by_role("status")).to_contain_text("The file worksheet.csv was attached")
        expect(teacher.get_by_role("heading", level=2, name="Version history")).to_be_visible()
        assert axe_violations(teacher) == []

        sign_in(student, learner.email)
        student.goto("/courses/")
        cover = student.locator(".course-card img.cover")
        expect(cover).to_have_count(1)
        student.wait_for_function("() => document.querySelector('.course-card img.cover').complete")
        # The card rendition (640 px WebP) really loaded and decoded, not the uploaded original.
        assert cover.evaluate("(image) => [image.naturalWidth > 0, image.currentSrc.split('/').pop()]") == [
            True,
            "card.webp",
        ]
        student.goto(f"/learn/{course.lesson_ids[0]}/")
        with student.expect_download() as caught:
            student.get_by_role("link", name="worksheet.csv").click()
        download = caught.value
        assert download.suggested_filename == "worksheet.csv"
        with open(download.path(), "rb") as handle:
            assert handle.read() == b"item,amount\nrent,4500\n"
    finally:
        teaching.close()
        learning.close()
