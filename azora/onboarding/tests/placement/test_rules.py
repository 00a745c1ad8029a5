"""The pure rules of placement: the staircase, the stop rule, estimates and the learning path, with properties."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from azora.onboarding import placement as rules
from azora.onboarding.placement import Answered, CourseFacts, Item, Limits, Reason

LIMITS = Limits(min_items=10, max_items=20)


def bank(spec: dict[str, dict[str, int]]) -> list[Item]:
    """{"money": {"beginner": 3, "intermediate": 2}} -> items money-beginner-0, ..."""
    return [
        Item(question_id=f"{subject}-{level}-{n}", subject=subject, level=level)
        for subject, levels in spec.items()
        for level, count in levels.items()
        for n in range(count)
    ]


def run(
    pool: Sequence[Item], answer: Callable[[Item], bool], *, seed: int = 7, limits: Limits = LIMITS
) -> list[Answered]:
    """Plays a whole diagnostic; `answer(item)` says whether the learner gets it right."""
    answered: list[Answered] = []
    for _ in range(len(pool) + 5):  # more turns than items: a loop would show as a failed assertion
        item = rules.next_item(pool=pool, answered=answered, seed=seed, limits=limits)
        if item is None:
            return answered
        answered.append(Answered(item.question_id, item.subject, item.level, answer(item)))
    raise AssertionError("the diagnostic did not stop")


FULL = bank({s: dict.fromkeys(rules.LEVELS, 5) for s in ("civics", "money", "tech", "work")})


def test_the_first_item_is_intermediate_and_a_right_answer_moves_up_a_wrong_one_down() -> None:
    pool = bank({"money": dict.fromkeys(rules.LEVELS, 3)})
    first = rules.next_item(pool=pool, answered=[], seed=1, limits=LIMITS)
    assert first is not None
    assert (first.subject, first.level) == ("money", "intermediate")
    up = rules.next_item(
        pool=pool, answered=[Answered(first.question_id, "money", "intermediate", True)], seed=1, limits=LIMITS
    )
    down = rules.next_item(
        pool=pool, answered=[Answered(first.question_id, "money", "intermediate", False)], seed=1, limits=LIMITS
    )
    assert up is not None
    assert down is not None
    assert (up.level, down.level) == ("advanced", "beginner")


def test_the_next_item_is_in_the_subject_with_least_evidence() -> None:
    pool = bank({"money": {"intermediate": 3}, "tech": {"intermediate": 3}})
    first = rules.next_item(pool=pool, answered=[], seed=3, limits=LIMITS)
    assert first is not None
    second = rules.next_item(
        pool=pool, answered=[Answered(first.question_id, first.subject, first.level, True)], seed=3, limits=LIMITS
    )
    assert second is not None
    assert {first.subject, second.subject} == {"money", "tech"}


def test_an_expert_at_the_top_stays_at_expert_and_a_beginner_at_the_bottom_stays_at_beginner() -> None:
    pool = bank({"money": dict.fromkeys(rules.LEVELS, 6)})
    levels_right = [answer.level for answer in run(pool, lambda item: True)]
    levels_wrong = [answer.level for answer in run(pool, lambda item: False)]
    assert levels_right[:4] == ["intermediate", "advanced", "expert", "expert"]
    assert levels_wrong[:3] == ["intermediate", "beginner", "beginner"]
    assert rules.estimates(run(pool, lambda item: True)) == {"money": "expert"}
    assert rules.estimates(run(pool, lambda item: False)) == {"money": "beginner"}


def test_a_learner_who_knows_intermediate_but_not_advanced_is_placed_at_intermediate() -> None:
    answered = run(FULL, lambda item: rules.LEVELS.index(item.level) <= 1)
    assert 10 <= len(answered) <= 20
    assert rules.estimates(answered) == dict.fromkeys(("civics", "money", "tech", "work"), "intermediate")


def test_it_stops_at_the_minimum_once_every_subject_is_stable() -> None:
    answered = run(FULL, lambda item: item.level in ("beginner", "intermediate"))
    assert len(answered) == 10


def test_it_goes_on_past_the_minimum_while_a_subject_is_unstable_and_never_past_the_maximum() -> None:
    # Right at intermediate and advanced, wrong at beginner and expert: money keeps moving for a while.
    answered = run(FULL, lambda item: item.level in ("intermediate", "advanced") if item.subject == "money" else True)
    assert 10 < len(answered) <= 20


def test_a_small_bank_draws_what_exists_and_stops() -> None:
    pool = bank({"money": {"beginner": 2}, "tech": {"intermediate": 1}})
    answered = run(pool, lambda item: True)
    assert sorted(answer.question_id for answer in answered) == sorted(item.question_id for item in pool)
    assert rules.planned_max(pool, LIMITS) == 3
    assert rules.next_item(pool=[], answered=[], seed=1, limits=LIMITS) is None


def test_the_estimate_is_the_highest_level_with_at_least_half_right() -> None:
    def ans(level: str, ok: bool) -> Answered:
        return Answered("q", "s", level, ok)

    assert rules.estimate([]) == "beginner"
    assert rules.estimate([ans("intermediate", False)]) == "beginner"
    assert rules.estimate([ans("intermediate", True), ans("advanced", False)]) == "intermediate"
    assert rules.estimate([ans("intermediate", True), ans("advanced", False), ans("intermediate", False)]) == (
        "intermediate"
    )
    assert rules.estimate([ans("intermediate", False), ans("advanced", True)]) == "advanced"


item_lists = st.lists(
    st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from(rules.LEVELS)), min_size=0, max_size=40
).map(lambda pairs: [Item(f"q{n}", subject, level) for n, (subject, level) in enumerate(pairs)])


@settings(max_examples=200, deadline=None)
@given(
    pool=item_lists,
    seed=st.integers(min_value=0, max_value=2**62),
    rights=st.lists(st.booleans(), min_size=40, max_size=40),
    min_items=st.integers(min_value=1, max_value=12),
    extra=st.integers(min_value=0, max_value=10),
)
def test_never_more_than_max_never_twice_levels_in_range_and_reproducible(
    pool: list[Item], seed: int, rights: list[bool], min_items: int, extra: int
) -> None:
    limits = Limits(min_items=min_items, max_items=min_items + extra)
    answers = iter(rights)
    answered = run(pool, lambda item: next(answers), seed=seed, limits=limits)
    ids = [answer.question_id for answer in answered]
    assert len(ids) <= limits.max_items
    assert len(ids) == len(set(ids))
    assert len(ids) <= rules.planned_max(pool, limits)
    assert set(ids) <= {item.question_id for item in pool}
    assert all(answer.level in rules.LEVELS for answer in answered)
    assert set(rules.estimates(answered).values()) <= set(rules.LEVELS)
    if pool and len(ids) < min(limits.min_items, len(pool)):
        raise AssertionError("stopped before the minimum with items left")
    replay = iter(rights)
    assert run(pool, lambda item: next(replay), seed=seed, limits=limits) == answered


def course(cid: str, subject: str, level: str, *prerequisites: str) -> CourseFacts:
    return CourseFacts(course_id=cid, title=cid.title(), subject=subject, level=level, prerequisite_ids=prerequisites)


def test_the_path_puts_prerequisites_first_and_each_course_once() -> None:
    courses = [
        course("basics", "money", "beginner"),
        course("budget", "money", "intermediate", "basics"),
        course("credit", "money", "intermediate", "basics"),
        course("python", "tech", "beginner"),
    ]
    found = rules.evidence(
        [
            Answered("1", "money", "intermediate", True),
            Answered("2", "money", "advanced", False),
            Answered("3", "tech", "intermediate", False),
            Answered("4", "tech", "beginner", True),
        ]
    )
    path = rules.learning_path(found=found, courses=courses)
    assert [entry.course_id for entry in path] == ["python", "basics", "budget", "credit"]
    assert [entry.reason.code for entry in path] == ["level", "prerequisite", "level", "level"]
    assert path[1].reason.args == {"next_id": "budget"}
    assert rules.reason_text(path[2].reason, course="Budget", subject_name="Money") == (
        "You answered 1 of 1 intermediate question on Money well, so start with “Budget”."
    )
    assert rules.reason_text(path[1].reason, course="Basics", next_course="Budget") == (
        "Take “Basics” first: “Budget” builds on it."
    )


def test_the_path_skips_completed_courses_and_uses_the_nearest_level() -> None:
    courses = [course("basics", "money", "beginner"), course("credit", "money", "intermediate", "basics")]
    found = rules.evidence([Answered("1", "money", "expert", True)])
    path = rules.learning_path(found=found, courses=courses, completed={"basics"})
    assert [entry.course_id for entry in path] == ["credit"]
    assert path[0].reason == Reason(
        "nearest", {"subject": "money", "level": "expert", "right": 1, "asked": 1, "course_level": "intermediate"}
    )
    assert rules.reason_text(path[0].reason, course="Credit", subject_name="Money") == (
        "You answered 1 of 1 expert question on Money well, and the nearest course to that level is the "
        "intermediate “Credit”, so start there."
    )


def test_the_path_with_no_evidence_starts_every_subject_at_the_beginning() -> None:
    courses = [course("basics", "money", "beginner"), course("credit", "money", "intermediate")]
    path = rules.learning_path(found={}, courses=courses)
    assert [(entry.course_id, entry.reason.code) for entry in path] == [("basics", "no_evidence")]


def test_a_foundation_reason_when_nothing_was_right() -> None:
    found = rules.evidence([Answered("1", "money", "intermediate", False), Answered("2", "money", "beginner", False)])
    path = rules.learning_path(found=found, courses=[course("basics", "money", "beginner")])
    assert rules.reason_text(path[0].reason, course="Basics", subject_name="Money") == (
        "You answered 0 of 2 questions on Money well, so start at the beginning with “Basics”."
    )


def test_a_prerequisite_cycle_does_not_loop() -> None:
    courses = [course("a", "money", "beginner", "b"), course("b", "money", "intermediate", "a")]
    path = rules.learning_path(found=rules.evidence([Answered("1", "money", "beginner", True)]), courses=courses)
    assert [entry.course_id for entry in path] == ["b", "a"]
