"""The Student Portal's main journey in a real browser: an instructor authors and publishes a course with a quiz;
a learner finds it, enrols, learns (also offline), passes the quiz, earns a certificate, and anyone verifies it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

import azora.accounts.public as accounts
import azora.education.public as education
from azora.accounts.models import User
from azora.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from azora.portals.student.tests.conftest import build_course
from tests.e2e.conftest import DESKTOP, PHONE, Screenshot, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LESSON_MARKDOWN = """## Needs and wants

A **budget** lists what you *must* pay before what you would *like*.

<script>alert("never runs")</script>

1. Rent
2. Food
3. Transport
"""


def sign_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email:", exact=True).fill(email)
    page.get_by_label("Password:", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def new_page(browser: Browser, live_server: LiveServer, **options: object) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, **options)  # type: ignore[arg-type]  # Playwright's keyword options
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


def author_course(page: Page, screenshot: Screenshot) -> None:
    """The instructor's part: a course, a module, two lessons (one previewed), then publication."""
    page.goto("/teach/")
    page.get_by_role("link", name="New course").click()
    page.get_by_label("Title:", exact=True).fill("Budgeting for beginners")
    page.get_by_label("Summary:", exact=True).fill("Plan a month of money in an afternoon.")
    page.get_by_label("Tags:", exact=True).fill("budget, money")
    page.get_by_label("Estimated hours:", exact=True).fill("1.5")
    page.get_by_role("button", name="Create course").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Budgeting for beginners")
    expect(page.get_by_role("status")).to_contain_text("The course was created as a draft.")

    page.get_by_label("Module title:", exact=True).fill("Your first budget")
    page.get_by_role("button", name="Add module").click()
    expect(page.get_by_role("heading", name="Your first budget")).to_be_visible()

    page.get_by_role("link", name="Add a lesson to Your first budget").click()
    page.get_by_label("Lesson title:", exact=True).fill("Needs and wants")
    page.get_by_label("Lesson text (Markdown):", exact=True).fill(LESSON_MARKDOWN)
    page.get_by_label("Estimated minutes:", exact=True).fill("6")
    page.get_by_role("button", name="Save lesson").click()
    expect(page.get_by_role("status")).to_contain_text("The lesson was saved.")
    preview = page.locator(".preview")
    expect(preview.locator("strong")).to_have_text("budget")
    expect(preview.locator("script")).to_have_count(0)
    screenshot(page, "student-journey-lesson-editor")

    page.get_by_role("link", name="Budgeting for beginners").click()
    page.get_by_role("link", name="Add a lesson to Your first budget").click()
    page.get_by_label("Lesson title:", exact=True).fill("Paying yourself first")
    page.get_by_label("Lesson text (Markdown):", exact=True).fill("Move **10%** to savings on pay day.")
    page.get_by_role("button", name="Save lesson").click()
    expect(page.get_by_role("status")).to_contain_text("The lesson was saved.")
    page.get_by_role("link", name="Budgeting for beginners").click()

    # A timed quiz of two questions from the course's question bank.
    page.get_by_role("link", name="Question bank").click()
    page.get_by_label("Kind of question:").select_option("single_choice")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Question:", exact=True).fill("What goes into a budget first?")
    page.get_by_label("Options:", exact=True).fill("*Needs\nWants")
    page.get_by_role("button", name="Add question").click()
    expect(page.get_by_role("status")).to_contain_text("The question was added to the bank.")
    page.get_by_label("Kind of question:").select_option("numeric")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Question:", exact=True).fill("How much is 10% of 500?")
    page.get_by_label("Right answer:", exact=True).fill("50")
    page.get_by_role("button", name="Add question").click()
    page.get_by_role("link", name="Budgeting for beginners").click()
    page.get_by_role("link", name="New assessment").click()
    page.get_by_label("Title:", exact=True).fill("Budget check")
    page.get_by_label("What goes into a budget first? (Single choice)").check()
    page.get_by_label("How much is 10% of 500? (Number)").check()
    page.get_by_label("Time limit (minutes):", exact=True).fill("10")
    page.get_by_role("button", name="Create assessment").click()
    expect(page.get_by_role("link", name="Budget check")).to_be_visible()
    screenshot(page, "student-journey-outline")

    page.get_by_role("button", name="Publish course").click()
    expect(page.get_by_role("status")).to_contain_text("The course is published")


def learn_course(page: Page, screenshot: Screenshot) -> None:
    """The learner's part up to the quiz: search, enrol, read, mark complete (HTMX), resume from the dashboard."""
    page.goto("/courses/")
    page.get_by_label("Search courses").fill("budgeting")
    # The results follow the typing (HTMX); the address keeps the search so that it can be shared.
    expect(page.get_by_role("status")).to_have_text("1 course found.")
    expect(page).to_have_url(re.compile(r"/courses/\?q=budgeting"))
    page.get_by_role("link", name="Budgeting for beginners").click()
    page.get_by_role("button", name="Enrol for free").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Needs and wants")
    expect(page.get_by_role("status").first).to_contain_text("You are enrolled in Budgeting for beginners.")
    expect(page.locator(".prose strong")).to_have_text("budget")
    assert page.locator(".prose script").count() == 0
    screenshot(page, "student-journey-lesson")

    page.get_by_role("button", name="Mark as complete").click()
    expect(page.locator("#lesson-completion")).to_contain_text("Lesson marked as complete.")
    expect(page.get_by_label("Course progress: 50%")).to_have_attribute("value", "50")

    page.goto("/my/")
    page.get_by_role("link", name=re.compile(r"^Resume\W+Paying yourself first$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Paying yourself first")
    page.get_by_role("button", name="Mark as complete").click()
    expect(page.locator("#lesson-completion")).to_contain_text("Lesson marked as complete.")


def pass_the_quiz(page: Page, screenshot: Screenshot) -> None:
    """A timed attempt: the countdown runs from the server's remaining seconds; answers are saved as they change."""
    page.get_by_role("link", name="Back to the course").click()
    page.get_by_role("link", name=re.compile(r"^Open\W+Budget check$")).click()
    expect(page.get_by_role("definition").filter(has_text="10 min")).to_be_visible()
    page.get_by_role("button", name="Start the assessment").click()
    timer = page.locator("[data-time-left]")
    expect(timer).to_have_text(re.compile(r"^(9:5\d|10:00)$"))
    first = timer.text_content()
    expect(timer).not_to_have_text(first or "", timeout=3_000)  # it counts down
    page.get_by_label("Needs", exact=True).check()
    expect(page.locator("#save-status")).to_contain_text("Answers saved at")
    page.get_by_label("Your number").fill("50")
    screenshot(page, "student-journey-quiz")
    page.get_by_role("button", name="Submit answers").click()
    expect(page.locator(".score")).to_have_text("100%")
    expect(page.get_by_text("Passed.")).to_be_visible()
    screenshot(page, "student-journey-result")
    page.get_by_role("link", name="See your course grade").click()
    expect(page.get_by_role("heading", level=2, name="Why is my grade 100%?")).to_be_visible()


def certificate_and_verify(page: Page, browser: Browser, live_server: LiveServer, screenshot: Screenshot) -> None:
    page.goto("/my/")
    expect(page.get_by_role("heading", name="Completed")).to_be_visible()
    page.get_by_role("link", name="Your certificates").last.click()
    expect(page.get_by_role("heading", name="Budgeting for beginners")).to_be_visible()
    verify_link = page.get_by_label("Verify link to share").input_value()
    page.get_by_role("link", name=re.compile(r"^View and print\W+the certificate for Budgeting for beginners$")).click()
    expect(page.locator(".learner-name")).to_have_text("Thandi Dlamini")
    expect(page.locator(".qr-code svg")).to_be_visible()
    screenshot(page, "student-journey-certificate")

    # Anyone with the link: a browser that never signed in.
    context, visitor = new_page(browser, live_server)
    try:
        assert verify_link.startswith(live_server.url + "/verify/")
        visitor.goto(verify_link)
        expect(visitor.get_by_role("heading", level=2, name="This certificate is valid.")).to_be_visible()
        for check in ("Signature: passed", "Expiry: passed", "Revocation: passed"):
            expect(visitor.get_by_text(check)).to_be_visible()
        screenshot(visitor, "student-journey-verify")
    finally:
        context.close()


def test_author_publish_enrol_learn_pass_certificate_verify(
    browser: Browser, live_server: LiveServer, instructor: User, learner: User, screenshot: Screenshot
) -> None:
    teaching, teacher_page = new_page(browser, live_server)
    learning, learner_page = new_page(browser, live_server)
    try:
        sign_in(teacher_page, instructor.email)
        author_course(teacher_page, screenshot)
        sign_in(learner_page, learner.email)
        learn_course(learner_page, screenshot)
        pass_the_quiz(learner_page, screenshot)
        assert axe_violations(learner_page) == []
        certificate_and_verify(learner_page, browser, live_server, screenshot)
    finally:
        teaching.close()
        learning.close()


def test_a_visited_lesson_is_readable_offline(page: Page, instructor: User, learner: User) -> None:
    course = build_course(instructor)
    education.enrollment_create(course_id=course.detail.id, user_id=learner.id)
    sign_in(page, learner.email)
    lesson_path = f"/learn/{course.lesson_ids[1]}/"

    page.goto(lesson_path)  # the first visit may install the worker: the page asks to be kept all the same
    expect(page.get_by_role("heading", level=1)).to_have_text("Saving")
    page.wait_for_function(
        """async (path) => {
            const cache = await caches.open("azora-lessons-v1");
            return Boolean(await cache.match(path));
        }""",
        arg=lesson_path,
    )

    page.context.set_offline(True)
    page.goto(lesson_path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Saving")
    expect(page.locator(".prose")).to_contain_text("Pay yourself first")
    # The portal's style sheet was kept too: the lesson keeps its layout.
    assert page.locator(".lesson-nav").evaluate("(element) => getComputedStyle(element).display") == "flex"
    page.goto(f"/learn/{course.lesson_ids[2]}/")  # never visited: the offline page
    expect(page.get_by_role("heading", level=1)).to_have_text("You are offline")
    page.context.set_offline(False)

    # Signing out forgets the stored lessons: they are personal.
    page.goto("/my/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_function("async () => !(await caches.keys()).includes('azora-lessons-v1')")


def test_the_main_learner_actions_work_without_javascript(
    browser: Browser, live_server: LiveServer, instructor: User, learner: User
) -> None:
    course = build_course(instructor)
    context, page = new_page(browser, live_server, java_script_enabled=False)
    try:
        sign_in(page, learner.email)
        page.goto("/courses/")
        page.get_by_label("Search courses").fill("money")
        page.get_by_label("Level:", exact=True).select_option("beginner")
        page.get_by_role("button", name="Search").click()
        expect(page).to_have_url(re.compile(r"q=money&category=&level=beginner"))
        page.get_by_role("link", name="Money basics").click()
        page.get_by_role("button", name="Enrol for free").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Needs and wants")
        page.get_by_role("button", name="Mark as complete").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Saving")
        enrollment = education.enrollments_of(user_id=learner.id).items[0]
        assert (enrollment.progress.completed_lessons, enrollment.resume_lesson_id) == (1, course.lesson_ids[1])
        page.set_viewport_size(PHONE)
        page.goto("/my/")
        expect(page.get_by_text("1 of 3 lessons done.")).to_be_visible()
    finally:
        context.close()


def test_the_timer_submits_the_answers_when_the_time_runs_out(page: Page, instructor: User, learner: User) -> None:
    course = build_course(instructor)
    question = education.question_create(
        course_id=course.detail.id,
        user_id=instructor.id,
        kind="true_false",
        prompt="Saving first is a good habit.",
        definition={"correct": True},
    )
    assessment = education.assessment_create(
        course_id=course.detail.id,
        user_id=instructor.id,
        title="Ten seconds",
        question_ids=[question.id],
        time_limit_seconds=10,
    )
    education.enrollment_create(course_id=course.detail.id, user_id=learner.id)
    sign_in(page, learner.email)

    page.goto(f"/quiz/{course.detail.id}/{assessment.id}/")
    page.get_by_role("button", name="Start the assessment").click()
    page.get_by_label("True", exact=True).check()
    # Nobody presses Submit: the countdown sends the answers just before the server's deadline.
    expect(page.locator(".score")).to_have_text("100%", timeout=20_000)
    attempt = education.attempts_of(assessment_id=assessment.id, user_id=learner.id)[0]
    assert (attempt.status, attempt.is_passed) == ("closed", True)
