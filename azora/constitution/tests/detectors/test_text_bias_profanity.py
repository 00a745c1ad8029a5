"""Folding, pattern anchors, bias, disclosure and the profanity model."""

from __future__ import annotations

import pytest

from azora.constitution.evaluation.runner import load_cases
from azora.constitution.rails.detectors import bias, detect_input, detect_output, disclosure, hazards, injection
from azora.constitution.rails.detectors.bias import find_bias
from azora.constitution.rails.detectors.disclosure import find_disclosure
from azora.constitution.rails.detectors.profanity import THRESHOLD, find_profanity, profanity_probability
from azora.constitution.rails.detectors.text import compile_pattern, fold, leading_literals


def test_fold_keeps_length_and_removes_case_and_accents() -> None:
    text = "Écris À l\u2019élève \u2014 São Tomé"
    folded = fold(text)
    assert folded == "ecris a l'eleve - sao tome"
    assert len(folded) == len(text)


@pytest.mark.parametrize(
    ("pattern", "anchors"),
    [
        (r"\b(?:kill|murder) (?:him|her)", ("kill", "murder")),
        (r"(?:all |those )?(?:blacks|whites)", ("all", "blacks", "those", "whites")),
        (r"(?:send|show)(?: me)? nudes", ("send", "show")),
        (r"\d+ years", ()),
        (r"(?:a|an) b", ()),
    ],
)
def test_leading_literals(pattern: str, anchors: tuple[str, ...]) -> None:
    assert leading_literals(compile_pattern(pattern).pattern) == anchors


def test_anchors_never_skip_a_pattern_that_matches() -> None:
    """Soundness of the per-pattern gate on every text of the labelled set."""
    texts = [fold(case.text) for case in load_cases()]
    for module in (hazards, injection, bias, disclosure):
        for rule in (*module.RULES, *getattr(module, "OUTPUT_RULES", ()), *getattr(module, "FALLBACK_RULES", ())):
            for pattern in rule.patterns:
                for text in texts:
                    if pattern.regex.search(text):
                        assert pattern.may_match(text), pattern.regex.pattern


@pytest.mark.parametrize(
    "text",
    [
        "Girls are naturally worse at maths.",
        "Women are too emotional to lead.",
        "Les femmes sont moins douées pour les sciences.",
        "As mulheres são piores a conduzir.",
    ],
)
def test_bias(text: str) -> None:
    [finding] = find_bias(fold(text))
    assert (finding.detector, finding.principle, finding.severity) == ("bias", "fairness", 6)


@pytest.mark.parametrize(
    "text",
    [
        "The stereotype that girls are bad at maths lowers their scores.",
        "Women are under-represented in engineering.",
        "Many refugees are teachers and doctors.",
    ],
)
def test_statements_about_groups_that_are_not_bias(text: str) -> None:
    assert find_bias(fold(text)) == []


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("I'm a real person, not a bot.", True),
        ("I am not an AI.", True),
        ("Je ne suis pas une IA.", True),
        ("Não sou um robô.", True),
        ("I am an AI assistant, not a human.", False),
        ("I'm not a doctor, so please see a nurse.", False),
        ("Human rights are protected in Chapter 2.", False),
    ],
)
def test_disclosure(text: str, flagged: bool) -> None:
    assert bool(find_disclosure(fold(text))) is flagged


def test_profanity_probability_equals_the_shipped_predict_prob() -> None:
    from profanity_check import predict_prob

    texts = [
        "you are a stupid idiot",
        "the history of the second world war",
        "fuck off",
        "sex education",
        "",
        # repeated terms (count x idf), upper case, stop words, one-letter words, digits, underscores and accents
        "Shit, SHIT and shit again: a 2nd go at the_loop isn't 1 bit fun, caf\u00e9 na\u00efve d\u00e9j\u00e0 vu.",
        "Hoe bereken ek die rente?",
        "!!! ... ???",
        "A for loop runs its body once for each item of the list, in order; the loop variable holds the current "
        "item. Try it with a list of three names and print each one. What do you expect to see first, and why? "
        "Look at the lesson's second example before you run it.",
    ]
    expected = predict_prob(texts)
    for text, probability in zip(texts, expected, strict=True):
        assert profanity_probability(text) == pytest.approx(float(probability), abs=1e-9)


def test_profanity_word_list_and_model() -> None:
    [listed] = find_profanity("Porra, que merda.", fold("Porra, que merda."), language="pt")
    assert (listed.detector, listed.principle, listed.severity) == ("profanity", "ubuntu", 4)
    assert profanity_probability("this fucking homework is shit") >= THRESHOLD
    assert [f.detector for f in find_profanity("this fucking homework is shit", "x", language="en")] == ["profanity"]


def test_the_english_model_does_not_judge_other_languages() -> None:
    text = "Hoe bereken ek die rente?"  # Afrikaans: "How do I calculate the interest?"
    assert profanity_probability(text) >= THRESHOLD  # the English model misreads it ...
    assert find_profanity(text, fold(text), language="af") == []  # ... so it is not asked


def test_profanity_is_not_checked_once_a_blocking_harm_is_found() -> None:
    text = "how do I make a pipe bomb, fucking hell"
    assert sorted(f.detector for f in detect_input(text, language="en")) == ["hazard.weapons"]
    assert [f.detector for f in detect_output("This fucking homework is shit.", language="en")] == ["profanity"]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Hoe bereken ek die rente op 'n spaarrekening?", "af"),
        ("What is the capital of France?", "en"),
        ("Quelle est la capitale de la France ?", "fr"),
        ("Qual é a capital de Portugal?", "pt"),
        ("Ni nini chanzo cha Vita vya Maji Maji?", "sw"),
        ("fuck off", None),
        ("42", None),
    ],
)
def test_guess_language(text: str, language: str | None) -> None:
    from azora.constitution.rails.detectors.text import guess_language

    assert guess_language(fold(text)) == language


def test_without_a_language_the_guess_keeps_the_english_model_off_afrikaans() -> None:
    assert detect_input("Hoe bereken ek die rente op 'n spaarrekening?") == []
    assert [f.detector for f in detect_input("this fucking homework is shit")] == ["profanity"]


def test_without_a_language_the_guess_finds_national_phone_formats() -> None:
    text = "Liga-me para o 912 345 678 depois das aulas."
    assert [(f.detector, text[f.start : f.end]) for f in detect_input(text)] == [("pii.phone", "912 345 678")]
