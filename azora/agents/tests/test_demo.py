"""The agents demo: the demo learner's conversation with Elara (and Kofi) about the course they are learning."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from azora.accounts.public import active_user_id_by_email
from azora.agents import public as agents
from azora.agents.demo import DEMO_COURSE_SLUG, DEMO_QUESTIONS
from azora.agents.models import Conversation, Message, OversightConsent
from azora.ai_routing.adapters.local import INDEX
from azora.education.models import Course, Enrollment
from azora.shared import demo
from azora.shared.models import OutboxEvent

pytestmark = pytest.mark.django_db

AGENTS_ORDER = 70


@pytest.fixture(autouse=True)
def _fresh_router() -> Iterator[None]:
    """Fresh rate counters and response cache; the offline index rebuilt from this test's lessons."""
    cache.clear()
    INDEX.invalidate()
    yield
    cache.clear()
    INDEX.invalidate()


def _load(*names: str, capture: Any) -> None:
    with capture(execute=True):
        demo.load_demo_data(only=list(names))


def _below_agents() -> list[str]:
    return [entry.name for entry in demo.registered_loaders() if entry.order < AGENTS_ORDER]


def _counts() -> tuple[int, ...]:
    return (
        Conversation.objects.count(),
        Message.objects.count(),
        OversightConsent.objects.count(),
        Enrollment.objects.count(),
        OutboxEvent.objects.count(),
    )


def test_the_agents_demo_runs_after_education_and_revenue_and_before_onboarding() -> None:
    orders = {entry.name: entry.order for entry in demo.registered_loaders()}
    assert orders["agents"] == AGENTS_ORDER
    assert max(orders["accounts"], orders["education"], orders["revenue.checkout"]) < orders["agents"]
    assert orders["agents"] < orders["onboarding"]


def test_the_demo_learner_has_one_cited_conversation_with_elara_and_kofi(
    django_capture_on_commit_callbacks: Any,
) -> None:
    _load(*_below_agents(), capture=django_capture_on_commit_callbacks)
    learner_id = active_user_id_by_email(email="learner@azora.local")
    assert learner_id is not None
    course = Course.objects.get(slug=DEMO_COURSE_SLUG)

    _load("agents", capture=django_capture_on_commit_callbacks)

    assert agents.oversight_consent_given(user_id=learner_id) is True
    page = agents.conversations_of(user_id=learner_id)
    assert len(page.items) == 1
    conversation = page.items[0]
    assert conversation.course_id == course.id
    assert conversation.message_count == 6
    assert conversation.title.startswith("What is a variable in Python")
    detail = agents.conversation_get(conversation_id=conversation.id, viewer_id=learner_id)
    questions = [message for message in detail.messages if message.role == "user"]
    answers = [message for message in detail.messages if message.role == "assistant"]
    assert [message.content for message in questions] == list(DEMO_QUESTIONS)
    assert [message.role for message in detail.messages] == ["user", "assistant"] * 3
    assert [answer.status for answer in answers] == ["complete", "complete", "complete"]
    assert [answer.agent_slug for answer in answers] == ["elara", "elara", "kofi"]
    assert [answer.routing.intent for answer in answers if answer.routing] == ["tutoring", "tutoring", "money"]
    # Real answers of the offline provider, each citing lessons: Elara's the Python lessons of the course.
    assert all(answer.content and answer.citations for answer in answers)
    for answer in answers[:2]:
        assert answer.citations[0].title.startswith("Python basics: ")
        assert all(citation.url.startswith("/learn/") for citation in answer.citations)
    assert {"wallet_balance", "rewards_summary"} <= set(answers[2].tools_used)
    assert agents.questions_used_this_month(user_id=learner_id) == 3

    # A second run (every embedded start) changes nothing.
    before = _counts()
    _load("agents", capture=django_capture_on_commit_callbacks)
    assert _counts() == before


def test_a_learner_who_already_talked_to_elara_gets_no_demo_conversation(
    django_capture_on_commit_callbacks: Any,
) -> None:
    _load("accounts", "education", capture=django_capture_on_commit_callbacks)
    learner_id = active_user_id_by_email(email="learner@azora.local")
    assert learner_id is not None
    agents.conversation_start(user_id=learner_id)
    before = _counts()

    _load("agents", capture=django_capture_on_commit_callbacks)

    assert _counts() == before
    assert agents.oversight_consent_given(user_id=learner_id) is False


def test_without_the_demo_course_nothing_is_written_and_the_start_goes_on(
    django_capture_on_commit_callbacks: Any, caplog: pytest.LogCaptureFixture
) -> None:
    _load("accounts", capture=django_capture_on_commit_callbacks)  # no education demo: no course
    learner_id = active_user_id_by_email(email="learner@azora.local")
    assert learner_id is not None
    before = _counts()

    with caplog.at_level(logging.WARNING, logger="azora.agents.demo"):
        _load("agents", capture=django_capture_on_commit_callbacks)

    assert _counts() == before
    assert agents.oversight_consent_given(user_id=learner_id) is False
    assert [record.getMessage() for record in caplog.records if record.name == "azora.agents.demo"] == [
        f"Agents demo skipped: the demo course {DEMO_COURSE_SLUG} does not exist."
    ]


def test_without_the_demo_accounts_it_logs_and_returns(
    django_capture_on_commit_callbacks: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="azora.agents.demo"):
        _load("agents", capture=django_capture_on_commit_callbacks)

    assert _counts() == (0, 0, 0, 0, 0)
    assert [record.getMessage() for record in caplog.records if record.name == "azora.agents.demo"] == [
        "Agents demo skipped: the demo account learner@azora.local does not exist."
    ]
