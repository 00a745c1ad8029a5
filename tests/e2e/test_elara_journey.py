"""Elara in a real browser: a learner accepts the oversight notice once, asks about a lesson and gets a streamed answer
from the offline provider that cites a lesson; with a quiz attempt open, asks for its answer and gets a hint instead;
the same without JavaScript; the conversation, memory and oversight pages pass axe-core on desktop and phone."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

import azora.accounts.public as accounts
import azora.agents.public as agents
import azora.education.public as education
from azora.accounts.models import User
from azora.accounts.tests.factories import UserFactory
from azora.ai_routing.adapters.local import INDEX
from azora.portals.student.tests.conftest import BuiltCourse, build_course
from azora.revenue.tests.pricing.factories import plan_catalogue
from tests.e2e.conftest import PHONE, Screenshot, axe_violations
from tests.e2e.test_student_journey import new_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "Can you explain needs and wants?"
# The constitution's input guard loads its profanity model on the first message a process checks (about 15 s on a
# busy 2-core machine): the first answer of a test run may take that long.
FIRST_ANSWER_MS = 60_000
QUIZ_PROMPT = "Which part of a monthly plan do you pay before anything else?"
RIGHT_CHOICE = "Fixed essentials"
WRONG_CHOICE = "Weekend treats"


@pytest.fixture(autouse=True)
def _fresh_lesson_index() -> Iterator[None]:
    """The offline provider keeps its lesson index in the process and looks for new lessons now and then; each test
    makes its own course, so the index is rebuilt before and after it (as the orchestrator's own tests do)."""
    INDEX.invalidate()
    yield
    INDEX.invalidate()


@dataclass(frozen=True)
class Classroom:
    instructor: User
    learner: User
    course: BuiltCourse
    assessment_id: object


def _rows_of_data_migrations() -> None:
    """A browser test empties every table when it ends, data migrations' rows included: the agent roster, the offline
    AI provider and the plan catalogue are put back as their migrations make them (each is idempotent)."""
    importlib.import_module("azora.agents.migrations.0002_agent_roster").seed_agent_roster(django_apps)
    importlib.import_module("azora.ai_routing.migrations.0002_local_provider").create_local_provider(django_apps, None)
    plan_catalogue()


@pytest.fixture
def classroom() -> Classroom:
    """A published course of three lessons with a one-question quiz, and an enrolled learner."""
    _rows_of_data_migrations()
    instructor = UserFactory(email="lerato@example.test", display_name="Lerato Mokoena")
    accounts.platform_role_grant(user_id=instructor.id, role="instructor")
    learner = UserFactory(email="thandi@example.test", display_name="Thandi Dlamini")
    course = build_course(instructor)
    question = education.question_create(
        course_id=course.id,
        user_id=instructor.id,
        kind="single_choice",
        prompt=QUIZ_PROMPT,
        definition={"options": [{"id": "a", "text": RIGHT_CHOICE}, {"id": "b", "text": WRONG_CHOICE}], "correct": "a"},
    )
    assessment = education.assessment_create(
        course_id=course.id, user_id=instructor.id, title="Plan check", question_ids=[question.id]
    )
    education.enrollment_create(course_id=course.id, user_id=learner.id)
    return Classroom(instructor=instructor, learner=learner, course=course, assessment_id=assessment.id)


def _ask(page: Page, text: str) -> None:
    panel = page.locator("#elara-panel")
    expect(panel.locator("form[data-stream-url]")).to_be_attached()  # the panel HTMX loaded after the page
    panel.get_by_label("Your question").fill(text)
    panel.get_by_role("button", name="Ask", exact=True).click()


def test_ask_about_a_lesson_then_get_a_hint_for_an_open_quiz(
    page: Page, classroom: Classroom, screenshot: Screenshot
) -> None:
    learner, course = classroom.learner, classroom.course
    sign_in(page, learner.email)

    # The lesson's panel (loaded by HTMX) first tells who can read the conversations; one click, once.
    page.goto(f"/learn/{course.lesson_ids[0]}/")
    panel = page.locator("#elara-panel")
    expect(panel.get_by_text("Before your first question: who can read your conversations")).to_be_visible()
    expect(panel.get_by_label("Your question")).to_have_count(0)
    assert axe_violations(page) == []
    screenshot(page, "elara-notice")
    panel.get_by_role("button", name="I understand and agree").click()
    expect(page.get_by_role("status").first).to_contain_text("Thank you. You can ask Elara now.")
    assert agents.oversight_consent_given(user_id=learner.id)

    # A question about the lesson: the answer streams in, names its agent and why, and cites the lessons as links.
    _ask(page, QUESTION)
    answer = page.locator("#elara-thread article.elara-assistant").last
    expect(answer.locator(".elara-sources a").first).to_be_visible(timeout=FIRST_ANSWER_MS)
    expect(answer.locator(".elara-sources a").first).to_have_attribute("href", re.compile(r"^/learn/[0-9a-f-]+/$"))
    expect(answer.locator(".elara-who strong")).to_have_text(re.compile(r"^(Elara|Kofi|Naledi|Themba|Sankofa)$"))
    expect(answer.locator(".elara-why")).to_contain_text("answered:")
    expect(page.locator("#elara-thread article.elara-user").last).to_contain_text(QUESTION)
    expect(page.get_by_label("Your question")).to_have_value("")
    [conversation] = agents.conversations_of(user_id=learner.id).items
    detail = agents.conversation_get(conversation_id=conversation.id, viewer_id=learner.id)
    assert [message.role for message in detail.messages] == ["user", "assistant"]
    assert detail.messages[1].citations
    expect(answer).to_have_attribute("id", f"message-{detail.messages[1].id}")  # the stored answer replaced the draft
    assert axe_violations(page) == []
    screenshot(page, "elara-lesson-answer")

    # Feedback through HTMX.
    answer.get_by_role("button", name="Helpful", exact=True).click()
    expect(answer.get_by_text("You found this answer helpful.")).to_be_visible()
    feedback = agents.conversation_get(conversation_id=conversation.id, viewer_id=learner.id).messages[1].feedback
    assert feedback is not None
    assert feedback.is_helpful

    # The quiz: with the attempt open, the learner pastes its question and asks for the answer.
    page.goto(f"/quiz/{course.id}/{classroom.assessment_id}/")
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.get_by_text(QUIZ_PROMPT).first).to_be_visible()
    pasted = page.get_by_text(QUIZ_PROMPT).first.text_content() or ""
    page.goto(f"/learn/{course.lesson_ids[1]}/")
    _ask(page, f"What is the answer to this question? {pasted.strip()}")
    hint = page.locator("#elara-thread article.elara-assistant").last
    expect(hint.locator(".badge")).to_have_text("Hint")
    expect(hint).to_contain_text("A hint, not the answer")
    thread_text = page.locator("#elara-thread").inner_text()
    assert RIGHT_CHOICE not in thread_text
    last = agents.conversation_get(conversation_id=conversation.id, viewer_id=learner.id).messages[-1]
    assert last.status == "hint"
    assert RIGHT_CHOICE not in last.content
    screenshot(page, "elara-hint")

    # The whole conversation on its own page, and the list.
    page.get_by_role("link", name="Open the whole conversation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(conversation.title)
    expect(page.locator("article.elara-assistant")).to_have_count(2)
    assert axe_violations(page) == []
    screenshot(page, "elara-conversation")
    page.locator(".portal-menu").get_by_role("link", name="Elara", exact=True).click()
    expect(page.get_by_role("link", name=conversation.title)).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "elara-conversations")
    assert page.console_errors == []  # type: ignore[attr-defined]  # no CSP violation, no script error


def test_asking_on_the_conversation_page_on_a_phone_in_the_dark(page: Page, classroom: Classroom) -> None:
    learner = classroom.learner
    agents.oversight_consent_give(user_id=learner.id)
    conversation = agents.conversation_start(user_id=learner.id, course_id=classroom.course.id)
    sign_in(page, learner.email)
    page.set_viewport_size(PHONE)
    page.emulate_media(color_scheme="dark")

    page.goto(f"/elara/{conversation.id}/")
    expect(page.get_by_text("No messages yet.")).to_be_visible()
    page.get_by_label("Your question").fill("")
    page.get_by_role("button", name="Ask", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text("Please write your question first.")
    assert agents.conversation_get(conversation_id=conversation.id, viewer_id=learner.id).messages == ()
    assert axe_violations(page) == []

    page.get_by_label("Your question").fill(QUESTION)
    page.get_by_label("Your question").press("Control+Enter")
    expect(page.locator("article.elara-assistant .elara-sources a").first).to_be_visible(timeout=FIRST_ANSWER_MS)
    expect(page.get_by_role("alert")).to_be_hidden()
    assert axe_violations(page) == []
    # Nothing runs wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    errors = [e for e in page.console_errors if "status of 422" not in e]  # type: ignore[attr-defined]
    assert errors == []  # only the refused empty question's answer (422), no CSP violation, no script error


def test_asking_without_javascript(browser: Browser, live_server: LiveServer, classroom: Classroom) -> None:
    learner, course = classroom.learner, classroom.course
    context, page = new_page(browser, live_server, java_script_enabled=False)
    try:
        sign_in(page, learner.email)
        page.goto(f"/learn/{course.lesson_ids[0]}/")
        page.get_by_label("Your question").fill(QUESTION)
        page.get_by_role("button", name="Ask Elara").click()
        # No consent yet: the question comes back with the notice and one button that agrees and asks.
        expect(page.get_by_text("Before your first question: who can read your conversations")).to_be_visible()
        expect(page.get_by_label("Your question")).to_have_value(QUESTION)
        assert agents.conversations_of(user_id=learner.id).items == []
        page.get_by_role("button", name="I agree: ask my question").click(timeout=FIRST_ANSWER_MS)
        expect(page.get_by_role("heading", level=1)).to_have_text(
            re.compile("needs and wants", re.IGNORECASE), timeout=FIRST_ANSWER_MS
        )
        expect(page.locator("article.elara-assistant .elara-sources a").first).to_have_attribute(
            "href", re.compile(r"^/learn/")
        )
        # The next question on the conversation page, with a plain post and a redirect back.
        page.get_by_label("Your question").fill("And what about saving?")
        page.get_by_role("button", name="Ask", exact=True).click()
        expect(page.locator("article.elara-assistant")).to_have_count(2)
        # Feedback with a reason, without HTMX.
        page.locator("article.elara-assistant").last.locator("summary").click()
        page.locator("article.elara-assistant").last.get_by_label("Why not?").select_option("unclear")
        page.locator("article.elara-assistant").last.get_by_role("button", name="Send: not helpful").click()
        expect(page.get_by_text("You found this answer not helpful: It is unclear.")).to_be_visible()
    finally:
        context.close()


def test_memory_and_oversight_pages(browser: Browser, live_server: LiveServer, classroom: Classroom) -> None:
    learner, instructor = classroom.learner, classroom.instructor
    agents.oversight_consent_give(user_id=learner.id)
    agents.memory_add(user_id=learner.id, kind="goal", text="Become a nurse")
    conversation = agents.conversation_start(user_id=learner.id, course_id=classroom.course.id)
    agents.message_send(conversation_id=conversation.id, user_id=learner.id, text=QUESTION)
    title = agents.conversation_get(conversation_id=conversation.id, viewer_id=learner.id).conversation.title

    context, page = new_page(browser, live_server)
    try:
        sign_in(page, learner.email)
        page.goto("/my/elara/memory/")
        expect(page.get_by_text("Goal: Become a nurse")).to_be_visible()
        assert axe_violations(page) == []
        page.get_by_label("What Elara should remember").fill("I struggle with fractions")
        page.get_by_label("Kind:").select_option("difficulty")
        page.get_by_role("button", name="Remember this").click()
        expect(page.get_by_text("Something I find hard: I struggle with fractions")).to_be_visible()
        page.get_by_role("button", name=re.compile(r"^Erase\W+Become a nurse$")).click()
        expect(page.get_by_text("Goal: Become a nurse")).to_have_count(0)
        page.get_by_role("button", name="Erase everything Elara remembers").click()
        expect(page.get_by_text("Elara remembers nothing about you yet.")).to_be_visible()
        assert agents.memory_of(user_id=learner.id) == []
    finally:
        context.close()

    context, page = new_page(browser, live_server)
    try:
        sign_in(page, instructor.email)
        page.goto("/teach/elara/")
        page.get_by_role("link", name=title).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        expect(page.locator("article.elara-user")).to_contain_text(QUESTION)
        assert axe_violations(page) == []
        page.set_viewport_size(PHONE)
        page.emulate_media(color_scheme="dark")
        assert axe_violations(page) == []
    finally:
        context.close()
