"""memory_notes.notice: goals, difficulties and a preferred language in a learner's message, in each served language."""

from __future__ import annotations

import pytest

from azora.agents.memory_notes import language_code, notice


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "I want to become a nurse because I like helping people. I struggle with fractions.",
            [("goal", "Become a nurse"), ("difficulty", "Fractions")],
        ),
        ("My goal is to pass matric, but maths is hard.", [("goal", "Pass matric")]),
        ("I\u2019m studying to become an engineer", [("goal", "Become an engineer")]),
        ("I want to work as a nurse", [("goal", "Work as a nurse")]),
        ("I find algebra really hard", [("difficulty", "Algebra")]),
        ("I don\u2019t understand photosynthesis.", [("difficulty", "Photosynthesis")]),
        ("I am struggling with long division and decimals", [("difficulty", "Long division and decimals")]),
        ("Please answer in French", [("language", "fr")]),
        ("my first language is Portuguese", [("language", "pt")]),
        (
            "Je veux devenir infirmière. J'ai du mal avec les fractions. Réponds en anglais.",
            [("goal", "Devenir infirmière"), ("difficulty", "Les fractions"), ("language", "en")],
        ),
        ("ma langue maternelle est le français", [("language", "fr")]),
        (
            "Quero ser enfermeira. Tenho dificuldade com frações. Prefiro português.",
            [("goal", "Ser enfermeira"), ("difficulty", "Frações"), ("language", "pt")],
        ),
        (
            "Ek wil 'n verpleegster word. Ek sukkel met breuke. Antwoord in Afrikaans.",
            [("goal", "'n verpleegster word"), ("difficulty", "Breuke"), ("language", "af")],
        ),
        ("Ek verstaan nie breuke nie.", [("difficulty", "Breuke")]),
        (
            "Nataka kuwa muuguzi. Nina shida na sehemu. Napendelea Kiswahili.",
            [("goal", "Kuwa muuguzi"), ("difficulty", "Sehemu"), ("language", "sw")],
        ),
    ],
)
def test_notices_what_the_learner_says_about_themselves(text: str, expected: list[tuple[str, str]]) -> None:
    assert notice(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "What is a fraction?",
        "I want to know what a fraction is",
        "Explain photosynthesis in simple words.",
        "Kofi, what is my wallet balance?",
        "",
        "Answer in Klingon please",
    ],
)
def test_questions_about_a_topic_are_not_notes(text: str) -> None:
    assert notice(text) == []


def test_a_note_said_twice_is_noticed_once_and_a_run_on_clause_is_not_a_goal() -> None:
    assert notice("I struggle with fractions. Honestly I struggle with Fractions.") == [("difficulty", "Fractions")]
    long_clause = "My goal is to " + " ".join(["really"] * 12) + " learn"
    assert notice(long_clause) == []


def test_language_code_reads_names_in_every_served_language_and_codes() -> None:
    assert [language_code(name) for name in ("Français", "engels", "Kiswahili", "português", "fr", "Zulu")] == [
        "fr",
        "en",
        "sw",
        "pt",
        "fr",
        None,
    ]
