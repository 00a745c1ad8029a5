"""The grade engine's questions: authoring rules, answer types, and the scoring of every question type."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from azora.education import grading
from azora.education.grading import (
    AnswerInvalid,
    DefinitionInvalid,
    FreeText,
    MultipleChoice,
    Numeric,
    Ordering,
    Question,
    RubricGrade,
    ShortText,
    SingleChoice,
    TrueFalse,
    answer_parse,
    attempt_score,
    definition_for_learner,
    definition_parse,
    definition_to_json,
    draw_questions,
)

OPTIONS = [
    {"id": "a", "text": "Rand"},
    {"id": "b", "text": "Dollar"},
    {"id": "c", "text": "Euro"},
    {"id": "d", "text": "Yen"},
]
SPECS: dict[str, dict[str, Any]] = {
    "single_choice": {"options": OPTIONS, "correct": "a"},
    "multiple_choice": {"options": OPTIONS, "correct": ["a", "c"]},
    "true_false": {"correct": True},
    "numeric": {"value": "3.14", "tolerance": "0.01"},
    "short_text": {"accepted": ["Pretoria"], "match": "casefold"},
    "ordering": {"items": [{"id": "1", "text": "Earn"}, {"id": "2", "text": "Budget"}, {"id": "3", "text": "Save"}]},
    "free_text": {
        "rubric": [
            {"id": "clarity", "description": "Clear", "points": "3"},
            {"id": "facts", "description": "Right", "points": "2.5"},
        ]
    },
}


def question(kind: str, spec: dict[str, Any] | None = None, points: str = "2") -> Question:
    definition = definition_parse(kind, spec if spec is not None else SPECS[kind])
    return Question(id="q1", points=grading.points_parse(points, definition), definition=definition)


def score(q: Question, raw: Any) -> tuple[Decimal | None, str]:
    item = attempt_score([q], {q.id: answer_parse(q, raw)}).items[0]
    return item.points_awarded, item.status


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_definitions_survive_their_stored_form(kind: str) -> None:
    definition = definition_parse(kind, SPECS[kind])
    assert definition_parse(kind, definition_to_json(definition)) == definition


@pytest.mark.parametrize(
    ("kind", "spec", "field"),
    [
        ("single_choice", {"options": OPTIONS, "correct": "z"}, "correct"),
        ("single_choice", {"options": OPTIONS[:1], "correct": "a"}, "options"),
        ("single_choice", {"options": [*OPTIONS, {"id": "a", "text": "again"}], "correct": "a"}, "options"),
        ("single_choice", {"options": [{"id": "a"}, {"id": "b", "text": "B"}], "correct": "a"}, "options[0].text"),
        ("multiple_choice", {"options": OPTIONS, "correct": []}, "correct"),
        ("multiple_choice", {"options": OPTIONS, "correct": ["a", "a"]}, "correct"),
        ("multiple_choice", {"options": OPTIONS, "correct": "a"}, "correct"),
        ("true_false", {"correct": "yes"}, "correct"),
        ("numeric", {"value": 3.14}, "value"),
        ("numeric", {"value": "pi"}, "value"),
        ("numeric", {"value": "NaN"}, "value"),
        ("numeric", {"value": "1", "tolerance": "-0.1"}, "tolerance"),
        ("short_text", {"accepted": [], "match": "exact"}, "accepted"),
        ("short_text", {"accepted": ["x"], "match": "fuzzy"}, "match"),
        ("short_text", {"accepted": ["("], "match": "regex"}, "accepted[0]"),
        ("short_text", {"accepted": ["(a+)+$"], "match": "regex"}, "accepted[0]"),
        ("short_text", {"accepted": ["(\\w*\\s?)*x"], "match": "regex"}, "accepted[0]"),
        ("short_text", {"accepted": ["a" * 201], "match": "regex"}, "accepted[0]"),
        ("ordering", {"items": OPTIONS, "rule": "pairs"}, "rule"),
        ("free_text", {"rubric": [{"id": "c", "description": "d", "points": "0"}]}, "rubric[0].points"),
        ("free_text", {"rubric": [{"id": "c", "description": "d", "points": "1.001"}]}, "rubric[0].points"),
        ("essay", {}, "kind"),
    ],
)
def test_bad_definitions_name_the_part_at_fault(kind: str, spec: dict[str, Any], field: str) -> None:
    with pytest.raises(DefinitionInvalid) as caught:
        definition_parse(kind, spec)
    assert caught.value.field == field


SAFE_PATTERNS = ["[0-9]+(\\.[0-9]{1,2})?", "(ab|cd)", "colou?r", "[(+*]+x", "R\\s?[0-9]{1,3}(,[0-9]{3})*", "(ab){2}"]
RISKY_PATTERNS = [
    "(a+)+",
    "(a|aa)*b",
    "(a|a){2,}",
    "((ab)*)+",
    "\\w*\\w*\\w*\\w*x",
    "a{2,}b*c*d+",
    "(a?b)+",
    "(a{1,3})*",
]


@pytest.mark.parametrize("pattern", SAFE_PATTERNS)
def test_safe_regexes_are_accepted(pattern: str) -> None:
    assert isinstance(definition_parse("short_text", {"accepted": [pattern], "match": "regex"}), ShortText)


@pytest.mark.parametrize("pattern", RISKY_PATTERNS)
def test_regexes_that_could_backtrack_for_long_are_refused(pattern: str) -> None:
    with pytest.raises(DefinitionInvalid) as caught:
        definition_parse("short_text", {"accepted": [pattern], "match": "regex"})
    assert caught.value.field == "accepted[0]"


@pytest.mark.parametrize("points", ["0", "-1", "1000.01", "1.005", "x", 2.5])
def test_points_must_be_positive_with_two_decimals(points: Any) -> None:
    with pytest.raises(DefinitionInvalid):
        grading.points_parse(points, definition_parse("true_false", {"correct": True}))


def test_free_text_points_are_the_rubric_sum() -> None:
    assert question("free_text", points="99").points == Decimal("5.5")


@pytest.mark.parametrize(
    ("raw", "points", "status"),
    [("a", "2.00", "correct"), ("b", "0.00", "incorrect"), (None, "0.00", "unanswered")],
)
def test_single_choice(raw: Any, points: str, status: str) -> None:
    assert score(question("single_choice"), raw) == (Decimal(points), status)


@pytest.mark.parametrize(
    ("raw", "points", "status"),
    [
        (["a", "c"], "2.00", "correct"),
        (["c", "a"], "2.00", "correct"),
        (["a"], "1.00", "partial"),
        (["a", "b"], "0.00", "incorrect"),  # (1 right - 1 wrong) / 2 = 0
        (["a", "c", "b"], "1.00", "partial"),  # (2 - 1) / 2
        (["b", "d"], "0.00", "incorrect"),  # (0 - 2) / 2 floored at 0
        (["a", "b", "c", "d"], "0.00", "incorrect"),
        ([], "0.00", "incorrect"),
    ],
)
def test_multiple_choice_partial_credit(raw: Any, points: str, status: str) -> None:
    assert score(question("multiple_choice"), raw) == (Decimal(points), status)


def test_multiple_choice_thirds_round_half_up() -> None:
    q = question("multiple_choice", {"options": OPTIONS, "correct": ["a", "b", "c"]}, points="1")
    assert score(q, ["a"]) == (Decimal("0.33"), "partial")
    assert score(q, ["a", "b"]) == (Decimal("0.67"), "partial")


@pytest.mark.parametrize(("raw", "points"), [(True, "2.00"), (False, "0.00")])
def test_true_false(raw: bool, points: str) -> None:
    assert score(question("true_false"), raw)[0] == Decimal(points)


@pytest.mark.parametrize(
    ("raw", "points"),
    [
        ("3.14", "2.00"),
        ("3.15", "2.00"),
        ("3.13", "2.00"),
        ("3.151", "0.00"),
        ("3.129", "0.00"),
        (3, "0.00"),
        (3.141, "2.00"),
        (" 3.14 ", "2.00"),
        ("", "0.00"),
    ],
)
def test_numeric_absolute_tolerance_is_inclusive(raw: Any, points: str) -> None:
    assert score(question("numeric"), raw)[0] == Decimal(points)


def test_numeric_float_answers_are_read_as_written() -> None:
    q = question("numeric", {"value": "0.3", "tolerance": "0"})
    assert score(q, 0.3) == (Decimal("2.00"), "correct")


@pytest.mark.parametrize(
    ("match", "accepted", "raw", "points"),
    [
        ("exact", ["Pretoria"], "Pretoria", "2.00"),
        ("exact", ["Pretoria"], "  Pretoria ", "2.00"),
        ("exact", ["Pretoria"], "pretoria", "0.00"),
        ("casefold", ["Cape Town"], "  cape   TOWN", "2.00"),
        ("casefold", ["Straße"], "STRASSE", "2.00"),
        ("casefold", ["Cape Town"], "Capetown", "0.00"),
        ("regex", ["[0-9]+(\\.[0-9]{1,2})?"], "12.50", "2.00"),
        ("regex", ["[0-9]+(\\.[0-9]{1,2})?"], "12.505", "0.00"),  # fullmatch, not search
        ("regex", ["[0-9]+"], "abc 12", "0.00"),
        ("regex", ["colou?r", "hue"], "hue", "2.00"),
    ],
)
def test_short_text(match: str, accepted: list[str], raw: str, points: str) -> None:
    assert score(question("short_text", {"accepted": accepted, "match": match}), raw)[0] == Decimal(points)


def test_short_text_answers_are_capped() -> None:
    q = question("short_text", {"accepted": ["a+"], "match": "regex"})
    with pytest.raises(AnswerInvalid):
        answer_parse(q, "a" * 201)
    assert score(q, "a" * 200)[0] == Decimal("2.00")


@pytest.mark.parametrize(
    ("rule", "raw", "points"),
    [
        ("all_or_nothing", ["1", "2", "3"], "2.00"),
        ("all_or_nothing", ["1", "3", "2"], "0.00"),
        ("position", ["1", "3", "2"], "0.67"),
        ("position", ["3", "1", "2"], "0.00"),
        ("position", ["1", "2", "3"], "2.00"),
    ],
)
def test_ordering(rule: str, raw: list[str], points: str) -> None:
    spec = {**SPECS["ordering"], "rule": rule}
    assert score(question("ordering", spec), raw)[0] == Decimal(points)


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        ("single_choice", ["a"]),
        ("single_choice", "z"),
        ("single_choice", 1),
        ("multiple_choice", "a"),
        ("multiple_choice", ["a", "a"]),
        ("multiple_choice", ["a", "z"]),
        ("multiple_choice", [1]),
        ("true_false", "true"),
        ("true_false", 1),
        ("numeric", "three"),
        ("numeric", True),
        ("numeric", ["3"]),
        ("numeric", "Infinity"),
        ("numeric", "1" * 21),
        ("numeric", "1E+999999999"),
        ("numeric", "1E-999999999"),
        ("numeric", 1e300),
        ("short_text", 5),
        ("ordering", ["1", "2"]),
        ("ordering", ["1", "2", "2"]),
        ("ordering", ["1", "2", "3", "4"]),
        ("free_text", {"text": "x"}),
        ("free_text", "x" * 20_001),
    ],
)
def test_answers_of_the_wrong_type_name_their_question(kind: str, raw: Any) -> None:
    with pytest.raises(AnswerInvalid) as caught:
        answer_parse(question(kind), raw)
    assert caught.value.question_id == "q1"


def test_free_text_awaits_grading_then_counts_its_rubric() -> None:
    q = question("free_text")
    answers = {"q1": answer_parse(q, "Save before you spend.")}
    pending = attempt_score([q], answers)
    assert pending.percent is None
    assert pending.is_awaiting_grading
    assert pending.items[0].status == "awaiting_grading"
    grade = grading.rubric_grade_parse(q, {"clarity": "3", "facts": "1.5"}, "Good.")
    assert grade == RubricGrade(points={"clarity": Decimal("3.00"), "facts": Decimal("1.50")}, comment="Good.")
    done = attempt_score([q], answers, {"q1": grade})
    assert (done.points_awarded, done.points_possible, done.percent) == (
        Decimal("4.50"),
        Decimal("5.5"),
        Decimal("81.82"),
    )
    assert done.is_passed(Decimal("70")) is True


def test_unanswered_free_text_needs_no_grading() -> None:
    result = attempt_score([question("free_text")], {"q1": answer_parse(question("free_text"), "   ")})
    assert (result.percent, result.items[0].status) == (Decimal("0.00"), "unanswered")


@pytest.mark.parametrize(
    "raw",
    [
        {"clarity": "3"},
        {"clarity": "3", "facts": "2.6"},
        {"clarity": "-1", "facts": "0"},
        {"clarity": "1.001", "facts": "0"},
        {"clarity": "x", "facts": "0"},
        ["3", "2"],
    ],
)
def test_rubric_grades_are_checked(raw: Any) -> None:
    with pytest.raises(AnswerInvalid):
        grading.rubric_grade_parse(question("free_text"), raw)


def test_rubric_grade_only_for_free_text() -> None:
    with pytest.raises(AnswerInvalid):
        grading.rubric_grade_parse(question("true_false"), {})


def test_attempt_score_sums_rounded_items_and_counts_missing_answers_as_zero() -> None:
    questions = [
        Question(
            "m", Decimal("1"), definition_parse("multiple_choice", {"options": OPTIONS, "correct": ["a", "b", "c"]})
        ),
        Question("t", Decimal("2"), TrueFalse(correct=False)),
        Question("n", Decimal("3"), Numeric(value=Decimal(10), tolerance=Decimal(0))),
    ]
    result = attempt_score(questions, {"m": ("a",), "t": False})
    assert [item.points_awarded for item in result.items] == [Decimal("0.33"), Decimal("2.00"), Decimal("0.00")]
    assert [item.status for item in result.items] == ["partial", "correct", "unanswered"]
    assert (result.points_awarded, result.points_possible, result.percent) == (
        Decimal("2.33"),
        Decimal("6"),
        Decimal("38.83"),
    )
    assert result.is_passed(Decimal("38.83")) is True
    assert result.is_passed(Decimal("38.84")) is False


def test_learners_never_see_an_answer() -> None:
    for kind, spec in SPECS.items():
        shown = definition_for_learner(definition_parse(kind, spec), seed="s")
        assert "correct" not in shown
        assert "accepted" not in shown
        assert "value" not in shown
    ordering = definition_parse("ordering", SPECS["ordering"])
    assert isinstance(ordering, Ordering)
    for seed in map(str, range(50)):
        shown_ids = [item["id"] for item in definition_for_learner(ordering, seed=seed)["items"]]
        assert shown_ids != ["1", "2", "3"]
        assert sorted(shown_ids) == ["1", "2", "3"]
        assert definition_for_learner(ordering, seed=seed) == definition_for_learner(ordering, seed=seed)


def test_credit_rules_are_stated_for_every_type() -> None:
    for kind, spec in SPECS.items():
        assert grading.credit_rule(definition_parse(kind, spec))
    assert "never below 0" in grading.credit_rule(definition_parse("multiple_choice", SPECS["multiple_choice"]))


def test_correct_answers_for_review() -> None:
    expected = {
        "single_choice": "a",
        "multiple_choice": ["a", "c"],
        "true_false": True,
        "numeric": {"value": "3.14", "tolerance": "0.01"},
        "short_text": {"accepted": ["Pretoria"], "match": "casefold"},
        "ordering": ["1", "2", "3"],
        "free_text": None,
    }
    for kind, spec in SPECS.items():
        assert grading.correct_answer_for_review(definition_parse(kind, spec)) == expected[kind]


# --- Properties ---

ids = st.lists(st.text("abcdefghij", min_size=1, max_size=4), min_size=1, max_size=12, unique=True)


@given(ids, st.text(max_size=8), st.integers(min_value=0, max_value=15))
def test_draws_are_reproducible_and_order_free(question_ids: list[str], seed: str, count: int) -> None:
    first = draw_questions(question_ids, count=count, seed=seed)
    assert first == draw_questions(list(reversed(question_ids)), count=count, seed=seed)
    assert len(first) == min(count, len(question_ids))
    assert set(first) <= set(question_ids)
    assert len(set(first)) == len(first)
    assert sorted(draw_questions(question_ids, count=None, seed=seed)) == sorted(question_ids)


@given(
    st.integers(min_value=1, max_value=8).flatmap(
        lambda n: st.tuples(st.just(n), st.sets(st.integers(0, n - 1), min_size=1), st.sets(st.integers(0, n - 1)))
    ),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000"), places=2),
)
def test_multiple_choice_score_follows_the_stated_rule(case: tuple[int, set[int], set[int]], points: Decimal) -> None:
    n, correct, chosen = case
    options = tuple(grading.Option(id=str(i), text=str(i)) for i in range(max(n, 2)))
    q = Question("q", points, MultipleChoice(options=options, correct=frozenset(map(str, correct))))
    awarded = attempt_score([q], {"q": tuple(sorted(map(str, chosen)))}).items[0].points_awarded
    assert awarded is not None
    assert Decimal(0) <= awarded <= points
    right, wrong = len(chosen & correct), len(chosen - correct)
    exact = max(Decimal(0), points * (right - wrong) / len(correct))
    assert awarded == exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if chosen == correct:
        assert awarded == points


@given(
    st.decimals(min_value=-(10**6), max_value=10**6, places=3),
    st.decimals(min_value=0, max_value=100, places=3),
    st.decimals(min_value=-(10**6), max_value=10**6, places=3),
)
def test_numeric_is_right_exactly_within_tolerance(value: Decimal, tolerance: Decimal, answer: Decimal) -> None:
    q = Question("q", Decimal(1), Numeric(value=value, tolerance=tolerance))
    status = attempt_score([q], {"q": answer_parse(q, str(answer))}).items[0].status
    assert (status == "correct") == (abs(answer - value) <= tolerance)


@given(st.permutations(["1", "2", "3", "4", "5"]))
def test_ordering_position_credit_counts_items_in_place(order: list[str]) -> None:
    items = tuple(grading.Option(id=i, text=i) for i in ["1", "2", "3", "4", "5"])
    q = Question("q", Decimal(5), Ordering(items=items, rule="position"))
    in_place = sum(1 for index, item in enumerate(order) if item == str(index + 1))
    assert attempt_score([q], {"q": tuple(order)}).items[0].points_awarded == Decimal(in_place).quantize(
        Decimal("0.01")
    )


def test_single_choice_dataclass_is_frozen() -> None:
    definition = definition_parse("single_choice", SPECS["single_choice"])
    assert isinstance(definition, SingleChoice)
    with pytest.raises(AttributeError):
        definition.correct = "b"  # type: ignore[misc]  # proving it is frozen
    assert isinstance(definition_parse("free_text", SPECS["free_text"]), FreeText)


def test_stored_definitions_stay_readable_when_authoring_rules_tighten() -> None:
    stored = {"accepted": ["(a|aa)*b"], "match": "regex"}
    with pytest.raises(DefinitionInvalid):
        definition_parse("short_text", stored)
    assert definition_parse("short_text", stored, stored=True) == ShortText(accepted=("(a|aa)*b",), match="regex")
