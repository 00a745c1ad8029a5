"""The intent router (pure): keywords in the served languages, names, ties to tutoring, the roster's intents."""

from __future__ import annotations

import pytest

from azora.agents.public.views import RoutingView
from azora.agents.routing import AgentFacts, classify, route

ROSTER = [
    AgentFacts("elara", "Elara", ("tutoring",), True),
    AgentFacts("kofi", "Kofi", ("money",), False),
    AgentFacts("naledi", "Naledi", ("career",), False),
    AgentFacts("themba", "Themba", ("planning", "motivation"), False),
    AgentFacts("sankofa", "Sankofa", ("history",), False),
]


@pytest.mark.parametrize(
    ("text", "agent", "intent"),
    [
        ("What is photosynthesis?", "elara", "tutoring"),
        ("Balance chemical equations", "elara", "tutoring"),
        ("Explain the lesson about budgeting", "elara", "tutoring"),
        ("How many AZR rewards did I earn this month?", "kofi", "money"),
        ("What is my wallet balance?", "kofi", "money"),
        ("Quel est le solde de mon portefeuille ?", "kofi", "money"),
        ("Ek wil my geld spaar", "kofi", "money"),
        ("Nina pesa ngapi kwenye mkoba wangu?", "kofi", "money"),
        ("How do I write a CV for my first job?", "naledi", "career"),
        ("Je veux trouver un emploi", "naledi", "career"),
        ("Como me preparo para uma entrevista de emprego?", "naledi", "career"),
        ("Can you help me make a plan for my exams? The deadline is Friday", "themba", "planning"),
        ("Preciso de um cronograma para estudar", "themba", "planning"),
        ("I keep failing the quiz and I want to give up", "themba", "motivation"),
        ("Nashindwa kila mara, nimekata tamaa", "themba", "motivation"),
        ("Why did people start using money? Tell me the history", "sankofa", "history"),
        ("What is the history of Ubuntu philosophy?", "sankofa", "history"),
        ("Nataka kujua historia ya Mansa Musa", "sankofa", "history"),
        ("Vertel my die geskiedenis van Mapungubwe", "sankofa", "history"),
        ("What happened in Sharpeville, where the Constitution was signed?", "sankofa", "history"),
        ("What do credit bureaus do with my payment history?", "kofi", "money"),
        ("How much notice must be given to end employment?", "elara", "tutoring"),
        ("Who was Thomas Sankara?", "sankofa", "history"),
        ("What kind of work can I do with a certificate in accounting?", "naledi", "career"),
        ("I cannot concentrate when I study at night", "themba", "motivation"),
    ],
)
def test_intents_route_to_the_agent_that_takes_them(text: str, agent: str, intent: str) -> None:
    decision = route(text, ROSTER)
    assert (decision.agent_slug, decision.intent) == (agent, intent)


def test_the_decision_says_why() -> None:
    assert route("What is my wallet balance?", ROSTER) == RoutingView(
        intent="money", agent_slug="kofi", score=2.5, reasons=("intent money from: wallet, wallet balance",)
    )
    assert route("Hello there", ROSTER) == RoutingView(
        intent="tutoring",
        agent_slug="elara",
        score=0.0,
        reasons=("no other agent's topic recognised; the default agent answers",),
    )


@pytest.mark.parametrize(
    ("text", "agent"),
    [
        ("Kofi, explain fractions", "kofi"),
        ("Hi Themba: what is a noun?", "themba"),
        ("please ask @sankofa about this", "sankofa"),
        ("NALEDI what is photosynthesis", "naledi"),
    ],
)
def test_naming_an_agent_routes_to_it(text: str, agent: str) -> None:
    decision = route(text, ROSTER)
    assert decision.agent_slug == agent
    assert decision.reasons[0].startswith("addressed by name")


def test_a_name_in_the_middle_is_not_an_address() -> None:
    assert route("Why is the Kofi name common in Ghana? Explain the lesson", ROSTER).agent_slug == "elara"


def test_an_intent_no_active_agent_takes_goes_to_the_default() -> None:
    roster = [agent for agent in ROSTER if agent.slug != "kofi"]
    decision = route("What is my wallet balance?", roster)
    assert (decision.intent, decision.agent_slug) == ("money", "elara")
    assert decision.reasons[-1] == "no active agent takes money; the default agent answers"


def test_ties_go_to_tutoring() -> None:
    assert classify("Explain the lesson about budgeting")[0] == "tutoring"


def test_an_empty_roster_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="no active agent"):
        route("hello", [])
