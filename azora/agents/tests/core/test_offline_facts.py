"""With the offline provider, the agents' answers state the facts their tools read (issue 7, gap 4): the agents put
the facts the learner asked for under AI Routing's FACTS_HEADING, and the offline provider quotes them (the answer
still goes through the constitution's output rail like any model's)."""

from __future__ import annotations

import uuid

import pytest

from azora.agents import public as agents
from azora.agents.tests.core.conftest import Classroom, thread
from azora.finance.public import accounts_of_user, balance
from azora.finance.tests.factories import wallet_with
from azora.revenue.public import reward_month_summary
from azora.revenue.services import rewards

pytestmark = pytest.mark.django_db

INTRO = (
    "I am Azora's offline assistant: no AI model is connected, so I answer only from your account and the "
    "platform's lessons. Here is what your account shows:\n\n"
)


def ledger_balance(user_id: uuid.UUID) -> str:
    (wallet,) = [account for account in accounts_of_user(user_id=user_id) if account.code == "wallet"]
    return str(balance(account_id=wallet.id).available)


def test_kofi_states_the_exact_wallet_balance_from_the_ledger(room: Classroom) -> None:
    wallet_with(1250, user_id=room.learner.id)
    wallet_with(99_900)  # someone else's
    rewards.reward_grant(
        user_id=room.learner.id,
        item="lesson_completion",
        item_id=uuid.uuid4(),
        course_id=room.course.id,
        event_id=uuid.uuid4(),
        event_type="education.lesson_completed",
    )
    available = ledger_balance(room.learner.id)
    month = reward_month_summary(user_id=room.learner.id)

    exchange = agents.message_send(
        conversation_id=thread(room), user_id=room.learner.id, text="What is my wallet balance?"
    )

    assert (exchange.answer.agent_slug, exchange.answer.status) == ("kofi", "complete")
    assert available != "12.50 AZR"  # the reward was paid into the wallet: the ledger, not the fixture, decides
    wallet_line = f"- AZR wallet: {available} available ({available} posted, 0.00 AZR held by pending transfers).\n"
    assert exchange.answer.content.startswith(INTRO + wallet_line)
    rewards_line = (
        f"- Learn-to-earn this month ({month.month:%B %Y}): earned {month.earned} of the plan's monthly cap "
        f"{month.cap} ({month.remaining} left)"
    )
    assert rewards_line in exchange.answer.content
    assert "99.00 AZR" not in exchange.answer.content
    assert "99 900" not in exchange.answer.content


def test_kofi_streams_the_same_facts(room: Classroom) -> None:
    wallet_with(1250, user_id=room.learner.id)
    stream = agents.message_stream(
        conversation_id=thread(room), user_id=room.learner.id, text="How many AZR do I have?"
    )
    text = "".join(stream)
    assert stream.result is not None
    assert "- AZR wallet: 12.50 AZR available (12.50 AZR posted, 0.00 AZR held by pending transfers)." in text
    assert stream.result.answer.content.startswith(INTRO + "- AZR wallet: 12.50 AZR available")


def test_a_learner_without_a_wallet_is_told_the_balance_is_zero(room: Classroom) -> None:
    exchange = agents.message_send(conversation_id=thread(room), user_id=room.learner.id, text="Kofi, my balance?")
    assert exchange.answer.content.startswith(
        INTRO + "- The learner has no AZR wallet yet, so their balance is 0.00 AZR.\n"
    )


def test_themba_states_progress_grades_and_next_lessons(room: Classroom) -> None:
    exchange = agents.message_send(
        conversation_id=thread(room), user_id=room.learner.id, text="Themba, what are my grades and progress?"
    )
    first, _ = room.lessons
    assert exchange.answer.agent_slug == "themba"
    assert exchange.answer.content.startswith(
        INTRO
        + '- Enrolled in: "Plant biology" (active): 0% done, 0 of 2 required lessons, resume at "Photosynthesis".\n'
        + '- Course grades: "Plant biology": no grade yet (Nothing has been scored yet, so there is no grade yet.)\n'
        + f'- Next lessons of "Plant biology": "Photosynthesis" (lesson 1 of 2, 10 min, /learn/{first.id}/)'
    )


def test_elara_states_progress_when_asked_for_it(room: Classroom) -> None:
    exchange = agents.message_send(
        conversation_id=thread(room), user_id=room.learner.id, text="What should I do next in my course?"
    )
    assert exchange.answer.agent_slug == "elara"
    assert exchange.answer.content.startswith(
        INTRO
        + '- Enrolled in: "Plant biology" (active): 0% done, 0 of 2 required lessons, resume at "Photosynthesis".\n'
        + '- Next lessons of "Plant biology": "Photosynthesis" (lesson 1 of 2'
    )


def test_elara_keeps_progress_as_background_for_a_lesson_question(room: Classroom) -> None:
    exchange = agents.message_send(
        conversation_id=thread(room), user_id=room.learner.id, text="What is photosynthesis?"
    )
    assert exchange.answer.content.startswith(
        "I am Azora's offline assistant: no AI model is connected, so I answer only from the platform's lessons. "
        "Here is what the lessons say:\n\nPhotosynthesis is how green plants turn sunlight into chemical energy."
    )
    assert "Enrolled in" not in exchange.answer.content
    assert exchange.answer.tools_used == ("search_content", "learner_progress", "recommend_lessons")
