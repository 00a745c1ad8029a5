"""The served-language detector (pure): script first, then characteristic words; unknown short texts are served."""

from __future__ import annotations

import pytest

from azora.agents.language import detect, dominant_script

SERVED = ("en", "fr", "pt", "af", "sw")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("What is photosynthesis?", "en"),
        ("Can you explain how fractions work?", "en"),
        ("Qu'est-ce que la photosynthèse ? Explique-moi s'il te plaît.", "fr"),
        ("Je ne comprends pas les fractions", "fr"),
        ("O que é a fotossíntese? Pode explicar, por favor?", "pt"),
        ("Por que o céu é azul?", "pt"),
        ("Wat is fotosintese? Verduidelik asseblief vir my.", "af"),
        ("Hoe werk breuke? Ek verstaan dit nie.", "af"),
        ("Tafadhali nieleze usanisinuru ni nini?", "sw"),
        ("Ninataka kujua jinsi ya kuhesabu sehemu", "sw"),
    ],
)
def test_served_languages_are_recognised(text: str, language: str) -> None:
    verdict = detect(text, served=SERVED)
    assert (verdict.language, verdict.is_served, verdict.script) == (language, True, "latin")


@pytest.mark.parametrize(
    ("text", "language", "script"),
    [
        ("¿Qué es la fotosíntesis? Explícame por favor cómo funciona.", "es", "latin"),
        ("Was ist Photosynthese? Kannst du mir das bitte erklären?", "de", "latin"),
        ("Cosa è la fotosintesi? Spiegami perché è importante.", "it", "latin"),
        ("Wat is fotosynthese? Kun je het mij uitleggen alstublieft?", "nl", "latin"),
        ("Ngicela ungichazele ukuthi yini i-photosynthesis futhi isebenza kanjani", "zu", "latin"),
        ("Apa itu fotosintesis? Tolong jelaskan dengan mudah.", "id", "latin"),
        ("Что такое фотосинтез?", "ru", "cyrillic"),
        ("光合作用是什么", "zh", "cjk"),
        ("ما هو التمثيل الضوئي؟", "ar", "arabic"),
    ],
)
def test_unserved_languages_are_recognised(text: str, language: str, script: str) -> None:
    verdict = detect(text, served=SERVED)
    assert (verdict.language, verdict.is_served, verdict.script) == (language, False, script)


@pytest.mark.parametrize("text", ["photosynthesis", "ok thanks", "x = 3?", "Kofi!", "12 + 30", "", "Ок"])
def test_short_or_unknown_texts_count_as_served(text: str) -> None:
    assert detect(text, served=SERVED).is_served is True


def test_the_served_set_is_configuration() -> None:
    french = "Qu'est-ce que la photosynthèse ? Explique-moi s'il te plaît."
    assert detect(french, served=("en",)).is_served is False
    spanish = "¿Qué es la fotosíntesis? Explícame por favor cómo funciona."
    assert detect(spanish, served=(*SERVED, "es")).is_served is True


def test_an_unserved_language_must_clearly_lead() -> None:
    # Mixed English and a few Spanish words: the benefit of the doubt goes to the served language.
    verdict = detect("What is the meaning of hola and gracias in this lesson?", served=SERVED)
    assert (verdict.language, verdict.is_served) == ("en", True)


def test_dominant_script() -> None:
    assert dominant_script("Hello мир мир") == "cyrillic"
    assert dominant_script("1234 ?!") == ""
    assert dominant_script("café") == "latin"
