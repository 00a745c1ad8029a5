"""The built-in offline assistant: BM25 retrieval over shared.knowledge sources, answering with cited lessons.

No network and no model download. The index is rebuilt when any source's version string changes.
"""

from __future__ import annotations

import math
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from azora.ai_routing.adapters.base import (
    Completion,
    ProviderRequest,
    StreamDelta,
    StreamEnd,
    StreamEvent,
    estimate_prompt_tokens,
    estimate_tokens,
)
from azora.ai_routing.public import FACTS_HEADING, Citation
from azora.shared import knowledge

_WORD = re.compile(r"\w+", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# Frequent words in the platform's languages that carry no topic (en, fr, pt, af, sw, a few each).
STOP_WORDS = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "be", "by", "can", "com", "da", "das", "de", "des", "describe",
        "die", "do", "does", "dos", "du", "e", "en", "est", "et", "explain", "for", "from", "het", "how", "i",
        "in", "is", "it", "kwa", "la", "le", "les", "me", "my", "na", "ni", "o", "of", "on", "or", "os",
        "para", "please", "pour", "que", "qui", "tell", "that", "the", "this", "to", "um", "uma", "un", "une",
        "van", "wat", "what", "when", "where", "which", "who", "why", "with", "ya", "you", "your",
    }
)  # fmt: skip
K1 = 1.5
B = 0.75
TOP_PASSAGES = 3
# Version strings are asked for at most this often (one aggregate query per source).
VERSION_CHECK_SECONDS = 5.0


# English inflections folded so that "budgeting", "budgets" and "budget" meet (a stem keeps four letters or more).
_SUFFIXES = (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""))


def stem(word: str) -> str:
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and not word.endswith("ss"):
            root = word[: -len(suffix)] + replacement
            if len(root) >= 4:
                return root
    return word


def tokenize(text: str) -> list[str]:
    words = (match.group().lower() for match in _WORD.finditer(text))
    return [stem(word) for word in words if word not in STOP_WORDS]


@dataclass(frozen=True)
class Hit:
    passage: knowledge.Passage
    score: float


class Bm25Index:
    """Okapi BM25 (k1 = 1.5, b = 0.75) over passages; pure and in memory."""

    def __init__(self, passages: Sequence[knowledge.Passage]) -> None:
        self.passages = tuple(passages)
        self._frequencies = [Counter(tokenize(f"{p.title} {p.text}")) for p in self.passages]
        self._lengths = [sum(counts.values()) for counts in self._frequencies]
        self._average_length = (sum(self._lengths) / len(self._lengths)) if self._lengths else 0.0
        document_frequency: Counter[str] = Counter()
        for counts in self._frequencies:
            document_frequency.update(counts.keys())
        total = len(self.passages)
        self._idf = {
            term: math.log(1 + (total - count + 0.5) / (count + 0.5)) for term, count in document_frequency.items()
        }

    def search(
        self,
        query: str,
        *,
        limit: int = TOP_PASSAGES,
        course_id: uuid.UUID | None = None,
        course_ids: Collection[uuid.UUID | None] | None = None,
    ) -> list[Hit]:
        """The best passages for `query`; `course_id` ranks that course's passages higher; `course_ids`, when
        given, keeps only passages of those courses (None: every passage, as before)."""
        terms = set(tokenize(query))
        allowed = None if course_ids is None else frozenset(course_ids)
        hits: list[Hit] = []
        for passage, counts, length in zip(self.passages, self._frequencies, self._lengths, strict=True):
            if allowed is not None and passage.course_id not in allowed:
                continue
            score = 0.0
            for term in terms:
                frequency = counts.get(term, 0)
                if frequency:
                    norm = K1 * (1 - B + B * length / (self._average_length or 1.0))
                    score += self._idf[term] * frequency * (K1 + 1) / (frequency + norm)
            if score > 0:
                if course_id is not None and passage.course_id == course_id:
                    score *= 1.5  # the conversation's own course first
                hits.append(Hit(passage=passage, score=score))
        hits.sort(key=lambda hit: (-hit.score, hit.passage.source_id))
        return hits[:limit]


class _IndexCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._versions: tuple[tuple[str, str], ...] | None = None
        self._index = Bm25Index(())
        self._checked_at = -math.inf

    def index(self, *, now: float | None = None) -> Bm25Index:
        now = time.monotonic() if now is None else now
        if now - self._checked_at < VERSION_CHECK_SECONDS and self._versions is not None:
            return self._index
        with self._lock:
            registered = knowledge.sources()
            versions = tuple((source.name, source.version()) for source in registered)
            if versions != self._versions:
                passages = [passage for source in registered for passage in source.documents()]
                self._index = Bm25Index(passages)
                self._versions = versions
            self._checked_at = now
            return self._index

    def invalidate(self) -> None:
        with self._lock:
            self._versions = None
            self._checked_at = -math.inf


INDEX = _IndexCache()


def _excerpt(text: str, *, sentences: int = 2, limit: int = 400) -> str:
    parts = _SENTENCE_END.split(text.strip())
    excerpt = " ".join(parts[:sentences])
    return excerpt if len(excerpt) <= limit else excerpt[: limit - 1].rstrip() + "…"


_FACT_LINE = re.compile(r"^- [\w.-]+: (?P<fact>.*)$")


def facts_of(messages: Sequence[object]) -> list[str]:
    """The facts a caller listed under `FACTS_HEADING` in its system messages ("- <source>: <fact>" lines; a line
    that does not start a fact continues the one before), without their sources, in order."""
    facts: list[str] = []
    for message in messages:
        if getattr(message, "role", "") != "system":
            continue
        content = str(getattr(message, "content", ""))
        start = content.find(FACTS_HEADING)
        if start < 0:
            continue
        block = content[start + len(FACTS_HEADING) :].lstrip("\n").split("\n\n", 1)[0]
        for line in block.splitlines():
            match = _FACT_LINE.match(line)
            if match:
                facts.append(match.group("fact").strip())
            elif facts and line.strip():
                facts[-1] = f"{facts[-1]}\n{line.rstrip()}"
    return facts


def answer(
    messages: Sequence[object], *, course_id: uuid.UUID | None, user_id: uuid.UUID | None = None
) -> tuple[str, tuple[Citation, ...]]:
    """The offline answer to the last user message: an introduction, the facts the caller gave about the learner
    (their wallet, rewards, progress or grades, read by the caller's tools: quoted as given), the best passages the
    caller may read (a paid course's lessons only for those who bought or teach it), and their sources."""
    question = next((getattr(m, "content", "") for m in reversed(messages) if getattr(m, "role", "") == "user"), "")
    readable = knowledge.readable_course_ids(user_id)
    # Passages that belong to no course are open to everyone (None in the allowed set).
    allowed = None if readable is None else frozenset([*readable, None])
    hits = INDEX.index().search(question, course_id=course_id, course_ids=allowed)
    facts = facts_of(messages)
    if facts:
        intro = _(
            "I am Azora's offline assistant: no AI model is connected, so I answer only from your account and the "
            "platform's lessons."
        )
        listed = "\n".join(f"- {fact}" for fact in facts)
        intro = f"{intro} " + _("Here is what your account shows:") + f"\n\n{listed}"
        if not hits:
            return intro, ()
        intro += "\n\n" + _("And from the lessons:")
        return _with_passages(intro, hits)
    intro = _("I am Azora's offline assistant: no AI model is connected, so I answer only from the platform's lessons.")
    if not hits:
        nothing = _("I found nothing in the lessons about that. Try other words, or ask your instructor.")
        return f"{intro} {nothing}", ()
    return _with_passages(f"{intro} " + _("Here is what the lessons say:"), hits)


def _with_passages(intro: str, hits: Sequence[Hit]) -> tuple[str, tuple[Citation, ...]]:
    """The introduction, an excerpt of each passage, and the list of sources."""
    citations: list[Citation] = []
    for hit in hits:
        citation = Citation(title=hit.passage.title, url=hit.passage.url)
        if citation not in citations:
            citations.append(citation)
    body = "\n\n".join(_excerpt(hit.passage.text) for hit in hits)
    sources = "\n".join(f"- {citation.title} ({citation.url})" for citation in citations)
    return f"{intro}\n\n{body}\n\n" + _("Sources:") + f"\n{sources}", tuple(citations)


class LocalProvider:
    """The offline provider (kind `local`): costs nothing, works without network, cites the lessons it used."""

    MODEL = "azora-offline-bm25"

    def complete(self, request: ProviderRequest) -> Completion:
        course_id = request.course_id if isinstance(request.course_id, uuid.UUID) else None
        user_id = request.user_id if isinstance(request.user_id, uuid.UUID) else None
        text, citations = answer(request.messages, course_id=course_id, user_id=user_id)
        return Completion(
            text=text,
            tokens_in=estimate_prompt_tokens(request.messages),
            tokens_out=estimate_tokens(text),
            model=request.model or self.MODEL,
            citations=citations,
        )

    def stream(self, request: ProviderRequest) -> Iterator[StreamEvent]:
        completion = self.complete(request)
        for word in re.findall(r"\S+\s*", completion.text):
            yield StreamDelta(word)
        yield StreamEnd(
            tokens_in=completion.tokens_in,
            tokens_out=completion.tokens_out,
            model=completion.model,
            citations=completion.citations,
        )
