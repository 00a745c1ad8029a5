"""The Socratic hint Elara gives instead of an answer when a learner asks a question of an assessment attempt they
have open (the constitution refused the input for academic integrity).

A hint is: the lessons that cover the topic (titles and links from `search_content`, never an excerpt, since a
passage may hold the answer), one or two guiding questions built from the open question's own key terms, and the
note that Elara can explain fully once the attempt is submitted. It never contains the answer: numbers are never
used as key terms, and every lesson title and guiding question is checked with Education's
`open_answer_revealed` (a correct choice's text, an accepted short answer, the numeric value, true/false) and
dropped when it would state an answer; the whole hint is checked once more, and a bare hint is given if it fails.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence

from django.utils.translation import gettext as _

from azora.agents.grounding import STOP_WORDS, content_tokens, normalise
from azora.agents.public.views import CitationView
from azora.agents.tools import ToolRequest
from azora.agents.tools.content import citations_of, content_search
from azora.education.public import OpenQuestion, open_answer_revealed, open_attempt_questions

__all__ = ["integrity_hint", "key_terms"]

# A learner's message "is" an open question when it holds this share of the question's content tokens.
MATCH_SHARE = 0.5
LESSONS_SHOWN = 2
_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*", re.UNICODE)  # words of letters only: numbers never become terms
# Words that say how to answer, not what about, and common words that name no topic (kept out of the guiding
# questions; the stop words of grounding.py are left out too).
_INSTRUCTION_WORDS = frozenset(
    {
        "answer", "answers", "choose", "correct", "false", "following", "give", "list", "name", "pick", "quiz",
        "question", "select", "state", "true", "write", "test", "exam",
        "vrai", "faux", "verdadeiro", "falso", "waar", "onwaar", "kweli", "uongo",
        "always", "every", "make", "makes", "many", "much", "must", "never", "often", "should", "using", "usually",
        "would", "could", "about", "after", "before", "best", "better", "right", "wrong", "thing", "things",
    }
)  # fmt: skip


def key_terms(text: str, *, limit: int = 2) -> list[str]:
    """The longest topic words of `text` (as written, first occurrence kept), at most `limit`; no numbers."""
    seen: dict[str, str] = {}
    for match in _WORD.finditer(text):
        word = match.group()
        folded = normalise(word)
        if len(folded) < 4 or folded in STOP_WORDS or folded in _INSTRUCTION_WORDS or folded in seen:
            continue
        seen[folded] = word
    ranked = sorted(seen.values(), key=lambda word: -len(word))[:limit]
    order = list(seen.values())
    return sorted(ranked, key=order.index)  # in the order the question uses them


def _matched_question(
    question_text: str, questions: Sequence[OpenQuestion], course_id: uuid.UUID | None
) -> OpenQuestion | None:
    """The open question the learner's text reproduces best (the conversation's course first on a tie), if any
    reproduces at least MATCH_SHARE of its content words."""
    asked = set(content_tokens(question_text))
    best: tuple[float, int, bool] | None = None
    chosen = None
    for question in questions:
        tokens = set(content_tokens(question.prompt))
        if not tokens:
            continue
        shared = len(tokens & asked)
        share = shared / len(tokens)
        # The larger share first; between questions the text holds entirely, the one it shares more words with
        # (a short question's words are often inside a longer one's).
        rank = (share, shared, question.course_id == course_id)
        if share >= MATCH_SHARE and (best is None or rank > best):
            best, chosen = rank, question
    return chosen


def _guiding_questions(terms: list[str]) -> list[str]:
    questions: list[str] = []
    if terms:
        questions.append(_("What do the lessons say about “%(term)s”?") % {"term": terms[0]})
    if len(terms) > 1:
        questions.append(_("How are “%(first)s” and “%(second)s” connected?") % {"first": terms[0], "second": terms[1]})
    if not questions:
        questions.append(_("Which idea in the question can you explain in your own words first?"))
    return questions


def _compose(lessons: Sequence[CitationView], guiding: Sequence[str]) -> str:
    parts = [_("This looks like a question of an assessment you have open, so I will not answer it; here is a hint.")]
    if lessons:
        parts.append(_("These lessons cover the topic:") + "\n" + "\n".join(f"- {c.title} ({c.url})" for c in lessons))
    else:
        parts.append(_("Look back at the lessons of this course on the topic."))
    parts.append(_("Ask yourself:") + "\n" + "\n".join(f"- {question}" for question in guiding))
    parts.append(_("Once you have submitted the attempt, ask me again and I can explain it fully."))
    return "\n\n".join(parts)


def integrity_hint(
    *, user_id: uuid.UUID, course_id: uuid.UUID | None, question_text: str
) -> tuple[str, tuple[CitationView, ...]]:
    """A Socratic hint (in the active language) for a question of the learner's open attempt, and the lessons it
    points to; never the answer. Reads the learner's open questions, searches their courses' lessons, and asks
    Education whether any part would state an answer."""
    matched = _matched_question(question_text, open_attempt_questions(user_id=user_id), course_id)
    basis = matched.prompt if matched is not None else question_text
    search_course = course_id if course_id is not None else (matched.course_id if matched is not None else None)
    passages = content_search(ToolRequest(user_id=user_id, course_id=search_course, text=basis), limit=4)
    lessons = list(citations_of(passages))
    guiding = _guiding_questions(key_terms(basis))

    def revealed(texts: Sequence[str]) -> tuple[bool, ...]:
        # Against every open question, not only the matched one: a wrong match must not let another answer out.
        return open_answer_revealed(user_id=user_id, texts=texts)

    verdicts = revealed([lesson.title for lesson in lessons] + guiding)
    count = len(lessons)
    lessons = [lesson for lesson, bad in zip(lessons, verdicts[:count], strict=True) if not bad][:LESSONS_SHOWN]
    guiding = [question for question, bad in zip(guiding, verdicts[count:], strict=True) if not bad]
    text = _compose(lessons, guiding or _guiding_questions([]))
    if any(revealed([text])):  # a last guard: the words around the parts must not state it either
        return _compose((), _guiding_questions([])), ()
    return text, tuple(lessons)
