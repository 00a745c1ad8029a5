"""message_send end to end against the offline `local` provider (the embedded default) and the real constitution:
validation before anything is written, the stored exchange, citations, routing, languages, the allowance."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from azora.accounts.tests.factories import UserFactory
from azora.agents import public as agents
from azora.agents.errors import (
    ConsentRequired,
    ConversationNotFound,
    MessageEmpty,
    MessageTooLong,
    QuestionLimitReached,
)
from azora.agents.models import Agent, Conversation, Message
from azora.agents.tests.core.conftest import Classroom, nothing_written, thread
from azora.agents.tests.factories import MessageFactory
from azora.ai_routing.models import Usage
from azora.ai_routing.tests.servers import OpenAIServer
from azora.revenue.public import entitlement_check

pytestmark = pytest.mark.django_db


# --- Validation: raises before anything is written ---


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_an_empty_message_is_refused_and_nothing_is_written(room: Classroom, text: str) -> None:
    conversation_id = thread(room)
    before = nothing_written()
    with pytest.raises(MessageEmpty):
        agents.message_send(conversation_id=conversation_id, user_id=room.learner.id, text=text)
    assert nothing_written() == before
    assert Conversation.objects.get(id=conversation_id).message_count == 0


@override_settings(AZORA_AGENTS_MESSAGE_MAX_CHARS=50)
def test_an_oversized_message_is_refused_with_the_limit(room: Classroom) -> None:
    conversation_id = thread(room)
    before = nothing_written()
    with pytest.raises(MessageTooLong) as raised:
        agents.message_send(conversation_id=conversation_id, user_id=room.learner.id, text="x" * 51)
    assert raised.value.extra == {"limit": 50, "length": 51}
    assert nothing_written() == before
    # Exactly the limit (surrounding blanks do not count) is fine.
    exchange = agents.message_send(conversation_id=conversation_id, user_id=room.learner.id, text=f"  {'y' * 50} ")
    assert exchange.question.content == "y" * 50


def test_another_learners_conversation_is_not_found(room: Classroom) -> None:
    conversation_id = thread(room)
    stranger = UserFactory()
    agents.oversight_consent_give(user_id=stranger.id)
    before = nothing_written()
    with pytest.raises(ConversationNotFound):
        agents.message_send(conversation_id=conversation_id, user_id=stranger.id, text="What is photosynthesis?")
    assert nothing_written() == before


def test_no_consent_no_question(room: Classroom) -> None:
    learner = UserFactory()
    conversation_id = agents.conversation_start(user_id=learner.id).id
    assert agents.oversight_consent_given(user_id=learner.id) is False
    before = nothing_written()
    with pytest.raises(ConsentRequired) as raised:
        agents.message_send(conversation_id=conversation_id, user_id=learner.id, text="What is photosynthesis?")
    assert raised.value.extra == {"notice_version": agents.OVERSIGHT_NOTICE_VERSION}
    assert nothing_written() == before

    agents.oversight_consent_give(user_id=learner.id)
    agents.oversight_consent_give(user_id=learner.id)  # idempotent
    assert agents.oversight_consent_given(user_id=learner.id) is True
    assert agents.message_send(conversation_id=conversation_id, user_id=learner.id, text="Hi").answer.status


def test_the_free_plans_allowance_is_ten_questions_a_month(room: Classroom) -> None:
    conversation_id = thread(room)
    conversation = Conversation.objects.get(id=conversation_id)
    # Nine answered questions this month, one last month, and some that do not count.
    for _ in range(9):
        MessageFactory(conversation=conversation, role="user", status="complete")
    MessageFactory(conversation=conversation, role="user", status="unavailable")
    MessageFactory(conversation=conversation, role="user", status="interrupted")
    Message.objects.filter(id=MessageFactory(conversation=conversation, role="user").id).update(
        created_at=timezone.now().replace(day=1, hour=0, minute=0, second=0, microsecond=0) - timedelta(seconds=1)
    )
    MessageFactory(conversation=conversation, role="assistant", status="complete")
    assert agents.questions_used_this_month(user_id=room.learner.id) == 9

    exchange = agents.message_send(conversation_id=conversation_id, user_id=room.learner.id, text="Define a leaf")
    assert exchange.answer.status == "complete"
    assert agents.questions_used_this_month(user_id=room.learner.id) == 10
    before = (Message.objects.count(), Usage.objects.count())

    with pytest.raises(QuestionLimitReached) as raised:
        agents.message_send(conversation_id=conversation_id, user_id=room.learner.id, text="What is chlorophyll?")
    assert raised.value.extra == {"limit": 10, "used": 10, "plan": "free"}
    assert (Message.objects.count(), Usage.objects.count()) == before


def test_the_counter_is_registered_with_the_revenue_engine(room: Classroom) -> None:
    conversation_id = thread(room)
    agents.message_send(conversation_id=conversation_id, user_id=room.learner.id, text="What is photosynthesis?")
    view = entitlement_check(user_id=room.learner.id, name="elara_questions_per_month")
    assert (view.limit, view.used, view.remaining, view.allowed, view.plan_code) == (10, 1, 9, True, "free")


# --- The stored exchange, from the offline provider ---


def test_a_tutoring_question_gets_a_cited_answer_from_the_offline_provider(room: Classroom) -> None:
    conversation_id = thread(room)
    exchange = agents.message_send(
        conversation_id=conversation_id,
        user_id=room.learner.id,
        text="  How does photosynthesis turn sunlight into chemical energy?  ",
        request_id="req-agents-1",
    )
    question, answer = exchange.question, exchange.answer
    lesson = room.lessons[0]
    assert (question.role, question.content, question.status) == (
        "user",
        "How does photosynthesis turn sunlight into chemical energy?",
        "complete",
    )
    assert (answer.role, answer.status, answer.agent_slug, answer.agent_name) == (
        "assistant",
        "complete",
        "elara",
        "Elara",
    )
    assert "offline assistant" in answer.content
    assert "Chlorophyll in the leaves captures the light" in answer.content
    assert answer.citations[0].title == "Plant biology: Photosynthesis"
    assert answer.citations[0].url == f"/learn/{lesson.id}/"
    assert len({(c.title, c.url) for c in answer.citations}) == len(answer.citations)  # deduplicated
    assert answer.routing is not None
    assert answer.routing.agent_slug == "elara"
    assert answer.routing.intent == "tutoring"
    assert answer.flags == ()
    assert answer.latency_ms is not None
    assert answer.first_token_ms == answer.latency_ms

    stored = Message.objects.get(id=answer.id)
    assert (stored.provider, stored.language, stored.intent) == ("local", "en", "tutoring")
    assert stored.usage_id is not None
    assert stored.input_decision_id is not None
    usage = Usage.objects.get(id=stored.usage_id)
    assert (usage.purpose, usage.plan, usage.request_id, usage.user_id) == (
        "tutor",
        "free",
        "req-agents-1",
        room.learner.id,
    )
    conversation = Conversation.objects.get(id=conversation_id)
    assert conversation.message_count == 2
    assert conversation.title == "How does photosynthesis turn sunlight into chemical energy?"
    assert conversation.last_message_at is not None
    assert conversation.flagged_at is None
    assert [m.role for m in Message.objects.filter(conversation_id=conversation_id).order_by("id")] == [
        "user",
        "assistant",
    ]


def test_the_title_is_the_first_question_shortened_and_kept(room: Classroom) -> None:
    conversation_id = thread(room)
    long_question = "Please explain " + "photosynthesis and chlorophyll " * 6
    agents.message_send(conversation_id=conversation_id, user_id=room.learner.id, text=long_question)
    agents.message_send(conversation_id=conversation_id, user_id=room.learner.id, text="And fractions?")
    conversation = Conversation.objects.get(id=conversation_id)
    assert conversation.title.endswith("…")
    assert len(conversation.title) <= 80
    assert conversation.title.startswith("Please explain photosynthesis and chlorophyll")
    assert conversation.message_count == 4


def test_a_money_question_is_routed_to_kofi_and_the_decision_is_stored(room: Classroom) -> None:
    conversation_id = thread(room)
    exchange = agents.message_send(
        conversation_id=conversation_id, user_id=room.learner.id, text="How many AZR rewards did I earn?"
    )
    assert (exchange.answer.agent_slug, exchange.answer.agent_name) == ("kofi", "Kofi")
    assert exchange.answer.routing is not None
    assert exchange.answer.routing.intent == "money"
    stored = Message.objects.get(id=exchange.answer.id)
    assert stored.routing == {
        "intent": "money",
        "agent_slug": "kofi",
        "score": 3.0,
        "reasons": ["intent money from: azr, reward, earn"],
    }
    assert Message.objects.get(id=exchange.question.id).intent == "money"


def test_with_no_source_the_answer_says_so(room: Classroom) -> None:
    conversation_id = thread(room)
    exchange = agents.message_send(
        conversation_id=conversation_id, user_id=room.learner.id, text="Explain quantum chromodynamics gluons"
    )
    assert exchange.answer.citations == ()
    assert exchange.answer.status == "complete"
    assert exchange.answer.content.endswith(str(agents_no_source_note()))


def agents_no_source_note() -> str:
    from azora.agents.services.orchestrator import no_source_note

    return no_source_note()


def test_a_message_in_an_unserved_language_gets_a_graceful_answer_without_a_model(room: Classroom) -> None:
    conversation_id = thread(room)
    exchange = agents.message_send(
        conversation_id=conversation_id,
        user_id=room.learner.id,
        text="¿Qué es la fotosíntesis? Explícame por favor cómo funciona.",
    )
    assert (exchange.question.status, exchange.answer.status, exchange.answer.agent_slug) == (
        "unavailable",
        "unavailable",
        "elara",
    )
    assert "English, French, Portuguese, Afrikaans, Kiswahili" in exchange.answer.content
    assert exchange.answer.routing is not None
    assert exchange.answer.routing.intent == "language"
    assert Usage.objects.count() == 0  # no model call
    assert Message.objects.get(id=exchange.answer.id).language == "es"
    assert agents.questions_used_this_month(user_id=room.learner.id) == 0
    assert Conversation.objects.get(id=conversation_id).message_count == 2


def test_history_leaves_out_exchanges_that_were_not_answered(room: Classroom) -> None:
    from azora.agents.selectors.conversations import history_of

    conversation_id = thread(room)
    agents.message_send(conversation_id=conversation_id, user_id=room.learner.id, text="What is photosynthesis?")
    agents.message_send(
        conversation_id=conversation_id, user_id=room.learner.id, text="Was ist das? Bitte erklären Sie mir das."
    )
    history = history_of(conversation_id=conversation_id, limit=10)
    assert [(m.role, m.content[:23]) for m in history] == [
        ("user", "What is photosynthesis?"),
        ("assistant", "I am Azora's offline as"),
    ]
    assert history_of(conversation_id=conversation_id, limit=1) == []  # never starts on an answer


def test_a_failing_tool_does_not_cost_the_answer(room: Classroom, roster: dict[str, Agent]) -> None:
    from azora.agents import tools

    def explode(request: tools.ToolRequest) -> tools.ToolResult:
        raise RuntimeError("the wallet service is down")

    tools.register_tool("explode_for_test", explode, description="Always fails.")
    Agent.objects.filter(slug="elara").update(tools=["explode_for_test", "search_content"])
    try:
        conversation_id = thread(room)
        exchange = agents.message_send(
            conversation_id=conversation_id, user_id=room.learner.id, text="What is photosynthesis?"
        )
    finally:
        tools._tools.pop("explode_for_test", None)
    assert exchange.answer.status == "complete"
    assert exchange.answer.tools_used == ("search_content",)
    assert exchange.answer.citations[0].title == "Plant biology: Photosynthesis"


def test_the_tools_context_reaches_the_model_numbered(room: Classroom, external: OpenAIServer) -> None:
    conversation_id = thread(room)
    exchange = agents.message_send(
        conversation_id=conversation_id, user_id=room.learner.id, text="How does chlorophyll capture light?"
    )
    system = [m["content"] for m in external.script.received[-1].body["messages"] if m["role"] == "system"]
    assert any("[1] Plant biology: Photosynthesis" in content for content in system)
    assert exchange.answer.citations[0].url == f"/learn/{room.lessons[0].id}/"
    assert "search_content" in exchange.answer.tools_used
