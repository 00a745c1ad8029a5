"""Academic integrity: does a text ask (or answer) a question of an assessment attempt the learner has open?

Pure: the caller passes the open questions' texts (from `education.public.open_attempt_questions`). The measure is
the larger of (a) containment, the share of the question's content tokens that the text contains, and (b) the
similarity ratio of the two normalised token sequences (difflib), so both "my quiz question verbatim, please" and
a lightly reworded copy match, while a request that merely shares the topic does not.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

INTEGRITY_DETECTOR = "integrity.open_attempt"
MATCH_THRESHOLD = 0.6
NEAR_COPY_THRESHOLD = 0.85
MATCH_SEVERITY = 8
NEAR_COPY_SEVERITY = 10
# Fewer content tokens than this and a question ("What is 2+2?") is too short to tell from ordinary talk by tokens
# alone; such questions match only by the similarity ratio of the whole texts.
MIN_QUESTION_TOKENS = 3

_TOKEN = re.compile(r"\w+", re.UNICODE)
# Function words of the platform's languages that carry no topic (en, fr, pt, af, sw); kept short on purpose.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "how",
        "i",
        "in",
        "is",
        "it",
        "me",
        "my",
        "of",
        "on",
        "or",
        "please",
        "the",
        "this",
        "to",
        "what",
        "when",
        "which",
        "who",
        "why",
        "with",
        "you",
        "your",
        "its",
        "their",
        "our",
        "his",
        "her",
        "they",
        "we",
        "au",
        "aux",
        "de",
        "des",
        "du",
        "est",
        "et",
        "la",
        "le",
        "les",
        "leur",
        "mais",
        "ou",
        "que",
        "qui",
        "quoi",
        "un",
        "une",
        "pour",
        "par",
        "sur",
        "as",
        "da",
        "das",
        "de",
        "do",
        "dos",
        "e",
        "em",
        "o",
        "os",
        "para",
        "por",
        "que",
        "um",
        "uma",
        "die",
        "en",
        "het",
        "is",
        "van",
        "wat",
        "wie",
        "hoe",
        "na",
        "ya",
        "wa",
        "kwa",
        "ni",
    ]
)


@dataclass(frozen=True, slots=True)
class IntegrityMatch:
    question_id: str
    similarity: float
    severity: int


@dataclass(frozen=True, slots=True)
class IntegrityFinding:
    """A finding (the Finding shape of ADR 0015) for the integrity principle; never echoes the question text."""

    detector: str
    principle: str
    severity: int
    start: int
    end: int
    replacement: str | None
    message: str


def normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def _stem(token: str) -> str:
    """A light plural fold (companies -> company, profits -> profit), enough to match a reworded question."""
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith("ss"):
        return token[:-1]
    return token


def content_tokens(text: str) -> list[str]:
    return [_stem(token) for token in _TOKEN.findall(normalise(text)) if token not in STOPWORDS]


def similarity(text: str, question: str) -> float:
    """0..1: how much `text` reproduces `question` (containment of its content tokens, or whole-text ratio)."""
    question_tokens = content_tokens(question)
    if not question_tokens:
        return 0.0
    text_tokens = content_tokens(text)
    if not text_tokens:
        return 0.0
    ratio = SequenceMatcher(None, text_tokens, question_tokens, autojunk=False).ratio()
    if len(question_tokens) < MIN_QUESTION_TOKENS:
        return ratio
    present = set(text_tokens)
    containment = sum(1 for token in question_tokens if token in present) / len(question_tokens)
    return max(containment, ratio)


def best_match(text: str, questions: Iterable[tuple[str, str]]) -> IntegrityMatch | None:
    """The open question (id, text) that `text` reproduces most, if it reaches MATCH_THRESHOLD."""
    best: IntegrityMatch | None = None
    for question_id, question_text in questions:
        score = similarity(text, question_text)
        if score < MATCH_THRESHOLD or (best is not None and score <= best.similarity):
            continue
        severity = NEAR_COPY_SEVERITY if score >= NEAR_COPY_THRESHOLD else MATCH_SEVERITY
        best = IntegrityMatch(question_id=question_id, similarity=round(score, 3), severity=severity)
    return best


def integrity_findings(text: str, questions: Iterable[tuple[str, str]]) -> list[IntegrityFinding]:
    match = best_match(text, questions)
    if match is None:
        return []
    return [
        IntegrityFinding(
            detector=INTEGRITY_DETECTOR,
            principle="integrity",
            severity=match.severity,
            start=0,
            end=0,
            replacement=None,
            message=f"matches a question of an open assessment attempt (similarity {match.similarity:.2f})",
        )
    ]
