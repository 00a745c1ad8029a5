"""The grade engine's course grade: weighted categories, drop-lowest, explanations, overrides, determinism."""

from __future__ import annotations

import random
from dataclasses import replace
from decimal import Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from azora.education.grading import CategoryRule, GradeItem, GradeOverride, course_grade, grade_to_json

D = Decimal


def item(
    key: str,
    category: str,
    score: str | None,
    *,
    weight: str = "1",
    order: int = 0,
    required: bool = False,
    awaiting: bool = False,
) -> GradeItem:
    return GradeItem(
        key=key,
        title=f"Quiz {key}",
        category=category,
        weight=D(weight),
        order=order,
        is_required=required,
        score_percent=None if score is None else D(score),
        is_awaiting_grading=awaiting,
    )


RULES = [CategoryRule("Quizzes", D(40), drop_lowest=1), CategoryRule("Exams", D(60))]


def test_weighted_categories_with_drop_lowest_explained() -> None:
    items = [
        item("q1", "Quizzes", "50", order=1),
        item("q2", "Quizzes", "80", order=2),
        item("q3", "Quizzes", "90", order=3),
        item("e1", "Exams", "70", order=4),
    ]
    grade = course_grade(RULES, items)
    # Quizzes drop 50 → (80 + 90) / 2 = 85; grade = (85 x 40 + 70 x 60) / 100 = 76
    assert grade.percent == D("76.00")
    assert grade.computed_percent == D("76.00")
    quizzes = next(line for line in grade.categories if line.name == "Quizzes")
    assert (quizzes.average_percent, quizzes.dropped, quizzes.share_of_grade_percent) == (
        D("85.00"),
        ("q1",),
        D("40.00"),
    )
    lines = {line.key: line for line in grade.items}
    assert lines["q1"].state == "dropped"
    assert "dropped" in lines["q1"].explanation
    assert lines["q1"].share_of_grade_percent == D("0.00")
    assert (lines["q2"].state, lines["q2"].share_of_grade_percent) == ("counted", D("20.00"))
    assert (lines["e1"].state, lines["e1"].share_of_grade_percent) == ("counted", D("60.00"))
    assert grade.summary.startswith("Your grade is 76.00%")
    assert sum(line.share_of_grade_percent for line in grade.items) == D("100.00")


def test_item_weights_inside_a_category() -> None:
    rules = [CategoryRule("Work", D(1))]
    grade = course_grade(rules, [item("a", "Work", "100", weight="3"), item("b", "Work", "60", weight="1", order=1)])
    assert grade.percent == D("90.00")  # (100 x 3 + 60) / 4
    assert [line.share_of_grade_percent for line in grade.items] == [D("75.00"), D("25.00")]


def test_rounding_is_half_up_to_two_places_at_each_stated_step() -> None:
    rules = [CategoryRule("A", D(1)), CategoryRule("B", D(2))]
    grade = course_grade(rules, [item("a", "A", "66.665"), item("b", "B", "0.005", order=1)])
    categories = {line.name: line.average_percent for line in grade.categories}
    assert categories == {"A": D("66.67"), "B": D("0.01")}
    assert grade.percent == D("22.23")  # (66.67 + 0.02) / 3 = 22.23


def test_unscored_items_and_empty_categories_do_not_count() -> None:
    items = [
        item("q1", "Quizzes", "90"),
        item("q2", "Quizzes", None, order=1),
        item("q3", "Quizzes", None, order=2, awaiting=True),
    ]
    grade = course_grade(RULES, items)
    assert grade.percent == D("90.00")  # Exams have nothing scored: Quizzes carry the whole grade
    states = [line.state for line in grade.items]
    assert states == ["counted", "not_attempted", "awaiting_grading"]
    exams = next(line for line in grade.categories if line.name == "Exams")
    assert (exams.average_percent, exams.share_of_grade_percent) == (None, D("0.00"))
    assert "does not count yet" in exams.explanation


def test_no_scores_no_grade() -> None:
    grade = course_grade(RULES, [item("q1", "Quizzes", None)])
    assert grade.percent is None
    assert grade.summary == "Nothing has been scored yet, so there is no grade yet."


def test_drop_lowest_never_drops_required_items_or_the_last_one() -> None:
    rules = [CategoryRule("Quizzes", D(1), drop_lowest=5)]
    items = [
        item("a", "Quizzes", "10", required=True),
        item("b", "Quizzes", "20", order=1),
        item("c", "Quizzes", "30", order=2),
    ]
    grade = course_grade(rules, items)
    assert grade.categories[0].dropped == ("b", "c")
    assert grade.percent == D("10.00")
    only = course_grade(rules, [item("x", "Quizzes", "40")])
    assert (only.categories[0].dropped, only.percent) == ((), D("40.00"))


def test_drop_lowest_ties_drop_the_item_listed_first() -> None:
    rules = [CategoryRule("Quizzes", D(1), drop_lowest=1)]
    items = [
        item("late", "Quizzes", "50", order=2),
        item("early", "Quizzes", "50", order=1),
        item("top", "Quizzes", "90", order=3),
    ]
    assert course_grade(rules, items).categories[0].dropped == ("early",)


def test_override_replaces_the_grade_and_keeps_the_computed_one() -> None:
    override = GradeOverride(
        percent=D("80.00"), reason="Medical certificate accepted", by="u1", at="2026-11-25T20:00:00+00:00"
    )
    grade = course_grade(RULES, [item("e1", "Exams", "70")], override)
    assert (grade.percent, grade.computed_percent, grade.override) == (D("80.00"), D("70.00"), override)
    assert "Medical certificate accepted" in grade.summary
    assert "70.00%" in grade.summary


@pytest.mark.parametrize(
    ("rules", "items", "message"),
    [
        ([CategoryRule("A", D(0))], [], "weight above 0"),
        ([CategoryRule("A", D(1), drop_lowest=-1)], [], "drop_lowest"),
        ([CategoryRule("A", D(1)), CategoryRule("A", D(2))], [], "unique"),
        ([CategoryRule("A", D(1))], [item("x", "B", "1")], "unknown category"),
        ([CategoryRule("A", D(1))], [item("x", "A", "1", weight="0")], "weight above 0"),
    ],
)
def test_inconsistent_configuration_is_refused(rules: list[CategoryRule], items: list[GradeItem], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        course_grade(rules, items)


def test_same_inputs_same_bytes_whatever_the_order_or_decimal_context() -> None:
    items = [item(f"i{n}", "Quizzes" if n % 2 else "Exams", str(n * 7 % 101), order=n) for n in range(10)]
    first = grade_to_json(course_grade(RULES, items))
    shuffled = items[:]
    random.Random(4).shuffle(shuffled)
    with localcontext() as context:
        context.prec = 5
        context.rounding = "ROUND_DOWN"
        again = grade_to_json(course_grade(list(reversed(RULES)), shuffled))
    assert first == again
    assert first.startswith(b"{")
    assert b'"percent":"' in first


scores = st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=2))
item_strategy = st.builds(
    lambda n, category, score, weight, required: item(
        f"k{n}", category, None if score is None else str(score), weight=str(weight), order=n, required=required
    ),
    st.integers(0, 30),
    st.sampled_from(["Quizzes", "Exams"]),
    scores,
    st.integers(1, 5),
    st.booleans(),
)
item_lists = st.lists(item_strategy, max_size=12, unique_by=lambda i: i.key)
rule_lists = st.tuples(st.integers(1, 100), st.integers(0, 3), st.integers(1, 100), st.integers(0, 3)).map(
    lambda t: [CategoryRule("Quizzes", D(t[0]), t[1]), CategoryRule("Exams", D(t[2]), t[3])]
)


@given(rule_lists, item_lists)
def test_grade_is_bounded_and_deterministic(rules: list[CategoryRule], items: list[GradeItem]) -> None:
    grade = course_grade(rules, items)
    if all(i.score_percent is None for i in items):
        assert grade.percent is None
    else:
        assert grade.percent is not None
        assert D(0) <= grade.percent <= D(100)
        scored = [i.score_percent for i in items if i.score_percent is not None]
        assert min(scored) - D("0.01") <= grade.percent <= max(scored) + D("0.01")
    assert grade_to_json(grade) == grade_to_json(course_grade(list(reversed(rules)), list(reversed(items))))


@given(rule_lists, item_lists)
def test_dropping_the_lowest_never_lowers_a_category_average(rules: list[CategoryRule], items: list[GradeItem]) -> None:
    # Holds when every item may be dropped; dropping an optional item above a required low score may lower it.
    items = [replace(i, is_required=False) for i in items]
    no_drops = [CategoryRule(rule.name, rule.weight, 0) for rule in rules]
    with_drops = {line.name: line.average_percent for line in course_grade(rules, items).categories}
    without = {line.name: line.average_percent for line in course_grade(no_drops, items).categories}
    for name, average in with_drops.items():
        baseline = without[name]
        if average is not None:
            assert baseline is not None
            assert average >= baseline
