"""The pure grade engine: question definitions and answers, the scoring of each question type, and the course grade.

Frozen dataclasses in, frozen dataclasses out; no database, no clock, no settings. Every number is a Decimal and
every rounding is ROUND_HALF_UP to 2 places, done where this module says so, so the same inputs always give the
same outputs, byte for byte (`grade_to_json`).

The rules learners are shown (`CREDIT_RULES`, `GRADE_RULES`):
- multiple choice: (correct options chosen - wrong options chosen) ÷ correct options, floored at 0, x points;
- ordering: "all_or_nothing" (the whole order right) or "position" (each item in its right place earns 1/n);
- numeric: right when |answer - value| ≤ tolerance (absolute);
- short text: "exact" (after trimming the ends), "casefold" (also ignoring case and repeated spaces) or "regex"
  (the trimmed answer must match the whole pattern; answers longer than 200 characters never match);
- course grade: each category's average is the weighted mean of its counted items (rounded), the grade is the
  weighted mean of the categories that have counted items (rounded); the lowest scores of a category may be
  dropped (never a required item, never the last counted one); items not yet scored are not counted.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, ClassVar, Literal

__all__ = [
    "CREDIT_RULES",
    "GRADE_RULES",
    "MAX_FREE_TEXT_LENGTH",
    "MAX_PATTERN_LENGTH",
    "MAX_SHORT_TEXT_LENGTH",
    "AnswerInvalid",
    "AttemptResult",
    "CategoryLine",
    "CategoryRule",
    "CourseGrade",
    "Criterion",
    "Definition",
    "DefinitionInvalid",
    "FreeText",
    "GradeItem",
    "GradeOverride",
    "ItemLine",
    "ItemResult",
    "MultipleChoice",
    "Numeric",
    "Option",
    "Ordering",
    "Question",
    "RubricGrade",
    "ShortText",
    "SingleChoice",
    "TrueFalse",
    "answer_parse",
    "attempt_score",
    "course_grade",
    "definition_for_learner",
    "definition_parse",
    "definition_to_json",
    "draw_questions",
    "grade_to_json",
    "money_round",
    "rubric_grade_parse",
]

QuestionKind = Literal[
    "single_choice", "multiple_choice", "true_false", "numeric", "short_text", "ordering", "free_text"
]
TextMatch = Literal["exact", "casefold", "regex"]
OrderingRule = Literal["all_or_nothing", "position"]
ItemStatus = Literal["correct", "partial", "incorrect", "unanswered", "awaiting_grading", "graded"]
LineState = Literal["counted", "dropped", "not_attempted", "awaiting_grading"]

TWO_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)
# Division in a fixed context, so the ambient decimal context of a caller can never change a grade.
_CONTEXT = Context(prec=34, rounding=ROUND_HALF_UP)
MAX_OPTIONS = 20
MAX_ID_LENGTH = 40
MAX_TEXT_LENGTH = 1000
MAX_SHORT_TEXT_LENGTH = 200
MAX_FREE_TEXT_LENGTH = 20_000
MAX_PATTERN_LENGTH = 200
MAX_ACCEPTED = 20
MAX_POINTS = Decimal("1000")
MAX_DIGITS = 20  # a numeric answer with more significant digits than this is refused rather than parsed
MAX_ADJUSTED_EXPONENT = 30  # and one beyond 1e30 or below 1e-30 (1E+999999999 would overflow the arithmetic)

CREDIT_RULES: Mapping[str, str] = {
    "single_choice": "Full points for the right option, none otherwise.",
    "multiple_choice": (
        "Each right option you tick earns a share of the points and each wrong one takes a share away: "
        "(right ticked - wrong ticked) ÷ right options x points, never below 0."
    ),
    "true_false": "Full points for the right answer, none otherwise.",
    "numeric": "Full points when your number is within the stated tolerance of the answer, none otherwise.",
    "short_text": "Full points when your text matches an accepted answer, none otherwise.",
    "ordering:all_or_nothing": "Full points only when every item is in its right place.",
    "ordering:position": "Each item in its right place earns an equal share of the points.",
    "free_text": "An instructor scores your answer against the rubric; the points of each criterion add up.",
}

GRADE_RULES = (
    "Each assessment counts with its best closed attempt; attempts awaiting grading and assessments not yet "
    "attempted are not counted.",
    "A category's average is the weighted mean of its counted assessments, rounded half up to 2 places.",
    "Where a category drops its lowest scores, the lowest counted scores are left out (ties: the item listed "
    "first); a required assessment is never dropped, nor a category's last counted one.",
    "The course grade is the weighted mean of the averages of the categories that count, rounded half up to "
    "2 places; categories with nothing counted yet are left out and the others' weights fill their place.",
    "An instructor's override, when there is one, replaces the computed grade; both are shown.",
)


class DefinitionInvalid(ValueError):
    """A question definition an author sent breaks a rule; `field` names the part at fault."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class AnswerInvalid(ValueError):
    """An answer does not fit its question's type; `question_id` names the question."""

    def __init__(self, question_id: str, message: str) -> None:
        self.question_id = question_id
        self.message = message
        super().__init__(f"{question_id}: {message}")


NUMBER_RULE = f"must be a finite number of at most {MAX_DIGITS} digits, between -1e30 and 1e30."


def _plain_number(value: Decimal) -> bool:
    """Finite, at most MAX_DIGITS significant digits, and (unless zero) within 1e-30 to 1e30 in size."""
    if not value.is_finite() or len(value.as_tuple().digits) > MAX_DIGITS:
        return False
    return value.is_zero() or abs(value.adjusted()) <= MAX_ADJUSTED_EXPONENT


def money_round(value: Decimal) -> Decimal:
    """The one rounding of this module: half up to 2 places (named for the habit, used for points and percents)."""
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP, context=_CONTEXT)


# --- Question definitions ---


@dataclass(frozen=True, slots=True)
class Option:
    id: str
    text: str


@dataclass(frozen=True, slots=True)
class SingleChoice:
    kind: ClassVar[QuestionKind] = "single_choice"
    options: tuple[Option, ...]
    correct: str


@dataclass(frozen=True, slots=True)
class MultipleChoice:
    kind: ClassVar[QuestionKind] = "multiple_choice"
    options: tuple[Option, ...]
    correct: frozenset[str]


@dataclass(frozen=True, slots=True)
class TrueFalse:
    kind: ClassVar[QuestionKind] = "true_false"
    correct: bool


@dataclass(frozen=True, slots=True)
class Numeric:
    kind: ClassVar[QuestionKind] = "numeric"
    value: Decimal
    tolerance: Decimal


@dataclass(frozen=True, slots=True)
class ShortText:
    kind: ClassVar[QuestionKind] = "short_text"
    accepted: tuple[str, ...]
    match: TextMatch


@dataclass(frozen=True, slots=True)
class Ordering:
    """`items` in their right order; learners see them shuffled."""

    kind: ClassVar[QuestionKind] = "ordering"
    items: tuple[Option, ...]
    rule: OrderingRule


@dataclass(frozen=True, slots=True)
class Criterion:
    id: str
    description: str
    points: Decimal


@dataclass(frozen=True, slots=True)
class FreeText:
    kind: ClassVar[QuestionKind] = "free_text"
    rubric: tuple[Criterion, ...]

    @property
    def points(self) -> Decimal:
        return sum((criterion.points for criterion in self.rubric), Decimal(0))


Definition = SingleChoice | MultipleChoice | TrueFalse | Numeric | ShortText | Ordering | FreeText
KINDS: tuple[QuestionKind, ...] = (
    "single_choice",
    "multiple_choice",
    "true_false",
    "numeric",
    "short_text",
    "ordering",
    "free_text",
)


@dataclass(frozen=True, slots=True)
class Question:
    """A question as the engine scores it: its id (text), its points and its definition (with the answers)."""

    id: str
    points: Decimal
    definition: Definition


# --- Parsing what authors send ---


def _require_mapping(raw: Any, field: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise DefinitionInvalid(field, "must be an object.")
    return raw


def _text(raw: Any, field: str, *, max_length: int = MAX_TEXT_LENGTH) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise DefinitionInvalid(field, "must be a non-empty text.")
    if len(raw) > max_length:
        raise DefinitionInvalid(field, f"must be at most {max_length} characters.")
    return raw.strip()


def _decimal(raw: Any, field: str) -> Decimal:
    """A finite Decimal from a JSON string or integer (floats are refused: they are not exact)."""
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise DefinitionInvalid(field, 'must be a number written as text (e.g. "3.14") or an integer.')
    try:
        value = Decimal(raw.strip() if isinstance(raw, str) else raw)
    except InvalidOperation:
        raise DefinitionInvalid(field, "must be a number.") from None
    if not _plain_number(value):
        raise DefinitionInvalid(field, NUMBER_RULE)
    return value


def _options(raw: Any, field: str, *, minimum: int) -> tuple[Option, ...]:
    if not isinstance(raw, list) or not minimum <= len(raw) <= MAX_OPTIONS:
        raise DefinitionInvalid(field, f"must list {minimum} to {MAX_OPTIONS} options.")
    options = []
    for index, item in enumerate(raw):
        entry = _require_mapping(item, f"{field}[{index}]")
        option_id = _text(entry.get("id"), f"{field}[{index}].id", max_length=MAX_ID_LENGTH)
        options.append(Option(id=option_id, text=_text(entry.get("text"), f"{field}[{index}].text")))
    if len({option.id for option in options}) != len(options):
        raise DefinitionInvalid(field, "option ids must be unique.")
    return tuple(options)


MAX_UNBOUNDED_QUANTIFIERS = 3
_UNBOUNDED_BRACE = re.compile(r"\{\d*,\}")
_BRACE = re.compile(r"\{\d*(,\d*)?\}")
_EXACT_BRACE = re.compile(r"\{\d+\}")


def _pattern_risk(pattern: str) -> str | None:
    """Why a (compiling) pattern could backtrack for too long on a 200-character answer, or None.

    Python's `re` cannot be interrupted, so risky shapes are refused when authored: a repeated group that holds
    a repetition or an alternation (`(a+)+`, `(a|aa)*`: exponential), and more than three unbounded
    repetitions (`\\w*\\w*\\w*\\w*x`: polynomial of that degree).
    """
    groups: list[bool] = []  # per open group: whether it holds a repetition or an alternation so far
    unbounded = 0
    index = 0
    in_class = False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if pattern[index + 1 : index + 2] == "]":
                index += 1  # "[]...]": a leading "]" is a literal member
        elif char == "(":
            groups.append(False)
        elif char == "|" and groups:
            groups[-1] = True
        elif char in "*+" or (char == "{" and _BRACE.match(pattern, index)):
            unbounded += 1 if char in "*+" or _UNBOUNDED_BRACE.match(pattern, index) else 0
            if groups and not _EXACT_BRACE.match(pattern, index):  # "{3}" repeats exactly: nothing to backtrack
                groups[-1] = True
        elif char == "?" and groups and pattern[index - 1] != "(":
            groups[-1] = True
        elif char == ")" and groups:
            risky_inside = groups.pop()
            following = pattern[index + 1 : index + 2]
            if risky_inside and (following in ("*", "+") or (following == "{" and _BRACE.match(pattern, index + 1))):
                return "must not repeat a group that itself repeats or has alternatives (e.g. (a+)+ or (a|ab)*)."
            if groups and risky_inside:
                groups[-1] = True
        index += 1
    if unbounded > MAX_UNBOUNDED_QUANTIFIERS:
        return f"must have at most {MAX_UNBOUNDED_QUANTIFIERS} unbounded repetitions (*, +, {{n,}})."
    return None


def _pattern(raw: Any, field: str, *, stored: bool = False) -> str:
    pattern = _text(raw, field, max_length=MAX_PATTERN_LENGTH)
    try:
        re.compile(pattern)
    except re.error as error:
        raise DefinitionInvalid(field, f"is not a valid regular expression ({error}).") from None
    risk = None if stored else _pattern_risk(pattern)
    if risk is not None:
        raise DefinitionInvalid(field, risk)
    return pattern


def definition_parse(kind: str, raw: Any, *, stored: bool = False) -> Definition:
    """The definition of a question of `kind` from an author's JSON; DefinitionInvalid names the part at fault.

    `stored=True` reads a definition saved earlier: authoring rules added since (the regex risk check) do not
    make an existing question unreadable.
    """
    spec = _require_mapping(raw, "definition")
    if kind == "single_choice":
        options = _options(spec.get("options"), "options", minimum=2)
        correct = spec.get("correct")
        if correct not in {option.id for option in options}:
            raise DefinitionInvalid("correct", "must be the id of one of the options.")
        return SingleChoice(options=options, correct=str(correct))
    if kind == "multiple_choice":
        options = _options(spec.get("options"), "options", minimum=2)
        chosen = spec.get("correct")
        ids = {option.id for option in options}
        if not isinstance(chosen, list) or not chosen or not all(isinstance(c, str) and c in ids for c in chosen):
            raise DefinitionInvalid("correct", "must list one or more ids of the options.")
        if len(set(chosen)) != len(chosen):
            raise DefinitionInvalid("correct", "must not repeat an option.")
        return MultipleChoice(options=options, correct=frozenset(chosen))
    if kind == "true_false":
        if not isinstance(spec.get("correct"), bool):
            raise DefinitionInvalid("correct", "must be true or false.")
        return TrueFalse(correct=spec["correct"])
    if kind == "numeric":
        value = _decimal(spec.get("value"), "value")
        tolerance = _decimal(spec.get("tolerance", "0"), "tolerance")
        if tolerance < 0:
            raise DefinitionInvalid("tolerance", "must not be negative.")
        return Numeric(value=value, tolerance=tolerance)
    if kind == "short_text":
        match = spec.get("match", "casefold")
        if match not in ("exact", "casefold", "regex"):
            raise DefinitionInvalid("match", "must be one of exact, casefold, regex.")
        accepted_raw = spec.get("accepted")
        if not isinstance(accepted_raw, list) or not 1 <= len(accepted_raw) <= MAX_ACCEPTED:
            raise DefinitionInvalid("accepted", f"must list 1 to {MAX_ACCEPTED} accepted answers.")
        if match == "regex":
            accepted = tuple(_pattern(item, f"accepted[{i}]", stored=stored) for i, item in enumerate(accepted_raw))
        else:
            accepted = tuple(
                _text(item, f"accepted[{i}]", max_length=MAX_SHORT_TEXT_LENGTH) for i, item in enumerate(accepted_raw)
            )
        return ShortText(accepted=accepted, match=match)
    if kind == "ordering":
        rule = spec.get("rule", "all_or_nothing")
        if rule not in ("all_or_nothing", "position"):
            raise DefinitionInvalid("rule", "must be all_or_nothing or position.")
        return Ordering(items=_options(spec.get("items"), "items", minimum=2), rule=rule)
    if kind == "free_text":
        rubric_raw = spec.get("rubric")
        if not isinstance(rubric_raw, list) or not 1 <= len(rubric_raw) <= MAX_OPTIONS:
            raise DefinitionInvalid("rubric", f"must list 1 to {MAX_OPTIONS} criteria.")
        criteria = []
        for index, item in enumerate(rubric_raw):
            entry = _require_mapping(item, f"rubric[{index}]")
            points = _decimal(entry.get("points"), f"rubric[{index}].points")
            if not Decimal(0) < points <= MAX_POINTS or points != money_round(points):
                raise DefinitionInvalid(f"rubric[{index}].points", "must be above 0, at most 1000, 2 decimals.")
            criteria.append(
                Criterion(
                    id=_text(entry.get("id"), f"rubric[{index}].id", max_length=MAX_ID_LENGTH),
                    description=_text(entry.get("description"), f"rubric[{index}].description"),
                    points=points,
                )
            )
        if len({criterion.id for criterion in criteria}) != len(criteria):
            raise DefinitionInvalid("rubric", "criterion ids must be unique.")
        return FreeText(rubric=tuple(criteria))
    raise DefinitionInvalid("kind", f"must be one of {', '.join(KINDS)}.")


def points_parse(raw: Any, definition: Definition) -> Decimal:
    """A question's points: above 0, at most 1000, 2 decimals; a free-text question's are its rubric's sum."""
    if isinstance(definition, FreeText):
        return definition.points
    points = _decimal(raw, "points")
    if not Decimal(0) < points <= MAX_POINTS or points != money_round(points):
        raise DefinitionInvalid("points", "must be above 0, at most 1000, with at most 2 decimals.")
    return money_round(points)


def _plain(value: Any) -> Any:
    """A JSON-ready copy: Decimals as text, sets sorted, tuples as lists, dataclasses as objects."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (frozenset, set)):
        return sorted(_plain(item) for item in value)
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if is_dataclass(value):
        return {item.name: _plain(getattr(value, item.name)) for item in fields(value)}
    return value


def definition_to_json(definition: Definition) -> dict[str, Any]:
    """The stored form of a definition; `definition_parse(kind, definition_to_json(d)) == d`."""
    plain: dict[str, Any] = _plain(definition)
    return plain


def _stable_order(items: Iterable[Option], *, seed: str) -> list[Option]:
    return sorted(items, key=lambda item: hashlib.sha256(f"{seed}:{item.id}".encode()).hexdigest())


def definition_for_learner(definition: Definition, *, seed: str) -> dict[str, Any]:
    """What a learner may see of a question while the attempt is open: never an answer, never the right order.

    Ordering items come in a seeded order that does not give the answer away (when the seeded order happens to
    be the right one, the first item moves to the end).
    """
    if isinstance(definition, (SingleChoice, MultipleChoice)):
        return {"options": [_plain(option) for option in definition.options]}
    if isinstance(definition, Ordering):
        shown = _stable_order(definition.items, seed=seed)
        if shown == list(definition.items):
            shown = shown[1:] + shown[:1]
        return {"items": [_plain(item) for item in shown], "rule": definition.rule}
    if isinstance(definition, FreeText):
        return {"rubric": [_plain(criterion) for criterion in definition.rubric]}
    if isinstance(definition, ShortText):
        return {"match": definition.match}
    return {}


def credit_rule(definition: Definition) -> str:
    if isinstance(definition, Ordering):
        return CREDIT_RULES[f"ordering:{definition.rule}"]
    return CREDIT_RULES[definition.kind]


def draw_questions(question_ids: Sequence[str], *, count: int | None, seed: str) -> tuple[str, ...]:
    """The questions an attempt shows, in order: all (count None) or `count` of them, shuffled by the seed.

    The same ids and seed always give the same tuple; the input order of `question_ids` does not matter.
    """
    ordered = sorted(set(question_ids), key=lambda qid: hashlib.sha256(f"{seed}:{qid}".encode()).hexdigest())
    if count is None:
        return tuple(ordered)
    return tuple(ordered[:count])


# --- Parsing what learners send ---

Answer = str | bool | Decimal | tuple[str, ...]


def answer_parse(question: Question, raw: Any) -> Answer | None:
    """A learner's answer in the type its question needs; None (or "") means unanswered; else AnswerInvalid."""
    definition = question.definition
    qid = question.id
    if raw is None:
        return None
    if isinstance(definition, (SingleChoice, MultipleChoice, Ordering)):
        ids = {option.id for option in (definition.items if isinstance(definition, Ordering) else definition.options)}
        if isinstance(definition, SingleChoice):
            if not isinstance(raw, str) or raw not in ids:
                raise AnswerInvalid(qid, "must be the id of one of the options.")
            return raw
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            raise AnswerInvalid(qid, "must be a list of option ids.")
        if len(set(raw)) != len(raw) or not set(raw) <= ids:
            raise AnswerInvalid(qid, "must list option ids of this question, each once.")
        if isinstance(definition, Ordering):
            if set(raw) != ids:
                raise AnswerInvalid(qid, "must list every item exactly once, in your order.")
            return tuple(raw)
        return tuple(sorted(raw))
    if isinstance(definition, TrueFalse):
        if not isinstance(raw, bool):
            raise AnswerInvalid(qid, "must be true or false.")
        return raw
    if isinstance(definition, Numeric):
        if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
            raise AnswerInvalid(qid, "must be a number.")
        if isinstance(raw, str) and not raw.strip():
            return None
        try:
            # A float from JSON is read through its shortest repr, so 0.1 means 0.1, not 0.1000000000000000055...
            value = Decimal(repr(raw) if isinstance(raw, float) else raw.strip() if isinstance(raw, str) else raw)
        except InvalidOperation:
            raise AnswerInvalid(qid, "must be a number.") from None
        if not _plain_number(value):
            raise AnswerInvalid(qid, NUMBER_RULE)
        return value
    if isinstance(definition, (ShortText, FreeText)):
        limit = MAX_SHORT_TEXT_LENGTH if isinstance(definition, ShortText) else MAX_FREE_TEXT_LENGTH
        if not isinstance(raw, str):
            raise AnswerInvalid(qid, "must be text.")
        if len(raw) > limit:
            raise AnswerInvalid(qid, f"must be at most {limit} characters.")
        return raw if raw.strip() else None
    raise AssertionError(f"unknown definition {definition!r}")  # pragma: no cover -- the union is exhaustive


def answer_to_json(answer: Answer | None) -> Any:
    """The stored form of a parsed answer (Decimals as text, lists for tuples)."""
    if isinstance(answer, Decimal):
        return str(answer)
    if isinstance(answer, tuple):
        return list(answer)
    return answer


# --- Scoring one question ---


def _collapse(text: str) -> str:
    return " ".join(text.split()).casefold()


def _fraction(definition: Definition, answer: Answer) -> Fraction:
    """The share of the points an answer earns, in [0, 1]; free text is never scored here."""
    if isinstance(definition, SingleChoice):
        return Fraction(answer == definition.correct)
    if isinstance(definition, TrueFalse):
        return Fraction(answer is definition.correct)
    if isinstance(definition, MultipleChoice):
        assert isinstance(answer, tuple)
        chosen = set(answer)
        right = len(chosen & definition.correct)
        wrong = len(chosen - definition.correct)
        return max(Fraction(0), Fraction(right - wrong, len(definition.correct)))
    if isinstance(definition, Numeric):
        assert isinstance(answer, Decimal)
        return Fraction(abs(answer - definition.value) <= definition.tolerance)
    if isinstance(definition, ShortText):
        assert isinstance(answer, str)
        text = answer.strip()
        if definition.match == "exact":
            return Fraction(text in definition.accepted)
        if definition.match == "casefold":
            return Fraction(_collapse(text) in {_collapse(accepted) for accepted in definition.accepted})
        if len(text) > MAX_SHORT_TEXT_LENGTH:
            return Fraction(0)
        return Fraction(any(re.fullmatch(pattern, text) for pattern in definition.accepted))
    if isinstance(definition, Ordering):
        assert isinstance(answer, tuple)
        right_order = [item.id for item in definition.items]
        in_place = sum(1 for given, right in zip(answer, right_order, strict=True) if given == right)
        if definition.rule == "all_or_nothing":
            return Fraction(in_place == len(right_order))
        return Fraction(in_place, len(right_order))
    raise AssertionError("free text is scored by an instructor")  # pragma: no cover


def _scaled(points: Decimal, share: Fraction) -> Decimal:
    return money_round(_CONTEXT.divide(points * share.numerator, Decimal(share.denominator)))


@dataclass(frozen=True, slots=True)
class RubricGrade:
    """An instructor's scores for one free-text answer: points per criterion id, and a comment."""

    points: Mapping[str, Decimal]
    comment: str = ""

    @property
    def total(self) -> Decimal:
        return sum(self.points.values(), Decimal(0))


def rubric_grade_parse(question: Question, raw_points: Any, comment: Any = "") -> RubricGrade:
    """An instructor's rubric scores, checked: every criterion once, each between 0 and its points, 2 decimals."""
    definition = question.definition
    if not isinstance(definition, FreeText):
        raise AnswerInvalid(question.id, "only free-text answers are graded by an instructor.")
    if not isinstance(raw_points, Mapping) or set(raw_points) != {criterion.id for criterion in definition.rubric}:
        raise AnswerInvalid(question.id, "must score every rubric criterion, by its id, exactly once.")
    points: dict[str, Decimal] = {}
    for criterion in definition.rubric:
        try:
            value = _decimal(raw_points[criterion.id], criterion.id)
        except DefinitionInvalid as error:
            raise AnswerInvalid(question.id, f"criterion {criterion.id} {error.message}") from None
        if not Decimal(0) <= value <= criterion.points or value != money_round(value):
            raise AnswerInvalid(
                question.id, f"criterion {criterion.id} must score 0 to {criterion.points} with 2 decimals at most."
            )
        points[criterion.id] = money_round(value)
    if not isinstance(comment, str) or len(comment) > MAX_TEXT_LENGTH * 5:
        raise AnswerInvalid(question.id, "the comment must be text of at most 5000 characters.")
    return RubricGrade(points=points, comment=comment.strip())


@dataclass(frozen=True, slots=True)
class ItemResult:
    """One question's outcome: its points (None while it awaits an instructor) and how it went."""

    question_id: str
    kind: str
    points_possible: Decimal
    points_awarded: Decimal | None
    status: ItemStatus


@dataclass(frozen=True, slots=True)
class AttemptResult:
    """An attempt's outcome. `percent` is None while a free-text answer awaits grading."""

    items: tuple[ItemResult, ...]
    points_possible: Decimal
    points_awarded: Decimal
    percent: Decimal | None

    @property
    def is_awaiting_grading(self) -> bool:
        return self.percent is None

    def is_passed(self, passing_percent: Decimal) -> bool | None:
        return None if self.percent is None else self.percent >= passing_percent


def _item_result(question: Question, answer: Answer | None, manual: RubricGrade | None) -> ItemResult:
    definition = question.definition

    def result(points: Decimal | None, status: ItemStatus) -> ItemResult:
        return ItemResult(question.id, definition.kind, question.points, points, status)

    if answer is None:
        return result(Decimal("0.00"), "unanswered")
    if isinstance(definition, FreeText):
        if manual is None:
            return result(None, "awaiting_grading")
        return result(money_round(manual.total), "graded")
    share = _fraction(definition, answer)
    status: ItemStatus = "correct" if share == 1 else "incorrect" if share == 0 else "partial"
    return result(_scaled(question.points, share), status)


def percent_of(awarded: Decimal, possible: Decimal) -> Decimal:
    if possible == 0:
        return Decimal("0.00")
    return money_round(_CONTEXT.divide(awarded * HUNDRED, possible))


def attempt_score(
    questions: Sequence[Question],
    answers: Mapping[str, Answer | None],
    manual: Mapping[str, RubricGrade] | None = None,
) -> AttemptResult:
    """Scores every question of an attempt (missing answers score 0); each item is rounded, then the percent.

    The percent is total awarded ÷ total possible x 100, rounded half up to 2 places; None while any answered
    free-text question has no rubric grade yet.
    """
    manual = manual or {}
    items = tuple(_item_result(q, answers.get(q.id), manual.get(q.id)) for q in questions)
    possible = sum((question.points for question in questions), Decimal("0.00"))
    awarded = sum((item.points_awarded or Decimal(0) for item in items), Decimal("0.00"))
    pending = any(item.status == "awaiting_grading" for item in items)
    return AttemptResult(
        items=items,
        points_possible=possible,
        points_awarded=awarded,
        percent=None if pending else percent_of(awarded, possible),
    )


def correct_answer_for_review(definition: Definition) -> Any:
    """The right answer, in the answer's JSON shape, for review after the attempt has closed."""
    if isinstance(definition, SingleChoice):
        return definition.correct
    if isinstance(definition, MultipleChoice):
        return sorted(definition.correct)
    if isinstance(definition, TrueFalse):
        return definition.correct
    if isinstance(definition, Numeric):
        return {"value": str(definition.value), "tolerance": str(definition.tolerance)}
    if isinstance(definition, ShortText):
        return {"accepted": list(definition.accepted), "match": definition.match}
    if isinstance(definition, Ordering):
        return [item.id for item in definition.items]
    return None


# --- The course grade ---


@dataclass(frozen=True, slots=True)
class CategoryRule:
    """A grade category of a course: its relative weight (> 0) and how many lowest scores it drops."""

    name: str
    weight: Decimal
    drop_lowest: int = 0


@dataclass(frozen=True, slots=True)
class GradeItem:
    """One assessment in the grade: its best closed score (None when there is none) and its weight in its category.

    `order` is the assessment's place in the course; it breaks ties between equal scores.
    """

    key: str
    title: str
    category: str
    weight: Decimal
    order: int
    is_required: bool
    score_percent: Decimal | None
    is_awaiting_grading: bool = False


@dataclass(frozen=True, slots=True)
class GradeOverride:
    """An instructor's replacement of the computed grade (the latest one counts)."""

    percent: Decimal
    reason: str
    by: str
    at: str


@dataclass(frozen=True, slots=True)
class ItemLine:
    key: str
    title: str
    category: str
    weight: Decimal
    score_percent: Decimal | None
    state: LineState
    share_of_grade_percent: Decimal  # how much of the course grade this item carries (0 unless counted)
    explanation: str


@dataclass(frozen=True, slots=True)
class CategoryLine:
    name: str
    weight: Decimal
    share_of_grade_percent: Decimal
    average_percent: Decimal | None
    drop_lowest: int
    dropped: tuple[str, ...]
    explanation: str


@dataclass(frozen=True, slots=True)
class CourseGrade:
    """A course grade and why: `percent` is what counts (the override when there is one), `computed_percent`
    what the rules give; None when nothing has been scored yet."""

    percent: Decimal | None
    computed_percent: Decimal | None
    override: GradeOverride | None
    categories: tuple[CategoryLine, ...]
    items: tuple[ItemLine, ...]
    summary: str
    rules: tuple[str, ...] = field(default=GRADE_RULES)
    rounding: str = "ROUND_HALF_UP to 2 decimal places"


def _weighted_mean(pairs: Sequence[tuple[Decimal, Decimal]]) -> Decimal:
    """sum(value x weight) ÷ sum(weight), exact to 34 digits, then rounded half up to 2 places."""
    total_weight = sum((weight for _, weight in pairs), Decimal(0))
    total = sum((_CONTEXT.multiply(value, weight) for value, weight in pairs), Decimal(0))
    return money_round(_CONTEXT.divide(total, total_weight))


def _dropped_keys(rule: CategoryRule, scored: Sequence[GradeItem]) -> set[str]:
    """The keys of the lowest scores a category drops: never a required item, never its last counted one."""
    droppable = sorted((item for item in scored if not item.is_required), key=lambda i: (i.score_percent, i.order))
    count = max(0, min(rule.drop_lowest, len(droppable), len(scored) - 1))
    return {item.key for item in droppable[:count]}


def _fmt(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


def course_grade(
    rules: Sequence[CategoryRule], items: Sequence[GradeItem], override: GradeOverride | None = None
) -> CourseGrade:
    """The one function that computes a course grade (see GRADE_RULES); deterministic in its inputs' content.

    The order of `rules` and `items` does not matter: categories are listed by name, items by (order, key).
    """
    by_name = {rule.name: rule for rule in rules}
    if len(by_name) != len(rules):
        raise ValueError("category names must be unique")
    for rule in rules:
        if rule.weight <= 0 or rule.drop_lowest < 0:
            raise ValueError(f"category {rule.name!r} needs a weight above 0 and drop_lowest of 0 or more")
    for item in items:
        if item.category not in by_name:
            raise ValueError(f"item {item.key!r} is in unknown category {item.category!r}")
        if item.weight <= 0:
            raise ValueError(f"item {item.key!r} needs a weight above 0")
    ordered_items = sorted(items, key=lambda i: (i.order, i.key))
    items_by_category: dict[str, list[GradeItem]] = {}
    for item in ordered_items:
        items_by_category.setdefault(item.category, []).append(item)
    averages: dict[str, Decimal] = {}
    counted: dict[str, list[GradeItem]] = {}
    dropped: dict[str, set[str]] = {}
    for rule in sorted(rules, key=lambda r: r.name):
        scored = [i for i in items_by_category.get(rule.name, []) if i.score_percent is not None]
        dropped[rule.name] = _dropped_keys(rule, scored)
        counted[rule.name] = [i for i in scored if i.key not in dropped[rule.name]]
        if counted[rule.name]:
            pairs = [(i.score_percent, i.weight) for i in counted[rule.name] if i.score_percent is not None]
            averages[rule.name] = _weighted_mean(pairs)
    counting_weight = sum((by_name[name].weight for name in averages), Decimal(0))
    computed = (
        _weighted_mean([(averages[name], by_name[name].weight) for name in sorted(averages)]) if averages else None
    )

    def category_share(name: str) -> Decimal:
        if name not in averages:
            return Decimal(0)
        return _CONTEXT.divide(by_name[name].weight * HUNDRED, counting_weight)

    category_lines = []
    for rule in sorted(rules, key=lambda r: r.name):
        share = money_round(category_share(rule.name))
        if rule.name in averages:
            text = f"{rule.name}: average {_fmt(averages[rule.name])}, carrying {share}% of your grade."
        else:
            text = f"{rule.name}: nothing scored yet, so it does not count yet."
        if dropped[rule.name]:
            text += f" Its {len(dropped[rule.name])} lowest score(s) dropped (it drops {rule.drop_lowest})."
        category_lines.append(
            CategoryLine(
                name=rule.name,
                weight=rule.weight,
                share_of_grade_percent=share,
                average_percent=averages.get(rule.name),
                drop_lowest=rule.drop_lowest,
                dropped=tuple(sorted(dropped[rule.name])),
                explanation=text,
            )
        )

    shares = {name: category_share(name) for name in by_name}
    counted_weights = {name: sum((i.weight for i in counted[name]), Decimal(0)) for name in by_name}
    item_lines = []
    for item in ordered_items:
        state: LineState
        share = Decimal("0.00")
        if item.score_percent is None:
            state = "awaiting_grading" if item.is_awaiting_grading else "not_attempted"
            text = (
                f"{item.title}: awaiting an instructor's grading; not counted yet."
                if item.is_awaiting_grading
                else f"{item.title}: not attempted yet; not counted."
            )
        elif item.key in dropped[item.category]:
            state = "dropped"
            text = (
                f"{item.title}: {_fmt(item.score_percent)} dropped — one of the lowest scores in {item.category}, "
                f"which drops its {by_name[item.category].drop_lowest} lowest."
            )
        else:
            state = "counted"
            share = money_round(_CONTEXT.divide(shares[item.category] * item.weight, counted_weights[item.category]))
            text = (
                f"{item.title}: {_fmt(item.score_percent)} with weight {item.weight} in {item.category}, "
                f"carrying {share}% of your grade."
            )
        item_lines.append(
            ItemLine(
                key=item.key,
                title=item.title,
                category=item.category,
                weight=item.weight,
                score_percent=item.score_percent,
                state=state,
                share_of_grade_percent=share,
                explanation=text,
            )
        )

    if computed is None:
        summary = "Nothing has been scored yet, so there is no grade yet."
    else:
        parts = ", ".join(f"{name} {averages[name]}% x {by_name[name].weight}" for name in sorted(averages))
        summary = f"Your grade is {computed}%: the weighted mean of {parts} (weights relative)."
    if override is not None:
        summary = (
            f"Your grade is {override.percent}%, set by an instructor ({override.reason}); "
            f"the rules give {_fmt(computed)}."
        )
    return CourseGrade(
        percent=override.percent if override is not None else computed,
        computed_percent=computed,
        override=override,
        categories=tuple(category_lines),
        items=tuple(item_lines),
        summary=summary,
    )


def grade_to_json(grade: CourseGrade) -> bytes:
    """The canonical bytes of a grade: sorted keys, no spaces, Decimals as text, UTF-8."""
    return json.dumps(_plain(grade), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
