"""Elara in the Student Portal: the lesson's panel, the one-time notice, asking with and without JavaScript (plain
post/redirect/get and server-sent events), refusals that store nothing, citations as links, the agent and why it
answered, a hint instead of an open quiz's answer. Against the real orchestrator with the offline AI provider."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import azora.agents.public as agents
import azora.education.public as education
from azora.accounts.models import User
from azora.agents.models import Conversation, Message
from azora.agents.tests.factories import ConversationFactory, OversightConsentFactory, with_exchange
from azora.ai_routing.adapters.local import INDEX
from azora.portals.shell.tests.helpers import HTMX, is_fragment
from azora.portals.student.tests.conftest import BuiltCourse, build_course

pytestmark = pytest.mark.django_db

QUESTION = "Can you explain needs and wants?"


@pytest.fixture(autouse=True)
def _fresh_lesson_index() -> Iterator[None]:
    """The offline provider keeps its lesson index in the process and looks for new lessons now and then; each test
    makes its own course, so the index is rebuilt before and after it (as the orchestrator's own tests do)."""
    INDEX.invalidate()
    yield
    INDEX.invalidate()


@pytest.fixture
def enrolled(learner: User, course: BuiltCourse) -> User:
    education.enrollment_create(course_id=course.id, user_id=learner.id)
    return learner


@pytest.fixture
def consented(enrolled: User) -> User:
    agents.oversight_consent_give(user_id=enrolled.id)
    return enrolled


def _events(body: bytes) -> list[tuple[str, dict[str, object]]]:
    """The server-sent events of a response body, in order: (event, data)."""
    events = []
    for block in body.decode().strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.split("\n"))
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def _streamed(response: Any) -> list[tuple[str, dict[str, object]]]:
    """The events of a streamed response (the test client's response type does not name `streaming_content`)."""
    return _events(b"".join(response.streaming_content))


def _stored_counts(user: User) -> tuple[int, int]:
    return (
        Conversation.objects.filter(user=user).count(),
        Message.objects.filter(conversation__user=user).count(),
    )


# --- Pages need a signed-in person; other people's things are 404 --------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/elara/",
        "/my/elara/memory/",
        "/teach/elara/",
        "/elara/0190f000-0000-7000-8000-000000000001/",
        "/teach/elara/0190f000-0000-7000-8000-000000000002/",
    ],
)
def test_elara_pages_need_sign_in(client: Client, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_menu_links_to_elara(as_learner: Client) -> None:
    html = as_learner.get("/elara/").content.decode()

    assert '<li><a href="/elara/" aria-current="page">Elara</a></li>' in html


def test_another_learners_conversation_is_not_found(as_learner: Client, stranger: User) -> None:
    theirs = ConversationFactory(user=stranger)

    assert as_learner.get(f"/elara/{theirs.id}/").status_code == 404
    response = as_learner.post(f"/elara/{theirs.id}/messages/", {"text": "Hello?"})
    assert response.status_code == 404
    streamed = as_learner.post(f"/elara/{theirs.id}/stream/", {"text": "Hello?"})
    assert streamed.status_code == 404
    assert _streamed(streamed) == [
        ("error", {"code": "conversation_not_found", "detail": "Conversation not found.", "consent_required": False})
    ]
    assert Message.objects.count() == 0


# --- The lesson's panel and the notice ------------------------------------------------------------------------------


def test_the_lesson_page_carries_the_panel_which_htmx_loads(
    as_learner: Client, enrolled: User, course: BuiltCourse
) -> None:
    lesson_id = course.lesson_ids[0]

    html = as_learner.get(f"/learn/{lesson_id}/").content.decode()

    assert f'hx-get="/elara/lesson/{lesson_id}/panel/" hx-trigger="load"' in html
    # Without JavaScript the panel's own form asks (the first question starts a thread about the course).
    assert '<form method="post" action="/elara/ask/" class="elara-ask">' in html
    assert f'<input type="hidden" name="course_id" value="{course.id}">' in html
    assert '<script src="/static/student/elara.js" defer></script>' in html
    assert "style=" not in html


def test_the_panel_shows_the_notice_first_and_no_question_form(
    as_learner: Client, enrolled: User, course: BuiltCourse
) -> None:
    lesson_id = course.lesson_ids[0]

    response = as_learner.get(f"/elara/lesson/{lesson_id}/panel/", headers=HTMX)

    assert response.status_code == 200
    assert is_fragment(response.content)
    html = response.content.decode()
    assert "Before your first question: who can read your conversations" in html
    assert "The instructors of the course you ask about can read your conversations" in html
    assert "The administrators of your organisation can read them too." in html
    assert "they see every flag, and flagged conversations first" in html
    assert '<form method="post" action="/elara/consent/">' in html
    assert f'<input type="hidden" name="next" value="/learn/{lesson_id}/">' in html
    assert 'name="text"' not in html


def test_consent_is_one_click_and_back_to_the_lesson(as_learner: Client, enrolled: User, course: BuiltCourse) -> None:
    lesson_url = f"/learn/{course.lesson_ids[0]}/"

    response = as_learner.post("/elara/consent/", {"next": lesson_url})

    assert response.status_code == 302
    assert response["Location"] == lesson_url
    assert agents.oversight_consent_given(user_id=enrolled.id) is True
    html = as_learner.get(f"/elara/lesson/{course.lesson_ids[0]}/panel/", headers=HTMX).content.decode()
    assert "Before your first question" not in html
    assert 'action="/elara/ask/" data-stream-url="/elara/ask/stream/"' in html
    assert f'<input type="hidden" name="course_id" value="{course.id}" data-elara-new>' in html


def test_consent_never_redirects_off_the_site(as_learner: Client, learner: User) -> None:
    response = as_learner.post("/elara/consent/", {"next": "https://evil.example/"})

    assert response["Location"] == "/elara/"


def test_the_panel_of_a_lesson_the_learner_may_not_read_is_not_found(as_learner: Client, course: BuiltCourse) -> None:
    assert as_learner.get(f"/elara/lesson/{course.lesson_ids[0]}/panel/", headers=HTMX).status_code == 404


# --- Asking without JavaScript (post/redirect/get) ------------------------------------------------------------------


def test_a_first_question_from_the_lesson_gets_a_cited_answer_with_the_agent_and_why(
    as_learner: Client, consented: User, course: BuiltCourse
) -> None:
    response = as_learner.post("/elara/ask/", {"course_id": str(course.id), "text": QUESTION})

    [conversation] = agents.conversations_of(user_id=consented.id).items
    detail = agents.conversation_get(conversation_id=conversation.id, viewer_id=consented.id)
    question, answer = detail.messages
    assert response.status_code == 302
    assert response["Location"] == f"/elara/{conversation.id}/#message-{answer.id}"
    assert conversation.course_id == course.id
    assert question.content == QUESTION
    assert answer.status == "complete"
    assert answer.citations  # the offline provider answers from the course's lessons

    html = as_learner.get(f"/elara/{conversation.id}/").content.decode()
    assert f"<h1>{conversation.title}</h1>" in html
    assert "About Money basics" in html
    assert f"<p>{QUESTION}</p>" in html
    assert f"<strong>{answer.agent_name}</strong>" in html
    assert f"Why {answer.agent_name} answered:" in html
    for citation in answer.citations:
        assert f'<li><a href="{citation.url}">{citation.title}</a></li>' in html
    first_lesson = f"/learn/{course.lesson_ids[0]}/"
    assert f'<a href="{first_lesson}">' in html
    assert "Was this answer helpful?" in html
    assert "style=" not in html


def test_the_next_question_goes_to_the_same_conversation(
    as_learner: Client, consented: User, course: BuiltCourse
) -> None:
    as_learner.post("/elara/ask/", {"course_id": str(course.id), "text": QUESTION})
    [conversation] = agents.conversations_of(user_id=consented.id).items

    panel = as_learner.get(f"/elara/lesson/{course.lesson_ids[1]}/panel/", headers=HTMX).content.decode()
    assert f'action="/elara/{conversation.id}/messages/" data-stream-url="/elara/{conversation.id}/stream/"' in panel
    assert f"<p>{QUESTION}</p>" in panel
    response = as_learner.post(f"/elara/{conversation.id}/messages/", {"text": "And what about saving?"})

    assert response.status_code == 302
    assert (
        agents.conversation_get(conversation_id=conversation.id, viewer_id=consented.id).conversation.message_count == 4
    )
    assert Conversation.objects.filter(user=consented).count() == 1


@pytest.mark.parametrize(
    ("text", "status", "message"),
    [
        ("   ", 422, "Please write your question first."),
        ("x" * 4001, 422, "Your message is too long: please keep it to 4000 characters."),
    ],
)
def test_a_refused_first_question_says_why_keeps_the_text_and_stores_nothing(
    as_learner: Client, consented: User, course: BuiltCourse, text: str, status: int, message: str
) -> None:
    response = as_learner.post("/elara/ask/", {"course_id": str(course.id), "text": text})

    assert response.status_code == status
    html = response.content.decode()
    assert f'<p class="form-errors" id="elara-error" role="alert" data-elara-error>{message}</p>' in html
    assert 'aria-describedby="elara-text-help elara-error" aria-invalid="true"' in html
    assert f">{text}</textarea>" in html
    assert _stored_counts(consented) == (0, 0)


def test_without_consent_the_question_comes_back_with_the_notice_and_one_button(
    as_learner: Client, enrolled: User, course: BuiltCourse
) -> None:
    response = as_learner.post("/elara/ask/", {"course_id": str(course.id), "text": QUESTION})

    assert response.status_code == 409
    html = response.content.decode()
    assert "Before your first question: who can read your conversations" in html
    assert f">{QUESTION}</textarea>" in html
    assert '<button type="submit" name="accept_notice" value="yes">I agree: ask my question</button>' in html
    assert _stored_counts(enrolled) == (0, 0)
    assert agents.oversight_consent_given(user_id=enrolled.id) is False

    agreed = as_learner.post("/elara/ask/", {"course_id": str(course.id), "text": QUESTION, "accept_notice": "yes"})

    assert agreed.status_code == 302
    assert agents.oversight_consent_given(user_id=enrolled.id) is True
    assert _stored_counts(enrolled) == (1, 2)


def test_a_conversation_without_consent_shows_the_notice_instead_of_the_form(as_learner: Client, learner: User) -> None:
    conversation = agents.conversation_start(user_id=learner.id)

    html = as_learner.get(f"/elara/{conversation.id}/").content.decode()

    assert "Before your first question" in html
    assert f'<input type="hidden" name="next" value="/elara/{conversation.id}/">' in html
    assert 'name="text"' not in html


def test_the_monthly_allowance_used_up_is_said_plainly_and_nothing_is_stored(
    as_learner: Client, consented: User
) -> None:
    conversation = ConversationFactory(user=consented)
    for _ in range(10):  # FREE: 10 questions a month
        with_exchange(conversation)
    before = Message.objects.count()

    response = as_learner.post(f"/elara/{conversation.id}/messages/", {"text": QUESTION})

    assert response.status_code == 403
    html = response.content.decode()
    assert "You have asked your 10 questions for this month on your plan." in html
    assert f">{QUESTION}</textarea>" in html
    assert Message.objects.count() == before


def test_a_question_about_a_course_the_learner_does_not_take_is_not_found(
    as_learner: Client, consented: User, instructor: User
) -> None:
    other = build_course(instructor, title="Another course")

    response = as_learner.post("/elara/ask/", {"course_id": str(other.id), "text": QUESTION})

    assert response.status_code == 404
    assert _stored_counts(consented) == (0, 0)


# --- Streaming (server-sent events) ---------------------------------------------------------------------------------


def test_a_streamed_answer_sends_the_agent_the_text_and_the_stored_exchange(
    as_learner: Client, consented: User, course: BuiltCourse
) -> None:
    conversation = agents.conversation_start(user_id=consented.id, course_id=course.id)

    response = as_learner.post(f"/elara/{conversation.id}/stream/", {"text": QUESTION})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream; charset=utf-8"
    assert response["Cache-Control"] == "no-cache, no-store"
    events = _streamed(response)
    names = [name for name, _ in events]
    assert names[0] == "agent"
    assert names[-1] == "done"
    assert set(names[1:-1]) == {"delta"}
    detail = agents.conversation_get(conversation_id=conversation.id, viewer_id=consented.id)
    question, answer = detail.messages
    agent = events[0][1]
    assert agent["slug"] == answer.agent_slug
    assert agent["name"] == answer.agent_name
    assert "".join(str(data["text"]) for name, data in events if name == "delta") == answer.content
    done = events[-1][1]
    assert done["question_id"] == str(question.id)
    assert done["answer_id"] == str(answer.id)
    assert done["status"] == "complete"
    assert done["citations"] == [{"title": c.title, "url": c.url} for c in answer.citations]
    html = str(done["html"])
    assert f'id="message-{question.id}"' in html
    assert f'id="message-{answer.id}"' in html
    assert f'<li><a href="{answer.citations[0].url}">{answer.citations[0].title}</a></li>' in html
    assert f'action="/elara/{conversation.id}/messages/{answer.id}/feedback/"' in html


@pytest.mark.parametrize(
    ("text", "status", "code"),
    [("", 422, "message_empty"), ("x" * 4001, 422, "message_too_long")],
)
def test_a_refused_streamed_question_is_one_error_event_and_nothing_stored(
    as_learner: Client, consented: User, course: BuiltCourse, text: str, status: int, code: str
) -> None:
    conversation = agents.conversation_start(user_id=consented.id, course_id=course.id)

    response = as_learner.post(f"/elara/{conversation.id}/stream/", {"text": text})

    assert response.status_code == status
    [(name, data)] = _streamed(response)
    assert name == "error"
    assert data["code"] == code
    assert Message.objects.count() == 0


def test_a_streamed_question_without_consent_says_so(as_learner: Client, enrolled: User, course: BuiltCourse) -> None:
    conversation = agents.conversation_start(user_id=enrolled.id, course_id=course.id)

    response = as_learner.post(f"/elara/{conversation.id}/stream/", {"text": QUESTION})

    assert response.status_code == 409
    [(name, data)] = _streamed(response)
    assert (name, data["code"], data["consent_required"]) == ("error", "oversight_consent_required", True)
    assert Message.objects.count() == 0


def test_the_panels_first_streamed_question_starts_the_thread_only_when_accepted(
    as_learner: Client, consented: User, course: BuiltCourse
) -> None:
    refused = as_learner.post("/elara/ask/stream/", {"course_id": str(course.id), "text": ""})
    assert refused.status_code == 422
    assert _streamed(refused)[0][0] == "error"
    assert _stored_counts(consented) == (0, 0)

    response = as_learner.post("/elara/ask/stream/", {"course_id": str(course.id), "text": QUESTION})

    events = _streamed(response)
    [conversation] = agents.conversations_of(user_id=consented.id).items
    done = events[-1][1]
    assert events[-1][0] == "done"
    assert done["conversation_id"] == str(conversation.id)
    assert done["send_url"] == f"/elara/{conversation.id}/messages/"
    assert done["stream_url"] == f"/elara/{conversation.id}/stream/"
    assert _stored_counts(consented) == (1, 2)


def test_streaming_needs_a_post_and_a_csrf_token(learner: User, course: BuiltCourse) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    conversation = agents.conversation_start(user_id=learner.id)

    assert client.get(f"/elara/{conversation.id}/stream/").status_code == 405
    assert client.post(f"/elara/{conversation.id}/stream/", {"text": QUESTION}).status_code == 403


# --- Academic integrity: a hint, never the answer of an open attempt ------------------------------------------------


def test_asking_for_an_open_quiz_questions_answer_gets_a_hint_and_not_the_answer(
    as_learner: Client, consented: User, course: BuiltCourse, instructor: User
) -> None:
    prompt = "Which part of a monthly plan do you pay before anything else?"
    question = education.question_create(
        course_id=course.id,
        user_id=instructor.id,
        kind="single_choice",
        prompt=prompt,
        definition={
            "options": [{"id": "a", "text": "Fixed essentials"}, {"id": "b", "text": "Weekend treats"}],
            "correct": "a",
        },
    )
    assessment = education.assessment_create(
        course_id=course.id, user_id=instructor.id, title="Plan check", question_ids=[question.id]
    )
    education.attempt_start(assessment_id=assessment.id, user_id=consented.id)

    response = as_learner.post("/elara/ask/", {"course_id": str(course.id), "text": f"What is the answer? {prompt}"})

    [conversation] = agents.conversations_of(user_id=consented.id).items
    answer = agents.conversation_get(conversation_id=conversation.id, viewer_id=consented.id).messages[-1]
    assert response.status_code == 302
    assert answer.status == "hint"
    assert "Fixed essentials" not in answer.content
    html = as_learner.get(f"/elara/{conversation.id}/").content.decode()
    assert '<span class="badge">Hint</span> A hint, not the answer' in html
    assert "Fixed essentials" not in html


# --- The conversation list ------------------------------------------------------------------------------------------


def test_the_list_shows_each_conversation_with_its_course_newest_first(
    as_learner: Client, consented: User, course: BuiltCourse
) -> None:
    older = ConversationFactory(user=consented, course_id=course.id, title="Needs first")
    with_exchange(older)
    newer = ConversationFactory(user=consented, title="Plans for the week")
    with_exchange(newer)

    html = as_learner.get("/elara/").content.decode()

    assert html.index("Plans for the week") < html.index("Needs first")
    assert f'<a href="/elara/{older.id}/">Needs first</a>' in html
    assert "Money basics · Guided · 2 messages" in html
    assert "You asked 2 questions this month." in html
    assert f'<option value="{course.id}">Money basics</option>' in html
    assert "Your learners&#x27; conversations" not in html


def test_the_list_reads_a_bounded_number_of_queries(as_learner: Client, consented: User, course: BuiltCourse) -> None:
    for index in range(12):
        conversation = ConversationFactory(user=consented, course_id=course.id if index % 2 else None)
        with_exchange(conversation)
    as_learner.get("/elara/")  # warm the session and caches

    with CaptureQueriesContext(connection) as queries:
        response = as_learner.get("/elara/")

    assert response.status_code == 200
    assert len(queries) <= 20  # 18 on PostgreSQL for 12 conversations (none per conversation)


def test_a_new_conversation_about_a_course_in_direct_mode(
    as_learner: Client, enrolled: User, course: BuiltCourse
) -> None:
    response = as_learner.post("/elara/new/", {"course": str(course.id), "mode": "direct"})

    [conversation] = agents.conversations_of(user_id=enrolled.id).items
    assert response.status_code == 302
    assert response["Location"] == f"/elara/{conversation.id}/"
    assert (conversation.course_id, conversation.mode) == (course.id, "direct")


def test_a_new_conversation_about_a_course_not_taken_is_refused(
    as_learner: Client, learner: User, course: BuiltCourse
) -> None:
    response = as_learner.post("/elara/new/", {"course": str(course.id), "mode": "socratic"})

    assert response.status_code == 404
    assert Conversation.objects.count() == 0


# --- Feedback -------------------------------------------------------------------------------------------------------


def test_feedback_helpful_then_not_helpful_with_a_reason(as_learner: Client, consented: User) -> None:
    conversation = ConversationFactory(user=consented)
    _, answer = with_exchange(conversation)
    url = f"/elara/{conversation.id}/messages/{answer.id}/feedback/"

    response = as_learner.post(url, {"helpful": "yes"})

    assert response.status_code == 302
    assert response["Location"] == f"/elara/{conversation.id}/#message-{answer.id}"
    feedback = agents.conversation_get(conversation_id=conversation.id, viewer_id=consented.id).messages[1].feedback
    assert feedback is not None
    assert (feedback.is_helpful, feedback.reason) == (True, "")

    fragment = as_learner.post(url, {"helpful": "no", "reason": "unclear", "comment": "Too short."}, headers=HTMX)

    assert fragment.status_code == 200
    assert is_fragment(fragment.content)
    html = fragment.content.decode()
    assert "✓ You found this answer not helpful: It is unclear. Thank you for your feedback." in html
    assert '<option value="unclear" selected>It is unclear</option>' in html
    feedback = agents.conversation_get(conversation_id=conversation.id, viewer_id=consented.id).messages[1].feedback
    assert feedback is not None
    assert (feedback.is_helpful, feedback.reason, feedback.comment) == (False, "unclear", "Too short.")


def test_feedback_on_another_learners_answer_is_not_found(as_learner: Client, learner: User, stranger: User) -> None:
    conversation = ConversationFactory(user=stranger)
    _, answer = with_exchange(conversation)

    response = as_learner.post(f"/elara/{conversation.id}/messages/{answer.id}/feedback/", {"helpful": "yes"})

    assert response.status_code == 404
    assert agents.conversation_get(conversation_id=conversation.id, viewer_id=stranger.id).messages[1].feedback is None


# --- Memory ---------------------------------------------------------------------------------------------------------


def test_the_memory_page_lists_adds_and_erases(as_learner: Client, learner: User) -> None:
    goal = agents.memory_add(user_id=learner.id, kind="goal", text="Become a nurse", source="onboarding")
    agents.memory_add(user_id=learner.id, kind="difficulty", text="Fractions", source="conversation")

    html = as_learner.get("/my/elara/memory/").content.decode()
    assert "<strong>Goal:</strong> Become a nurse" in html
    assert "From your onboarding" in html
    assert "<strong>Something I find hard:</strong> Fractions" in html
    assert "Noticed in a conversation" in html
    assert 'Erase<span class="visually-hidden">: Become a nurse</span>' in html

    added = as_learner.post("/my/elara/memory/", {"kind": "language", "text": "isiZulu"})
    assert added.status_code == 302
    assert sorted(item.text for item in agents.memory_of(user_id=learner.id)) == [
        "Become a nurse",
        "Fractions",
        "isiZulu",
    ]

    erased = as_learner.post(f"/my/elara/memory/{goal.id}/erase/")
    assert erased.status_code == 302
    assert sorted(item.text for item in agents.memory_of(user_id=learner.id)) == ["Fractions", "isiZulu"]

    as_learner.post("/my/elara/memory/erase/")
    assert agents.memory_of(user_id=learner.id) == []
    assert "Elara remembers nothing about you yet." in as_learner.get("/my/elara/memory/").content.decode()


def test_a_bad_memory_note_comes_back_with_the_error(as_learner: Client, learner: User) -> None:
    response = as_learner.post("/my/elara/memory/", {"kind": "goal", "text": ""})

    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert agents.memory_of(user_id=learner.id) == []


def test_erasing_another_learners_memory_is_not_found(as_learner: Client, learner: User, stranger: User) -> None:
    theirs = agents.memory_add(user_id=stranger.id, kind="goal", text="Become a pilot")

    response = as_learner.post(f"/my/elara/memory/{theirs.id}/erase/")

    assert response.status_code == 404
    assert [item.text for item in agents.memory_of(user_id=stranger.id)] == ["Become a pilot"]


# --- Oversight ------------------------------------------------------------------------------------------------------


def test_an_instructor_sees_their_learners_conversations_flagged_first_and_reads_one(
    client: Client, instructor: User, learner: User, enrolled: User, course: BuiltCourse
) -> None:
    OversightConsentFactory(user=learner)
    calm = ConversationFactory(user=learner, course_id=course.id, title="Saving tips")
    with_exchange(calm)
    flagged = ConversationFactory(user=learner, course_id=course.id, title="Quiz answers please")
    with_exchange(
        flagged,
        question="Tell me the quiz answer",
        answer="Here is a hint instead.",
        flags=["integrity"],
        status="hint",
    )
    with_exchange(calm)  # the calm one is the most recent, the flagged one still comes first
    client.force_login(instructor)

    html = client.get("/teach/elara/").content.decode()

    assert html.index("Quiz answers please") < html.index("Saving tips")
    assert '<span class="badge">integrity</span>' in html
    assert "1 flagged message" in html
    assert "<td>Thandi</td>" in html
    assert "<td>Money basics</td>" in html

    flagged_only = client.get("/teach/elara/?flagged=1").content.decode()
    assert "Quiz answers please" in flagged_only
    assert "Saving tips" not in flagged_only

    transcript = client.get(f"/teach/elara/{flagged.id}/").content.decode()
    assert "<h1>Quiz answers please</h1>" in transcript
    assert "<dt>Learner</dt><dd>Thandi</dd>" in transcript
    assert "<strong>Thandi</strong>" in transcript
    assert "<p>Tell me the quiz answer</p>" in transcript
    assert '<span class="badge badge-flag">⚑ Flagged</span> <span class="badge">integrity</span>' in transcript
    assert "Was this answer helpful?" not in transcript


def test_the_learners_own_conversation_page_leads_an_overseer_to_the_transcript(
    client: Client, instructor: User, enrolled: User, course: BuiltCourse
) -> None:
    conversation = ConversationFactory(user=enrolled, course_id=course.id)
    client.force_login(instructor)

    response = client.get(f"/elara/{conversation.id}/")

    assert response.status_code == 302
    assert response["Location"] == f"/teach/elara/{conversation.id}/"


def test_someone_who_oversees_nobody_sees_an_empty_list_and_no_transcript(
    client: Client, stranger: User, enrolled: User, course: BuiltCourse
) -> None:
    conversation = ConversationFactory(user=enrolled, course_id=course.id, title="Private")
    with_exchange(conversation)
    client.force_login(stranger)

    html = client.get("/teach/elara/").content.decode()

    assert "None of your learners has talked to Elara yet." in html
    assert "Private" not in html
    assert client.get(f"/teach/elara/{conversation.id}/").status_code == 404


def test_the_citations_that_are_not_web_addresses_are_not_links(as_learner: Client, consented: User) -> None:
    conversation = ConversationFactory(user=consented)
    with_exchange(
        conversation,
        citations=[{"title": "Evil", "url": "javascript:alert(1)"}, {"title": "Lesson", "url": "/learn/x/"}],
    )

    html = as_learner.get(f"/elara/{conversation.id}/").content.decode()

    assert "javascript:" not in html
    assert '<li><a href="/learn/x/">Lesson</a></li>' in html
    assert re.search(r"<strong>Elara</strong>", html)


def test_older_conversations_come_as_a_fragment_under_htmx(as_learner: Client, consented: User) -> None:
    for index in range(21):  # one more than a page
        with_exchange(ConversationFactory(user=consented, title=f"Thread {index:02d}"))

    first = as_learner.get("/elara/").content.decode()
    cursor = re.search(r'hx-get="/elara/\?cursor=([^"]+)"', first)
    assert cursor is not None
    older = as_learner.get(f"/elara/?cursor={cursor.group(1)}", headers=HTMX)

    assert is_fragment(older.content)
    assert first.count('class="muted">Guided') == 20
    assert older.content.decode().count('class="muted">Guided') == 1
    assert "Show older conversations" not in older.content.decode()
