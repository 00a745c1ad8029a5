"""Which facts the learner asked for (issue 7, gap 4): under AI Routing's FACTS_HEADING (a model reads them, the
offline provider quotes them) or as background for a model only; search_content's summary is never a fact."""

from __future__ import annotations

import pytest

from azora.accounts.tests.factories import UserFactory
from azora.agents.tests.tools.conftest import agent
from azora.agents.tools import BACKGROUND_HEADING, ToolContext, ToolResult, gather
from azora.agents.tools.career import about_matches
from azora.agents.tools.learning import about_own_grades, about_progress
from azora.agents.tools.money import about_account
from azora.ai_routing.public import FACTS_HEADING

pytestmark = pytest.mark.django_db

NOT_ENROLLED = "- learner_progress: The learner is not enrolled in any course yet."


def test_the_default_agent_lists_progress_as_background_for_a_lesson_question() -> None:
    context = gather(agent=agent("learner_progress"), user_id=UserFactory().id, text="What is a fraction?")
    assert [result.asked for result in context.results] == [False]
    assert context.as_prompt() == f"{BACKGROUND_HEADING}\n{NOT_ENROLLED}"


def test_the_default_agent_lists_progress_as_a_fact_when_asked_for_it() -> None:
    context = gather(agent=agent("learner_progress"), user_id=UserFactory().id, text="How far am I in my courses?")
    assert context.as_prompt() == f"{FACTS_HEADING}\n{NOT_ENROLLED}"


def test_a_specialist_s_facts_are_background_for_a_lesson_question() -> None:
    # Routed to Kofi for a budgeting lesson question: the wallet is not what was asked.
    kofi = agent("wallet_balance", slug="kofi")
    learner = UserFactory().id
    lesson = gather(agent=kofi, user_id=learner, text="Should I budget on my gross salary?")
    assert lesson.as_prompt() == (
        f"{BACKGROUND_HEADING}\n- wallet_balance: The learner has no AZR wallet yet, so their balance is 0.00 AZR."
    )
    asked = gather(agent=kofi, user_id=learner, text="How many AZR do I have?")
    assert asked.as_prompt() == (
        f"{FACTS_HEADING}\n- wallet_balance: The learner has no AZR wallet yet, so their balance is 0.00 AZR."
    )


def test_grading_in_general_is_not_a_question_about_the_learner_s_grades() -> None:
    context = gather(
        agent=agent("learner_grades"), user_id=UserFactory().id, text="What role does the NCOP play in passing a law?"
    )
    assert [(result.tool, result.asked) for result in context.results] == [("learner_grades", False)]


def test_a_tool_that_runs_only_when_relevant_is_asked_for() -> None:
    context = gather(agent=agent("learner_grades"), user_id=UserFactory().id, text="What are my marks?")
    assert [(result.tool, result.asked) for result in context.results] == [("learner_grades", True)]
    assert context.as_prompt().startswith(f"{FACTS_HEADING}\n- learner_grades: ")


def test_search_content_s_summary_is_not_a_fact() -> None:
    context = ToolContext(
        results=(
            ToolResult(tool="search_content", ok=True, summary="No lesson of the learner's courses matches."),
            ToolResult(tool="wallet_balance", ok=True, summary="AZR wallet: 1.00 AZR available."),
        )
    )
    assert context.as_prompt().endswith(f"{FACTS_HEADING}\n- wallet_balance: AZR wallet: 1.00 AZR available.")
    assert "- search_content" not in context.as_prompt()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("How am I doing?", True),
        ("Which lesson should I take next?", True),
        ("Quelle est ma progression ?", True),
        ("Nimemaliza somo, ipi inayofuata?", True),
        ("Which lesson is next?", False),  # not about the learner: no first person
        ("What is photosynthesis?", False),
    ],
)
def test_a_question_about_progress(text: str, expected: bool) -> None:
    assert about_progress(text) is expected


@pytest.mark.parametrize(
    ("check", "text", "expected"),
    [
        (about_account, "What is my wallet balance?", True),
        (about_account, "Ni AZR ngapi ziko kwenye pochi yangu?", True),
        (about_account, "What is a budget?", False),
        (about_own_grades, "Did I pass the quiz?", True),
        (about_own_grades, "What role does the NCOP play in passing a law?", False),
        (about_matches, "Which jobs match my skills?", True),
        (about_matches, "How do I write a CV?", False),
    ],
    ids=["wallet", "wallet-sw", "budget", "own-grade", "passing-a-law", "jobs", "cv"],
)
def test_what_counts_as_asking_for_the_learner_s_facts(check: object, text: str, expected: bool) -> None:
    assert check(text) is expected  # type: ignore[operator]
