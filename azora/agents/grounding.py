"""Groundedness: how far an answer's sentences rest on the passages it cites (pure; no database, no model).

The measure, per sentence of the answer, is content-token containment: the share of the sentence's content tokens
(casefolded, accents removed, stop words of the five served languages dropped, English plurals and -ing/-ed folded,
citation markers like [1] and links removed) that occur in the passage that supports it best. A sentence with
fewer than `MIN_SENTENCE_TOKENS` content tokens ("Good question!") is not counted; a counted sentence is
*supported* when its containment reaches `SUPPORT_THRESHOLD`. The answer's score is the share of counted sentences
that are supported (1.0 when nothing is counted: the answer claims nothing). Token overlap cannot see meaning (a
negated sentence built from a passage's words still counts as supported), so it is a floor check for the
evaluation, not proof of truth. See docs/agents.md, "Tools and grounding".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass

__all__ = [
    "MIN_SENTENCE_TOKENS",
    "SUPPORT_THRESHOLD",
    "Groundedness",
    "SentenceSupport",
    "content_tokens",
    "groundedness",
    "normalise",
    "sentences",
]

SUPPORT_THRESHOLD = 0.5
MIN_SENTENCE_TOKENS = 3

_WORD = re.compile(r"\w+", re.UNICODE)
_URL = re.compile(r"(?:https?://|/)[^\s()]+")
_CITATION_MARK = re.compile(r"\[\d+(?:\s*,\s*\d+)*\]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
# Function words of the served languages (en, fr, pt, af, sw) that carry no topic.
STOP_WORDS = frozenset(
    {
        # en
        "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "because", "been",
        "but", "by", "can", "could", "did", "do", "does", "each", "for", "from", "had", "has", "have", "he",
        "her", "here", "his", "how", "i", "if", "in", "into", "is", "it", "its", "just", "may", "me", "more",
        "most", "my", "no", "not", "of", "on", "one", "only", "or", "other", "our", "out", "she", "so", "some",
        "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "to",
        "up", "us", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "why", "will",
        "with", "would", "you", "your",
        # fr
        "au", "aux", "ce", "ces", "dans", "de", "des", "du", "elle", "en", "est", "et", "il", "ils", "la", "le",
        "les", "leur", "mais", "ne", "nous", "ou", "par", "pas", "pour", "que", "qui", "sa", "se", "son", "sont",
        "sur", "un", "une", "vous",
        # pt
        "com", "da", "das", "dos", "e", "em", "na", "nas", "nos", "o", "os", "para", "por", "um", "uma",
        # af
        "die", "dit", "het", "met", "nie", "om", "op", "te", "van", "vir", "wat",
        # sw
        "kwa", "ni", "wa", "ya", "za",
    }
)  # fmt: skip
_SUFFIXES = (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""))


def normalise(text: str) -> str:
    """Casefolded, without accents (é -> e), so that spellings with and without them meet."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def _stem(word: str) -> str:
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and not word.endswith("ss"):
            root = word[: -len(suffix)] + replacement
            if len(root) >= 4:
                return root
    return word


def content_tokens(text: str) -> list[str]:
    """The topic-bearing tokens of a text, in order (links and citation markers removed)."""
    cleaned = _CITATION_MARK.sub(" ", _URL.sub(" ", text))
    words = _WORD.findall(normalise(cleaned))
    return [_stem(word) for word in words if word not in STOP_WORDS and len(word) > 1]


def sentences(text: str) -> list[str]:
    """The text cut at sentence ends and line breaks, stripped, empty pieces dropped."""
    return [piece.strip() for piece in _SENTENCE_END.split(text) if piece.strip()]


@dataclass(frozen=True, slots=True)
class SentenceSupport:
    sentence: str
    support: float  # 0..1: containment of the sentence's content tokens in its best passage
    passage: int | None  # index of that passage in the list given, None when no passage shares a token
    is_supported: bool


@dataclass(frozen=True, slots=True)
class Groundedness:
    """`score` = supported / counted (1.0 when nothing is counted); `mean_support` the average containment."""

    score: float
    mean_support: float
    supported: int
    counted: int
    sentences: tuple[SentenceSupport, ...]


def groundedness(
    answer: str,
    passages: Sequence[str],
    *,
    threshold: float = SUPPORT_THRESHOLD,
    ignore: Collection[str] = (),
) -> Groundedness:
    """How far `answer` rests on `passages` (pass each passage's title and text). `ignore` lists sentences that are
    not claims about the subject (e.g. the offline assistant's introduction); they are matched after normalising
    and never counted."""
    ignored = {" ".join(normalise(sentence).split()) for sentence in ignore}
    passage_tokens = [set(content_tokens(passage)) for passage in passages]
    results: list[SentenceSupport] = []
    for sentence in sentences(answer):
        if " ".join(normalise(sentence).split()) in ignored:
            continue
        tokens = set(content_tokens(sentence))
        if len(tokens) < MIN_SENTENCE_TOKENS:
            continue
        best, best_index = 0.0, None
        for index, known in enumerate(passage_tokens):
            share = len(tokens & known) / len(tokens)
            if share > best:
                best, best_index = share, index
        results.append(
            SentenceSupport(
                sentence=sentence, support=round(best, 4), passage=best_index, is_supported=best >= threshold
            )
        )
    if not results:
        return Groundedness(score=1.0, mean_support=1.0, supported=0, counted=0, sentences=())
    supported = sum(1 for result in results if result.is_supported)
    return Groundedness(
        score=round(supported / len(results), 4),
        mean_support=round(sum(result.support for result in results) / len(results), 4),
        supported=supported,
        counted=len(results),
        sentences=tuple(results),
    )
