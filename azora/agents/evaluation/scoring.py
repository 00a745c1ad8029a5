"""Scoring of the tutoring evaluation: groundedness, academic integrity, routing, content and latency. Pure.

The runner (`runner.py`) asks each case through the real pipeline and hands back what it saw as an `Outcome`;
everything here is plain functions over those dataclasses and the cases file (docs/ai-quality.md).

- Groundedness: once the cited titles and links are taken out of the answer, each sentence that makes a claim is
  checked against the passages the answer cites (their titles and text). With AGENTS-TOOLS'
  `azora.agents.grounding.groundedness` (used when present): a sentence of at least 3 content words is supported
  when half of them occur in its best passage. This module's fallback `grounding`: at least `CLAIM_MIN_TOKENS`
  content words, `SUPPORT_THRESHOLD` of them in the cited passages together. The answer's score is the share of
  supported claims; a case is grounded when it cites a source and scores at least `GROUNDED_THRESHOLD`.
- Integrity: the text of the right answer of the open quiz question (the correct choice texts, the numeric value,
  the accepted short answers, or "true"/"false") must not appear in the answer. Must be 100 %.
- Routing: the agent that answered is one of the case's expected agents.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

CASES_PATH = Path(__file__).with_name("cases.yaml")
# The blind and holdout routing splits live apart, so that nobody tunes the router while reading the tuned cases.
BLIND_PATH = Path(__file__).with_name("blind.yaml")
KINDS = ("tutoring", "integrity", "routing", "bad_input")
AGENTS = ("elara", "kofi", "naledi", "themba", "sankofa")
SPLITS = ("dev", "fresh", "blind", "holdout")
# Splits the router was fitted on (its authors fixed their misses) and splits it never saw (blind.yaml): their routing
# accuracy is reported apart, the unseen one being the honest figure for new wordings.
TUNED_SPLITS = ("dev", "fresh")
UNSEEN_SPLITS = ("blind", "holdout")

CLAIM_MIN_TOKENS = 4
SUPPORT_THRESHOLD = 0.6
GROUNDED_THRESHOLD = 0.7
TARGET_INTEGRITY = 1.0
# The status a case's answer should have when the case does not say: a tutoring or routing question is answered,
# a question of an open quiz gets a Socratic hint instead.
DEFAULT_STATUS = {"tutoring": "complete", "routing": "complete", "integrity": "hint"}

_TOKEN = re.compile(r"\w+", re.UNICODE)
_SENTENCE_BREAK = re.compile(r"(?<=[.!?:])\s+|\n+")
# A link ("https://...", or a path such as "(/learn/<uuid>/)") but not "50/30/20".
_URL = re.compile(r"\(?(?:https?://|(?<![\w/])/)[\w./#?=&%:-]+\)?")
# "R3 000", "1,210" and "R12 000.00" fold to "r3000", "1210", "r12000.00" before numbers are compared.
_DIGIT_GROUP = re.compile(r"(?<=\d)[ \u00a0\u202f,](?=\d{3}(?!\d))")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
# Curly quotes and en/em dashes, written as escapes so that the source shows what they are.
_TYPOGRAPHIC = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})
# Words that carry no topic, in the languages the cases use most (kept short on purpose).
STOPWORDS = frozenset(
    {
        "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "because", "been",
        "before", "but", "by", "can", "could", "did", "do", "does", "each", "for", "from", "had", "has", "have",
        "here", "how", "i", "if", "in", "into", "is", "it", "its", "just", "me", "more", "most", "my", "no",
        "not", "of", "on", "one", "only", "or", "other", "our", "out", "over", "say", "says", "so", "some",
        "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "to", "up",
        "us", "was", "we", "what", "when", "where", "which", "while", "who", "why", "will", "with", "would",
        "you", "your",
    }
)  # fmt: skip


# --- Cases --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One question of the set. `agents` lists the agents that may rightly answer it (empty: not scored)."""

    id: str
    kind: str
    question: str
    course: str | None = None  # demo course slug the conversation is about
    lesson: str | None = None  # title of the lesson a good answer cites
    intent: str = ""
    agents: tuple[str, ...] = ()
    must_contain: tuple[str, ...] = ()  # each must appear; "a|b" accepts either
    must_avoid: tuple[str, ...] = ()
    quiz_question: str | None = None  # integrity: the prompt of the open quiz question it asks
    expect_error: str | None = None  # bad input: the domain error's code
    expect_status: str | None = None  # the assistant message's status, when not the kind's default
    oversize: bool = False  # bad input: the runner sends a text one character over the configured limit
    grounded: bool = False  # a source is expected and the answer must rest on it
    lang: str = "en"
    # dev: seen by the pipeline's authors; fresh: written later, scored blind once, then tuned on; blind and holdout
    # (blind.yaml): never tuned on, see docs/ai-quality.md
    split: str = "dev"

    @property
    def status_expected(self) -> str | None:
        if self.expect_error:
            return None
        return self.expect_status or DEFAULT_STATUS.get(self.kind)


def case_from(item: Mapping[str, Any]) -> Case:
    kind = str(item["kind"])
    if kind not in KINDS:
        raise ValueError(f"case {item.get('id')}: unknown kind {kind!r}")
    agents = item.get("agent") or ()
    agents = (agents,) if isinstance(agents, str) else tuple(str(agent) for agent in agents)
    unknown = [agent for agent in agents if agent not in AGENTS]
    if unknown:
        raise ValueError(f"case {item.get('id')}: unknown agent {', '.join(unknown)}")
    case = Case(
        id=str(item["id"]),
        kind=kind,
        question=str(item.get("question") or ""),
        course=item.get("course") or None,
        lesson=item.get("lesson") or None,
        intent=str(item.get("intent") or ""),
        agents=agents,
        must_contain=tuple(str(term) for term in item.get("must_contain") or ()),
        must_avoid=tuple(str(term) for term in item.get("must_avoid") or ()),
        quiz_question=item.get("quiz_question") or None,
        expect_error=item.get("expect_error") or None,
        expect_status=item.get("expect_status") or None,
        oversize=bool(item.get("oversize", False)),
        grounded=bool(item.get("grounded", kind == "tutoring" and bool(item.get("course")))),
        lang=str(item.get("lang") or "en"),
        split=str(item.get("split") or "dev"),
    )
    if case.split not in SPLITS:
        raise ValueError(f"case {case.id}: unknown split {case.split!r}")
    if kind == "integrity" and not (case.quiz_question and case.course):
        raise ValueError(f"case {case.id}: an integrity case names its course and quiz_question")
    if kind == "bad_input" and not (case.expect_error or case.expect_status):
        raise ValueError(f"case {case.id}: a bad-input case says which error or status it expects")
    return case


def load_cases(path: Path | None = None) -> list[Case]:
    """The cases of `path`, or of the whole set (cases.yaml, then blind.yaml, which holds only unseen splits)."""
    if path is not None:
        cases = [case_from(item) for item in yaml.safe_load(path.read_text(encoding="utf-8"))]
    else:
        cases = [case_from(item) for item in yaml.safe_load(CASES_PATH.read_text(encoding="utf-8"))]
        unseen = [case_from(item) for item in yaml.safe_load(BLIND_PATH.read_text(encoding="utf-8"))]
        misplaced = sorted(
            [case.id for case in cases if case.split in UNSEEN_SPLITS]
            + [case.id for case in unseen if case.split not in UNSEEN_SPLITS]
        )
        if misplaced:
            raise ValueError(f"blind and holdout cases belong in blind.yaml, and only they: {', '.join(misplaced)}")
        cases += unseen
    duplicates = sorted(case_id for case_id, count in Counter(case.id for case in cases).items() if count > 1)
    if duplicates:
        raise ValueError(f"duplicate case ids: {', '.join(duplicates)}")
    return cases


# --- Text ---------------------------------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Case and accents folded, typographic quotes and dashes made plain, digit groups joined, spaces collapsed."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    plain = plain.translate(_TYPOGRAPHIC)
    plain = _DIGIT_GROUP.sub("", plain)
    return " ".join(plain.split())


def _stem(token: str) -> str:
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith("ss"):
        return token[:-1]
    return token


def content_tokens(text: str) -> list[str]:
    return [_stem(token) for token in _TOKEN.findall(normalise(text)) if token not in STOPWORDS and len(token) > 1]


def _term_pattern(term: str) -> re.Pattern[str]:
    folded = normalise(term)
    if _NUMBER.match(folded):
        # A number matches "R3000" and "3000.00" but not "13000" or "3000.5".
        return re.compile(rf"(?<![\d.]){re.escape(folded)}(?:\.0+)?(?![\d]|\.\d)")
    start = r"(?<!\w)" if folded[:1].isalnum() else ""
    end = r"(?!\w)" if folded[-1:].isalnum() else ""
    return re.compile(start + re.escape(folded) + end)


def contains_term(text: str, term: str) -> bool:
    """Whether `text` holds `term` (or one of its "|"-separated alternatives) as whole words, case-insensitively."""
    folded = normalise(text)
    return any(_term_pattern(alternative).search(folded) for alternative in term.split("|") if alternative.strip())


def without_links(text: str) -> str:
    return _URL.sub(" ", text)


def missing_terms(text: str, terms: Iterable[str]) -> tuple[str, ...]:
    return tuple(term for term in terms if not contains_term(text, term))


def present_terms(text: str, terms: Iterable[str]) -> tuple[str, ...]:
    return tuple(term for term in terms if contains_term(text, term))


# --- Integrity ----------------------------------------------------------------------------------------------------


def _choice_text(text: str) -> str:
    """A choice as it would be quoted: without the quotes, backticks and emphasis it is written with."""
    return text.strip().strip("'\"`*").strip()


def _number_text(value: Any) -> str:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return format(number.normalize(), "f") if number == number.to_integral_value() else str(number)


def leak_terms(kind: str, definition: Mapping[str, Any]) -> tuple[str, ...]:
    """The texts that would give away the right answer of a question (its grading definition, as instructors see
    it): the correct choices' texts, the numeric value, the accepted short answers, or "true"/"false"."""
    if kind in {"single_choice", "multiple_choice"}:
        correct = definition.get("correct")
        wanted = {correct} if isinstance(correct, str) else set(correct or ())
        return tuple(
            _choice_text(str(option["text"])) for option in definition.get("options", ()) if option["id"] in wanted
        )
    if kind == "true_false":
        return ("true",) if definition.get("correct") else ("false",)
    if kind == "numeric":
        return (_number_text(definition.get("value")),)
    accepted = definition.get("accepted") or ()
    return tuple(str(answer).strip() for answer in accepted if str(answer).strip())


# --- Groundedness -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grounding:
    claims: int
    supported: int

    @property
    def score(self) -> float | None:
        """Share of the answer's claims that the cited passages support; None when it makes no claim."""
        return self.supported / self.claims if self.claims else None


def claims_of(answer: str, *, references: Iterable[str] = ()) -> list[str]:
    """The sentences of `answer` that say something (enough content words), with the cited titles and links out."""
    text = answer
    for reference in sorted({r for r in references if r}, key=len, reverse=True):
        text = text.replace(reference, " ")
    text = without_links(text)
    sentences = (part.strip() for part in _SENTENCE_BREAK.split(text))
    return [sentence for sentence in sentences if len(set(content_tokens(sentence))) >= CLAIM_MIN_TOKENS]


def grounding(answer: str, passages: Sequence[str], *, references: Iterable[str] = ()) -> Grounding:
    """How much of `answer` rests on the text of `passages` (the passages it cites)."""
    vocabulary = {token for passage in passages for token in content_tokens(passage)}
    claims = claims_of(answer, references=references)
    supported = 0
    for claim in claims:
        tokens = set(content_tokens(claim))
        if tokens and len(tokens & vocabulary) / len(tokens) >= SUPPORT_THRESHOLD:
            supported += 1
    return Grounding(claims=len(claims), supported=supported)


# --- Outcomes and scores ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Citation:
    title: str
    url: str


@dataclass(frozen=True)
class Outcome:
    """What the runner saw for one case. `error` is the domain error's code when the call raised; `passages` the
    text of every passage the answer cites; `leak_terms` the right answer's texts (integrity cases)."""

    case_id: str
    error: str = ""
    status: str = ""
    agent: str = ""
    intent: str = ""
    answer: str = ""
    citations: tuple[Citation, ...] = ()
    passages: tuple[str, ...] = ()
    leak_terms: tuple[str, ...] = ()
    no_source_note: str = ""
    written: bool | None = None  # bad input: whether anything was stored for the failed request
    wall_ms: float | None = None
    first_token_ms: float | None = None
    latency_ms: float | None = None
    problem: str = ""  # the runner could not set the case up or the call failed unexpectedly


@dataclass(frozen=True)
class CaseScore:
    case: Case
    outcome: Outcome
    routed: bool | None = None  # None: not scored for this case
    status_ok: bool | None = None
    missing: tuple[str, ...] = ()
    avoided_present: tuple[str, ...] = ()
    grounding: Grounding | None = None
    grounded: bool | None = None
    lesson_cited: bool | None = None
    leaked: tuple[str, ...] = ()
    error_ok: bool | None = None

    @property
    def content_ok(self) -> bool | None:
        if not (self.case.must_contain or self.case.must_avoid) or self.outcome.error:
            return None
        return not self.missing and not self.avoided_present

    @property
    def passed(self) -> bool:
        checks = (self.routed, self.status_ok, self.content_ok, self.grounded, self.lesson_cited, self.error_ok)
        return not self.outcome.problem and not self.leaked and all(check is not False for check in checks)


def _cites_lesson(citations: Iterable[Citation], lesson: str) -> bool:
    wanted = normalise(lesson)
    return any(normalise(citation.title).endswith(wanted) for citation in citations)


def score_case(case: Case, outcome: Outcome) -> CaseScore:
    if outcome.problem:
        return CaseScore(case=case, outcome=outcome)
    if case.kind == "bad_input":
        if case.expect_error:
            ok = outcome.error == case.expect_error and outcome.written is False
            return CaseScore(case=case, outcome=outcome, error_ok=ok)
        return CaseScore(
            case=case, outcome=outcome, status_ok=not outcome.error and outcome.status == case.status_expected
        )
    if outcome.error:
        # A tutoring, routing or integrity question must get an answer in the chat, never an error.
        return CaseScore(case=case, outcome=outcome, routed=False if case.agents else None, status_ok=False)
    routed = outcome.agent in case.agents if case.agents else None
    expected_status = case.status_expected
    status_ok = outcome.status == expected_status if expected_status else None
    text = without_links(outcome.answer)  # a lesson link's id must not count as a number or a term
    missing = missing_terms(text, case.must_contain)
    avoided = present_terms(text, case.must_avoid)
    leaked = present_terms(text, outcome.leak_terms) if case.kind == "integrity" else ()
    measured: Grounding | None = None
    grounded: bool | None = None
    if case.grounded:
        references = [c.title for c in outcome.citations] + [c.url for c in outcome.citations]
        measured = grounding_of(outcome.answer, outcome.passages, references=references)
        grounded = bool(outcome.citations) and (measured.score or 0.0) >= GROUNDED_THRESHOLD
    lesson_cited = _cites_lesson(outcome.citations, case.lesson) if case.lesson and case.grounded else None
    return CaseScore(
        case=case,
        outcome=outcome,
        routed=routed,
        status_ok=status_ok,
        missing=missing,
        avoided_present=avoided,
        grounding=measured,
        grounded=grounded,
        lesson_cited=lesson_cited,
        leaked=leaked,
    )


def grounding_of(answer: str, passages: Sequence[str], *, references: Iterable[str] = ()) -> Grounding:
    """AGENTS-TOOLS' measure (`azora.agents.grounding.groundedness`: each sentence against its best passage) when it
    is there, this module's `grounding` otherwise. The cited titles and links are taken out of the answer first, so
    that its list of sources never counts as a supported claim."""
    try:
        shared = importlib.import_module("azora.agents.grounding")
    except ImportError:
        return grounding(answer, passages, references=references)
    text = answer
    for reference in sorted({r for r in references if r}, key=len, reverse=True):
        text = text.replace(reference, " ")
    result = shared.groundedness(text, list(passages))
    return Grounding(claims=int(result.counted), supported=int(result.supported))


# --- The report ---------------------------------------------------------------------------------------------------


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The nearest-rank percentile (`fraction` 0..1) of `values`; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


@dataclass(frozen=True)
class Rate:
    good: int
    total: int

    @property
    def value(self) -> float | None:
        return self.good / self.total if self.total else None

    def __str__(self) -> str:
        return f"{self.good}/{self.total} = {self.value:.1%}" if self.total else "n/a (0 cases)"


def _rate(flags: Iterable[bool | None]) -> Rate:
    scored = [flag for flag in flags if flag is not None]
    return Rate(sum(1 for flag in scored if flag), len(scored))


@dataclass(frozen=True)
class Report:
    scores: tuple[CaseScore, ...]
    kinds: dict[str, int]
    integrity: Rate  # integrity cases answered without the right answer in the text
    integrity_unanswered: int  # integrity cases that could not be run or raised: no claim about them
    hinted: Rate  # integrity cases answered with a Socratic hint (status "hint")
    routing: Rate
    status: Rate
    content: Rate
    grounded: Rate
    cited: Rate  # grounded-expected cases whose answer cites at least one source
    lesson_cited: Rate
    grounding_mean: float | None
    bad_input: Rate
    problems: int
    wall_p50_ms: float | None
    wall_p95_ms: float | None
    first_token_p50_ms: float | None
    first_token_p95_ms: float | None
    stored_latency_p50_ms: float | None
    stored_latency_p95_ms: float | None
    intents: dict[str, Counter[str]] = field(default_factory=dict)  # expected intent -> intents recorded

    @property
    def failures(self) -> tuple[CaseScore, ...]:
        return tuple(score for score in self.scores if not score.passed)

    @property
    def integrity_met(self) -> bool:
        """Integrity is 100 %: every integrity case ran and none leaked its answer."""
        complete = self.integrity_unanswered == 0 and self.integrity.total > 0
        return complete and self.integrity.good == self.integrity.total


def summarise(scores: Sequence[CaseScore]) -> Report:
    integrity = [s for s in scores if s.case.kind == "integrity"]
    answered_integrity = [s for s in integrity if not s.outcome.problem and not s.outcome.error]
    expected_grounded = [s for s in scores if s.case.grounded and not s.outcome.problem]
    answers = [s for s in scores if not s.outcome.problem and not s.outcome.error]
    grounding_scores = [s.grounding.score for s in expected_grounded if s.grounding and s.grounding.score is not None]
    intents: dict[str, Counter[str]] = {}
    for s in answers:
        if s.case.intent:
            intents.setdefault(s.case.intent, Counter())[s.outcome.intent or "-"] += 1
    walls = [s.outcome.wall_ms for s in answers if s.outcome.wall_ms is not None]
    firsts = [s.outcome.first_token_ms for s in answers if s.outcome.first_token_ms is not None]
    stored = [s.outcome.latency_ms for s in answers if s.outcome.latency_ms is not None]
    return Report(
        scores=tuple(scores),
        kinds=dict(Counter(s.case.kind for s in scores)),
        integrity=Rate(sum(1 for s in answered_integrity if not s.leaked), len(answered_integrity)),
        integrity_unanswered=len(integrity) - len(answered_integrity),
        hinted=Rate(sum(1 for s in answered_integrity if s.outcome.status == "hint"), len(answered_integrity)),
        routing=_rate(s.routed for s in scores if not s.outcome.problem),
        status=_rate(s.status_ok for s in scores if s.case.kind != "bad_input" and not s.outcome.problem),
        content=_rate(s.content_ok for s in scores if not s.outcome.problem),
        grounded=_rate(s.grounded for s in expected_grounded),
        cited=_rate(bool(s.outcome.citations) for s in expected_grounded if not s.outcome.error),
        lesson_cited=_rate(s.lesson_cited for s in expected_grounded),
        grounding_mean=sum(grounding_scores) / len(grounding_scores) if grounding_scores else None,
        bad_input=_rate(
            (s.error_ok if s.error_ok is not None else s.status_ok) for s in scores if s.case.kind == "bad_input"
        ),
        problems=sum(1 for s in scores if s.outcome.problem),
        wall_p50_ms=percentile(walls, 0.50),
        wall_p95_ms=percentile(walls, 0.95),
        first_token_p50_ms=percentile(firsts, 0.50),
        first_token_p95_ms=percentile(firsts, 0.95),
        stored_latency_p50_ms=percentile(stored, 0.50),
        stored_latency_p95_ms=percentile(stored, 0.95),
        intents=intents,
    )


def routing_by_split(scores: Sequence[CaseScore]) -> dict[str, Rate]:
    """Routing accuracy on the tuned splits together and on each unseen split, for the splits present."""
    groups = {"tuned": TUNED_SPLITS, **{split: (split,) for split in UNSEEN_SPLITS}}
    rates = {
        name: _rate(s.routed for s in scores if s.case.split in splits and not s.outcome.problem)
        for name, splits in groups.items()
    }
    return {name: rate for name, rate in rates.items() if rate.total}


def _ms(value: float | None) -> str:
    return f"{value:.1f} ms" if value is not None else "n/a"


def format_report(report: Report) -> str:
    kinds = ", ".join(f"{kind} {report.kinds.get(kind, 0)}" for kind in KINDS)
    integrity_line = f"Integrity (no open-assessment answer leaked): {report.integrity} (target 100 %)"
    if report.integrity_unanswered:
        integrity_line += f"; {report.integrity_unanswered} integrity case(s) NOT evaluated"
    by_split = routing_by_split(report.scores)
    split_lines = (
        [f"  routing by split: {'; '.join(f'{name} {rate}' for name, rate in by_split.items())}"]
        if len(by_split) > 1
        else []
    )
    lines = [
        f"Cases: {len(report.scores)} ({kinds}); could not run: {report.problems}",
        integrity_line,
        f"  answered with a Socratic hint: {report.hinted}",
        f"Routing accuracy (expected agent answered): {report.routing}",
        *split_lines,
        f"Groundedness: {report.grounded} grounded (cited and >= {GROUNDED_THRESHOLD:.0%} of claims supported);"
        f" mean support {report.grounding_mean:.3f}"
        if report.grounding_mean is not None
        else f"Groundedness: {report.grounded} grounded; no claims measured",
        f"  answers citing a source: {report.cited}; citing the expected lesson: {report.lesson_cited}",
        f"Content (must contain / must avoid): {report.content}",
        f"Expected status of the answer: {report.status}",
        f"Bad input handled as expected: {report.bad_input}",
        f"Latency, wall clock per question: P50 {_ms(report.wall_p50_ms)}, P95 {_ms(report.wall_p95_ms)}",
        f"  first token: P50 {_ms(report.first_token_p50_ms)}, P95 {_ms(report.first_token_p95_ms)}; "
        f"stored latency_ms: P50 {_ms(report.stored_latency_p50_ms)}, P95 {_ms(report.stored_latency_p95_ms)}",
    ]
    if report.intents:
        recorded = "; ".join(
            f"{intent} -> " + ", ".join(f"{name} {count}" for name, count in counter.most_common())
            for intent, counter in sorted(report.intents.items())
        )
        lines.append(f"Intents recorded per expected intent: {recorded}")
    return "\n".join(lines)


def format_failures(report: Report, *, limit: int = 400) -> str:
    lines = []
    for s in report.failures:
        o = s.outcome
        reasons = []
        if o.problem:
            reasons.append(f"could not run: {o.problem}")
        if s.leaked:
            reasons.append(f"LEAKED {', '.join(s.leaked)}")
        if s.routed is False:
            reasons.append(f"agent {o.agent or o.error or '-'} (expected {'/'.join(s.case.agents)})")
        if s.status_ok is False:
            reasons.append(f"status {o.status or o.error or '-'} (expected {s.case.status_expected})")
        if s.error_ok is False:
            reasons.append(f"error {o.error or '-'} written={o.written} (expected {s.case.expect_error})")
        if s.missing:
            reasons.append(f"missing {', '.join(s.missing)}")
        if s.avoided_present:
            reasons.append(f"contains {', '.join(s.avoided_present)}")
        if s.grounded is False:
            score = s.grounding.score if s.grounding else None
            support = f"{score:.2f}" if score is not None else "-"
            reasons.append(f"not grounded (support {support}, {len(o.citations)} citation(s))")
        if s.lesson_cited is False:
            reasons.append(f"did not cite {s.case.lesson!r}")
        lines.append(f"{s.case.id} [{s.case.kind}]: " + "; ".join(reasons))
        if o.answer:
            lines.append("    " + " ".join(o.answer.split())[:limit])
    return "\n".join(lines)
