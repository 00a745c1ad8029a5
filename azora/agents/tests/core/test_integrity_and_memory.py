"""Academic integrity end to end: a question of an open assessment attempt gets a Socratic hint (status `hint`),
never the answer; once the attempt is submitted the same question is answered. Memory notes from a question."""

from __future__ import annotations

import pytest

from azora.accounts.tests.factories import UserFactory
from azora.agents import public as agents
from azora.agents.models import Conversation, MemoryItem, Message
from azora.ai_routing.tests.servers import Behaviour, OpenAIServer
from azora.education import public as education
from azora.education.tests.factories_assessments import classroom
from azora.revenue.tests.pricing.factories import plan_catalogue
from azora.shared.models import OutboxEvent

pytestmark = pytest.mark.django_db

QUESTION = "Which tax does a company pay on its profits in South Africa?"


def test_a_question_of_an_open_attempt_gets_a_hint_not_the_answer(roster: object) -> None:
    plan_catalogue()
    room = classroom()
    question = room.question(
        kind="short_text", prompt=QUESTION, definition={"accepted": ["Company income tax"], "match": "casefold"}
    )
    attempt = education.attempt_start(assessment_id=room.assessment(questions=[question]).id, user_id=room.learner.id)
    agents.oversight_consent_give(user_id=room.learner.id)
    conversation_id = agents.conversation_start(user_id=room.learner.id, course_id=room.course.id).id

    stream = agents.message_stream(
        conversation_id=conversation_id,
        user_id=room.learner.id,
        text="Quick: which tax does a company pay on its profits in South Africa?",
    )
    streamed = "".join(stream)
    assert stream.result is not None
    answer = stream.result.answer
    assert (stream.result.question.status, answer.status, answer.flags) == ("hint", "hint", ("integrity",))
    assert streamed == answer.content
    assert "company income tax" not in answer.content.casefold()
    assert "submit" in answer.content.casefold()
    conversation = Conversation.objects.get(id=conversation_id)
    assert conversation.flagged_at is not None
    assert OutboxEvent.objects.filter(event_type="agents.conversation_flagged").count() == 1
    assert agents.questions_used_this_month(user_id=room.learner.id) == 1  # a hint is an answer

    education.attempt_submit(attempt_id=attempt.id, user_id=room.learner.id)
    after = agents.message_send(
        conversation_id=conversation_id,
        user_id=room.learner.id,
        text="Quick: which tax does a company pay on its profits in South Africa?",
    )
    assert (after.answer.status, after.answer.flags) == ("complete", ())


def test_goals_noticed_in_a_question_go_to_the_learners_memory(roster: object) -> None:
    plan_catalogue()
    learner = UserFactory()
    agents.oversight_consent_give(user_id=learner.id)
    conversation_id = agents.conversation_start(user_id=learner.id).id
    agents.message_send(
        conversation_id=conversation_id, user_id=learner.id, text="I want to become a nurse. What should I study?"
    )
    assert list(MemoryItem.objects.filter(user_id=learner.id).values_list("kind", "source")) == [
        ("goal", "conversation")
    ]
    # A question that was not answered teaches nothing about the learner.
    other = UserFactory()
    agents.oversight_consent_give(user_id=other.id)
    other_thread = agents.conversation_start(user_id=other.id).id
    agents.message_send(
        conversation_id=other_thread,
        user_id=other.id,
        text="Ich möchte Krankenschwester werden. Was soll ich bitte lernen?",
    )
    assert Message.objects.filter(conversation_id=other_thread, status="unavailable").count() == 2
    assert MemoryItem.objects.filter(user_id=other.id).count() == 0


def test_an_answer_that_states_an_open_questions_answer_becomes_a_hint(roster: object, external: OpenAIServer) -> None:
    """The input check misses a reworded question; the answer is held back during the attempt and checked."""
    plan_catalogue()
    room = classroom()
    question = room.question(kind="single_choice", prompt="Which currency is legal tender in South Africa?")
    education.attempt_start(assessment_id=room.assessment(questions=[question]).id, user_id=room.learner.id)
    agents.oversight_consent_give(user_id=room.learner.id)
    conversation_id = agents.conversation_start(user_id=room.learner.id, course_id=room.course.id).id
    external.script.default = Behaviour(text="Shops in Johannesburg take the Rand. Coins and notes both work.")

    stream = agents.message_stream(
        conversation_id=conversation_id, user_id=room.learner.id, text="How do people pay in Johannesburg shops?"
    )
    chunks = list(stream)
    assert stream.result is not None
    answer = stream.result.answer
    assert (answer.status, answer.flags) == ("hint", ("integrity",))
    assert chunks == [answer.content]  # nothing of the model's answer was streamed
    assert "rand" not in answer.content.casefold()
    assert not Message.objects.filter(content__icontains="take the Rand").exists()

    # An answer that reveals nothing is streamed whole once checked.
    external.script.default = Behaviour(text="Photosynthesis feeds plants. Light is the key.")
    stream = agents.message_stream(
        conversation_id=conversation_id, user_id=room.learner.id, text="What is photosynthesis about?"
    )
    chunks = list(stream)
    assert stream.result is not None
    assert stream.result.answer.status == "complete"
    assert chunks == [stream.result.answer.content]  # one chunk, after the check
    assert chunks[0].startswith("Photosynthesis feeds plants. Light is the key.")
