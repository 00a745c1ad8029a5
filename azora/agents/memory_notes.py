"""Notices what a learner says about themselves in a message: goals, difficulties and a preferred language (pure).

`notice(text)` answers `(kind, text)` pairs for the learner's memory, in the platform's served languages
(English, French, Portuguese, Afrikaans, Swahili) where a simple phrase gives it away ("I want to become a nurse",
"I struggle with fractions", "please answer in French"). It prefers missing a note to inventing one: only explicit
first-person phrases count, questions about a topic ("what is a fraction?") never do. A language note is the
served language's code (`fr`), the form `memory_add` keeps for the kind `language`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["LANGUAGE_NAMES", "MAX_NOTE_CHARS", "language_code", "notice"]

# The longest note kept: a goal or a difficulty is a short phrase, not the learner's whole message.
MAX_NOTE_CHARS = 120
_MAX_NOTE_WORDS = 10

# Names of the served languages, in each served language (lower case, with and without accents).
LANGUAGE_NAMES: dict[str, str] = {
    # English
    "english": "en", "french": "fr", "portuguese": "pt", "afrikaans": "af", "swahili": "sw", "kiswahili": "sw",
    # French
    "anglais": "en", "français": "fr", "francais": "fr", "portugais": "pt",
    # Portuguese
    "inglês": "en", "ingles": "en", "francês": "fr", "frances": "fr", "português": "pt", "portugues": "pt",
    "africâner": "af", "africaner": "af", "suaíli": "sw", "suaili": "sw",
    # Afrikaans
    "engels": "en", "frans": "fr", "portugees": "pt",
    # Swahili
    "kiingereza": "en", "kifaransa": "fr", "kireno": "pt", "kiafrikana": "af",
}  # fmt: skip

_LANGUAGE = "(?P<lang>" + "|".join(sorted((re.escape(name) for name in LANGUAGE_NAMES), key=len, reverse=True)) + ")"

# Words that end a noted phrase: what follows them is a reason or a new clause, not part of the goal.
_CLAUSE_BREAK = re.compile(
    r"\s+(?:but|because|so that|so|since|when|if|and then|mais|parce que|car|quand|si|mas|porque|quando|se|"
    r"maar|omdat|lakini|kwa sababu|kwa hiyo|wakati|kama)\s+",
    re.IGNORECASE,
)
_PHRASE = r"(?P<x>[^.!?;:\n]{2,160})"

# First-person goal phrases; the captured phrase starts with the goal's verb where the language allows.
_GOALS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # English: "I want to become a nurse", "my goal is to pass matric", "I'm studying to become an engineer"
        r"\bi(?:\s+really)?\s+(?:want|would like|'d like|wish|hope|plan|aim|dream|am hoping|am planning)"
        r"\s+to\s+"
        r"(?P<x>(?:become|be|work as|work in|pass|get into|get a job|study|start|build|run|earn|finish|qualify)\b"
        r"[^.!?;:\n]{2,160})",
        r"\bi(?:'m| am)\s+(?:studying|learning|training|working)\s+to\s+"
        r"(?P<x>(?:become|be|pass|get)\b[^.!?;:\n]{2,160})",
        r"\bmy\s+(?:goal|dream|plan|aim|ambition)\s+is\s+(?:to\s+)?" + _PHRASE,
        # French: "je veux devenir infirmière", "mon objectif est de réussir le bac"
        r"\b(?:je\s+veux|je\s+voudrais|j'aimerais|je\s+souhaite|je\s+rêve\s+de)\s+"
        r"(?P<x>(?:devenir|être|travailler|réussir|obtenir|créer|passer)\b[^.!?;:\n]{2,160})",
        r"\bmon\s+(?:objectif|rêve|but|projet)\s+(?:est|c'est)\s+(?:de\s+|d')?" + _PHRASE,
        # Portuguese: "quero ser enfermeira", "o meu objetivo é passar no exame"
        r"\b(?:eu\s+)?(?:quero|gostaria\s+de|pretendo|sonho\s+em)\s+"
        r"(?P<x>(?:ser|tornar-me|me\s+tornar|trabalhar|passar|conseguir|criar|abrir|estudar)\b[^.!?;:\n]{2,160})",
        r"\b(?:o\s+)?meu\s+(?:objetivo|sonho|plano)\s+é\s+" + _PHRASE,
        # Afrikaans: "ek wil 'n verpleegster word", "my doel is om te slaag"
        r"\bek\s+(?:wil|hoop\s+om)\s+(?P<x>(?:'n\s+)?[^.!?;:\n]{2,160}?\s+(?:word|wees|slaag|werk))\b",
        r"\bmy\s+(?:doel|droom|plan)\s+is\s+(?:om\s+)?" + _PHRASE,
        # Swahili: "nataka kuwa muuguzi", "lengo langu ni kufaulu mtihani"
        r"\b(?:ni)?(?:nataka|napenda|ninapenda|natarajia|ninatarajia)\s+(?P<x>(?:kuwa|kufanya\s+kazi|kufaulu|kupata|kuanzisha|kusoma)\b[^.!?;:\n]{2,160})",
        r"\b(?:lengo|ndoto|mpango)\s+(?:langu|yangu)\s+ni\s+" + _PHRASE,
    )
)

# First-person difficulty phrases; the captured phrase is the topic.
_DIFFICULTIES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # English: "I struggle with fractions", "I find algebra hard", "I don't understand photosynthesis"
        r"\bi(?:'m| am)?\s+(?:always\s+|really\s+|still\s+)?(?:struggle|struggling|have trouble|have difficulty|"
        r"have a hard time|am bad|(?:'m) bad|am weak|(?:'m) weak|find it hard)\s+(?:with|at|in)\s+" + _PHRASE,
        r"\bi\s+(?:find|found)\s+(?P<x>[^.!?;:\n]{2,80}?)\s+(?:really\s+|very\s+|so\s+)?(?:hard|difficult|confusing)\b",
        r"\bi\s+(?:still\s+)?(?:don't|do not|can't|cannot)\s+understand\s+" + _PHRASE,
        # French: "j'ai du mal avec les fractions", "je ne comprends pas les fractions"
        r"\bj'ai\s+(?:du\s+mal|des\s+difficultés|de\s+la\s+difficulté)\s+(?:avec|en|à)\s+" + _PHRASE,
        r"\bje\s+ne\s+comprends\s+(?:toujours\s+)?pas\s+" + _PHRASE,
        r"\bje\s+suis\s+(?:nul|nulle|faible)\s+en\s+" + _PHRASE,
        # Portuguese: "tenho dificuldade com frações", "não entendo frações"
        r"\btenho\s+(?:muita\s+)?dificuldades?\s+(?:com|em|a)\s+" + _PHRASE,
        r"\bnão\s+(?:entendo|percebo|compreendo)\s+" + _PHRASE,
        # Afrikaans: "ek sukkel met breuke", "ek verstaan nie breuke nie"
        r"\bek\s+sukkel\s+(?:baie\s+)?met\s+" + _PHRASE,
        r"\bek\s+verstaan\s+nie\s+(?P<x>[^.!?;:\n]{2,160}?)(?:\s+nie)?\s*(?:[.!?;:\n]|$)",
        # Swahili: "nina shida na sehemu", "sielewi sehemu"
        r"\bnina\s+(?:shida|tatizo|ugumu|matatizo)\s+(?:na|katika|kwenye)\s+" + _PHRASE,
        r"\bsielewi\s+" + _PHRASE,
    )
)

# Explicit statements of a preferred language.
_LANGUAGES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"\b(?:i\s+prefer|i\s+(?:would|'d)\s+rather\s+(?:speak|use|learn\s+in)|"
        r"(?:please\s+)?(?:answer|reply|respond|speak|write|explain|talk)(?:\s+to\s+me)?\s+in|"
        r"my\s+(?:first|home|preferred|mother)\s+(?:language|tongue)\s+is)\s+" + _LANGUAGE + r"\b",
        r"\b(?:je\s+préfère(?:\s+parler)?|je\s+parle|répon(?:ds|dez)(?:-moi)?\s+en|parle(?:z)?(?:-moi)?\s+en|"
        r"explique(?:z)?(?:-moi)?\s+en|ma\s+langue\s+(?:maternelle|préférée)\s+est(?:\s+le)?)\s+(?:en\s+)?"
        + _LANGUAGE
        + r"\b",
        r"\b(?:prefiro(?:\s+falar)?|respond[ae](?:-me)?\s+em|fal[ae](?:-me)?\s+em|explique(?:-me)?\s+em|"
        r"a\s+minha\s+língua\s+(?:materna|preferida)\s+é\s+o|minha\s+língua\s+é\s+o)\s+(?:em\s+)?" + _LANGUAGE + r"\b",
        r"\b(?:ek\s+verkies|antwoord\s+(?:my\s+)?in|praat\s+(?:met\s+my\s+)?in|verduidelik\s+in|my\s+huistaal\s+is)\s+"
        + _LANGUAGE
        + r"\b",
        r"\b(?:napendelea|ninapendelea|jibu\s+kwa|nijibu\s+kwa|ongea\s+kwa|eleza\s+kwa|lugha\s+yangu\s+ni)\s+"
        + _LANGUAGE
        + r"\b",
    )
)


def language_code(text: str) -> str | None:
    """The served language's code for a name in any served language ("Français" -> "fr") or a code ("fr")."""
    key = text.strip().lower()
    if key in LANGUAGE_NAMES.values():
        return key
    return LANGUAGE_NAMES.get(key)


def _clean(phrase: str) -> str:
    """A noted phrase: its first clause, at most a few words, trimmed, first letter capitalised."""
    phrase = _CLAUSE_BREAK.split(phrase, maxsplit=1)[0]
    phrase = re.sub(r"\s+", " ", phrase).strip(' \t"“”,-').rstrip("'")
    words = phrase.split(" ")
    if len(words) > _MAX_NOTE_WORDS:
        return ""  # a long run-on clause is more likely a question or a story than a goal
    phrase = phrase[:MAX_NOTE_CHARS].strip()
    if len(phrase) < 2:
        return ""
    return phrase[0].upper() + phrase[1:] if phrase[0].isalpha() else phrase


def _matches(patterns: Iterable[re.Pattern[str]], text: str) -> list[str]:
    found: list[str] = []
    for pattern in patterns:
        for match in pattern.finditer(text):
            cleaned = _clean(match.group("x"))
            if cleaned:
                found.append(cleaned)
    return found


def notice(text: str) -> list[tuple[str, str]]:
    """The goals, difficulties and preferred language the learner states in `text`, in order, without repeats."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")  # typographic apostrophes, as phones type them
    notes: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: str, value: str) -> None:
        key = (kind, value.casefold())
        if key not in seen:
            seen.add(key)
            notes.append((kind, value))

    for goal in _matches(_GOALS, text):
        add("goal", goal)
    for difficulty in _matches(_DIFFICULTIES, text):
        add("difficulty", difficulty)
    for pattern in _LANGUAGES:
        for match in pattern.finditer(text):
            code = language_code(match.group("lang"))
            if code is not None:
                add("language", code)
    return notes
