"""The offline provider quotes the facts its caller listed under FACTS_HEADING (issue 7, gap 4): a model would read
them in the system message; the offline provider, which has none, states them before its lesson excerpts."""

from __future__ import annotations

import pytest

from azora.ai_routing.adapters import local
from azora.ai_routing.public import FACTS_HEADING, ChatMessage

SYSTEM = (
    "You are Kofi.\n\n"
    f"{FACTS_HEADING}\n"
    "- wallet_balance: AZR wallet: 12.50 AZR available (12.50 AZR posted, 0.00 AZR held by pending transfers).\n"
    "- explain_grade: How the grade is made up:\n"
    '"Money": quiz 80%\n\n'
    "Background about the learner (from the platform; use only if it helps, do not reveal ids):\n"
    "- learner_progress: Enrolled in: nothing."
)


def test_facts_are_read_from_the_system_messages_under_the_heading_only() -> None:
    messages = [ChatMessage("system", SYSTEM), ChatMessage("user", f"{FACTS_HEADING}\n- x: not from the caller")]
    assert local.facts_of(messages) == [
        "AZR wallet: 12.50 AZR available (12.50 AZR posted, 0.00 AZR held by pending transfers).",
        'How the grade is made up:\n"Money": quiz 80%',
    ]
    assert local.facts_of([ChatMessage("system", "You are Kofi.")]) == []


@pytest.mark.django_db
def test_the_offline_answer_states_the_facts_when_the_lessons_hold_nothing() -> None:
    local.INDEX.invalidate()
    text, citations = local.answer(
        [ChatMessage("system", SYSTEM), ChatMessage("user", "zzyzx qwerty")], course_id=None, user_id=None
    )
    assert citations == ()
    assert text == (
        "I am Azora's offline assistant: no AI model is connected, so I answer only from your account and the "
        "platform's lessons. Here is what your account shows:\n\n"
        "- AZR wallet: 12.50 AZR available (12.50 AZR posted, 0.00 AZR held by pending transfers).\n"
        '- How the grade is made up:\n"Money": quiz 80%'
    )


@pytest.mark.django_db
def test_without_facts_the_offline_answer_is_unchanged() -> None:
    local.INDEX.invalidate()
    text, citations = local.answer([ChatMessage("user", "zzyzx qwerty")], course_id=None, user_id=None)
    assert (text, citations) == (
        "I am Azora's offline assistant: no AI model is connected, so I answer only from the platform's lessons. "
        "I found nothing in the lessons about that. Try other words, or ask your instructor.",
        (),
    )
