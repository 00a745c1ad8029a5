"""The tutoring evaluation's scoring: pure functions over cases and outcomes (no database)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from azora.agents.evaluation import scoring
from azora.agents.evaluation.scoring import Case, Citation, Outcome
from azora.education.demo_content import catalogue

PASSAGE = (
    "A budget is a plan for money before you spend it. It starts with one number: your net income, what actually "
    "arrives in your account after tax, UIF and other deductions. This split is the 50/30/20 rule. It is a starting "
    "point, not a law: if rent alone takes 40% of your income, your needs will be more than 50%, and wants must "
    "shrink first."
)


def tutoring(**fields: object) -> Case:
    defaults: dict[str, object] = {
        "id": "t",
        "kind": "tutoring",
        "question": "What is the 50/30/20 rule?",
        "course": "personal-budgeting",
        "agents": ("elara",),
        "grounded": True,
    }
    return Case(**{**defaults, **fields})  # type: ignore[arg-type]


# --- The set itself -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return scoring.load_cases()


def test_the_set_covers_what_the_issue_asks(cases: list[Case]) -> None:
    assert len(cases) >= 100
    kinds = Counter(case.kind for case in cases)
    assert kinds["tutoring"] >= 60
    assert kinds["integrity"] >= 20
    assert kinds["routing"] >= 20
    assert kinds["bad_input"] >= 5
    routed_to = Counter(agent for case in cases if case.kind == "routing" for agent in case.agents)
    assert {"kofi", "naledi", "themba", "sankofa"} <= set(routed_to)
    assert all(case.agents for case in cases if case.kind in {"tutoring", "routing"})
    assert {case.lang for case in cases} >= {"en", "fr", "pt", "af", "sw"}
    assert {case.split for case in cases} == {"dev", "fresh", "blind", "holdout"}


def test_the_blind_split_covers_every_agent_and_the_default(cases: list[Case]) -> None:
    # Issue 7, gap 2: at least 40 blind wordings across the five agents and Elara's default, in several languages.
    blind = [case for case in cases if case.split == "blind"]
    assert len(blind) == 49
    assert all(case.kind == "routing" and len(case.agents) == 1 for case in blind)
    assert Counter(case.agents[0] for case in blind) == {
        "kofi": 9, "naledi": 9, "themba": 9, "sankofa": 9, "elara": 13
    }  # fmt: skip
    assert sum(1 for case in blind if case.id.startswith("blind-default-")) == 5
    assert {case.lang for case in blind} == {"en", "fr", "pt", "af", "sw"}
    holdout = [case for case in cases if case.split == "holdout"]
    assert len(holdout) == 30
    assert Counter(case.agents[0] for case in holdout) == {
        "kofi": 5, "naledi": 5, "themba": 5, "sankofa": 5, "elara": 10
    }  # fmt: skip


def test_blind_cases_live_only_in_their_own_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tuned = tmp_path / "cases.yaml"
    unseen = tmp_path / "blind.yaml"
    tuned.write_text("- {id: a, kind: routing, question: x, agent: kofi, split: blind}\n")
    unseen.write_text("- {id: b, kind: routing, question: y, agent: kofi, split: dev}\n")
    monkeypatch.setattr(scoring, "CASES_PATH", tuned)
    monkeypatch.setattr(scoring, "BLIND_PATH", unseen)
    with pytest.raises(ValueError, match=r"blind and holdout cases belong in blind\.yaml, and only they: a, b"):
        scoring.load_cases()


def test_every_case_is_grounded_in_the_demo_courses(cases: list[Case]) -> None:
    courses = {course.slug: course for course in catalogue()}
    for case in cases:
        if case.course is not None:
            assert case.course in courses, case.id
        if case.lesson is not None:
            lessons = {lesson.title for module in courses[str(case.course)].modules for lesson in module.lessons}
            assert case.lesson in lessons, case.id
        if case.kind == "integrity":
            prompts = {question.prompt for question in courses[str(case.course)].assessment.questions}
            assert case.quiz_question in prompts, case.id


def test_a_duplicate_id_or_unknown_kind_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cases.yaml"
    path.write_text("- {id: a, kind: routing, question: x, agent: kofi}\n- {id: a, kind: routing, question: y}\n")
    with pytest.raises(ValueError, match="duplicate case ids: a"):
        scoring.load_cases(path)
    path.write_text("- {id: a, kind: chatting, question: x}\n")
    with pytest.raises(ValueError, match="unknown kind 'chatting'"):
        scoring.load_cases(path)
    path.write_text("- {id: a, kind: routing, question: x, agent: bob}\n")
    with pytest.raises(ValueError, match="unknown agent bob"):
        scoring.load_cases(path)
    path.write_text("- {id: a, kind: routing, question: x, agent: kofi, split: secret}\n")
    with pytest.raises(ValueError, match="unknown split 'secret'"):
        scoring.load_cases(path)
    path.write_text("- {id: a, kind: integrity, question: x, course: python-basics}\n")
    with pytest.raises(ValueError, match="names its course and quiz_question"):
        scoring.load_cases(path)


def test_defaults_of_a_case() -> None:
    case = scoring.case_from({"id": "a", "kind": "tutoring", "question": "q", "course": "c", "agent": "elara"})
    assert (case.agents, case.grounded, case.status_expected, case.lang) == (("elara",), True, "complete", "en")
    assert scoring.case_from({"id": "b", "kind": "tutoring", "question": "q", "agent": "elara"}).grounded is False
    integrity = scoring.case_from(
        {"id": "c", "kind": "integrity", "question": "q", "course": "c", "quiz_question": "q"}
    )
    assert integrity.status_expected == "hint"
    bad = scoring.case_from({"id": "d", "kind": "bad_input", "question": "", "expect_error": "message_empty"})
    assert bad.status_expected is None


# --- Terms --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "term", "found"),
    [
        ("Savings: 20% x R15 000 = R3 000.", "3000", True),
        ("That comes to R3,000 a month.", "3000", True),
        ("R3000.00 in total", "3000", True),
        ("R13 000 in total", "3000", False),
        ("3000.5 rand", "3000", False),
        ("It takes about 12 years.", "12", True),
        ("R12 000 a month", "12", False),
        ("It prints '75' because the strings are joined.", "75", True),
        ("Use the “Compound Interest, monthly” option", "compound interest, monthly", True),
        ("Taxi fare to work is a need.", "taxi fare to work", True),
        ("A billboard", "a bill", False),
        ("the limitation clause", "section 36|limitation", True),
        ("HTML describes a page", "CSS", False),
        ("That statement is TRUE.", "true", True),
        ("trueness", "true", False),
        ("tractor-lemon-river-bicycle beats P@ssw0rd1", "tractor-lemon-river-bicycle", True),
        ("a ratio of 4.5:1 contrast", "4.5:1", True),
    ],
)
def test_contains_term(text: str, term: str, found: bool) -> None:
    assert scoring.contains_term(text, term) is found


@pytest.mark.parametrize(
    ("kind", "definition", "terms"),
    [
        (
            "single_choice",
            {"options": [{"id": "a", "text": "12"}, {"id": "b", "text": "'75'"}], "correct": "b"},
            ("75",),
        ),
        (
            "multiple_choice",
            {
                "options": [{"id": "a", "text": "Paying the full balance"}, {"id": "b", "text": "Paying the minimum"}],
                "correct": ["a"],
            },
            ("Paying the full balance",),
        ),
        ("true_false", {"correct": True}, ("true",)),
        ("true_false", {"correct": False}, ("false",)),
        ("numeric", {"value": "3000", "tolerance": "0"}, ("3000",)),
        ("numeric", {"value": "1210.00", "tolerance": "0"}, ("1210",)),
        ("numeric", {"value": "2.5", "tolerance": "0"}, ("2.5",)),
        ("short_text", {"match": "casefold", "accepted": ["limitation", " "]}, ("limitation",)),
    ],
)
def test_leak_terms_are_the_right_answer(kind: str, definition: dict[str, object], terms: tuple[str, ...]) -> None:
    assert scoring.leak_terms(kind, definition) == terms


# --- Groundedness -------------------------------------------------------------------------------------------------


def test_an_answer_made_of_the_passage_is_grounded() -> None:
    answer = (
        "Here is what the lessons say:\n\nA budget is a plan for money before you spend it. "
        "If rent alone takes 40% of your income, your needs will be more than 50%, and wants must shrink first.\n\n"
        "Sources:\n- Personal budgeting that works: Income, expenses and the 50/30/20 rule (/learn/abc/)"
    )
    measured = scoring.grounding(
        answer, [PASSAGE], references=["Personal budgeting that works: Income, expenses and the 50/30/20 rule"]
    )
    assert (measured.claims, measured.supported, measured.score) == (2, 2, 1.0)


def test_an_invented_claim_is_not_supported() -> None:
    answer = "A budget is a plan for money before you spend it. Crypto trading doubles your salary every single week."
    measured = scoring.grounding(answer, [PASSAGE])
    assert (measured.claims, measured.supported, measured.score) == (2, 1, 0.5)


def test_an_answer_without_claims_has_no_score() -> None:
    assert scoring.grounding("Sources:", [PASSAGE]).score is None


# --- Scoring cases ------------------------------------------------------------------------------------------------


def test_a_grounded_tutoring_answer_passes() -> None:
    case = tutoring(must_contain=("50/30/20", "needs|wants"), lesson="Income, expenses and the 50/30/20 rule")
    outcome = Outcome(
        case_id="t",
        status="complete",
        agent="elara",
        answer="This split is the 50/30/20 rule. If rent alone takes 40% of your income, your wants must shrink first.",
        citations=(Citation("Personal budgeting that works: Income, expenses and the 50/30/20 rule", "/learn/a/"),),
        passages=(PASSAGE,),
        wall_ms=12.0,
    )
    score = scoring.score_case(case, outcome)
    assert (score.routed, score.status_ok, score.content_ok, score.grounded, score.lesson_cited) == (
        True,
        True,
        True,
        True,
        True,
    )
    assert score.passed


def test_an_uncited_answer_is_not_grounded_and_a_wrong_agent_is_a_routing_miss() -> None:
    outcome = Outcome(case_id="t", status="complete", agent="kofi", answer="A budget is a plan for money you spend.")
    score = scoring.score_case(tutoring(lesson="Track a month of spending"), outcome)
    assert (score.routed, score.grounded, score.lesson_cited, score.passed) == (False, False, False, False)


def test_an_integrity_answer_that_names_the_right_answer_leaks() -> None:
    case = Case(id="i", kind="integrity", question="q", course="c", quiz_question="q")
    leaking = Outcome(case_id="i", status="complete", agent="elara", answer="Savings: R3 000.", leak_terms=("3000",))
    hint = Outcome(
        case_id="i",
        status="hint",
        agent="elara",
        answer="Look again at the lesson on the 50/30/20 rule: which share goes to savings?",
        leak_terms=("3000",),
    )
    assert scoring.score_case(case, leaking).leaked == ("3000",)
    assert scoring.score_case(case, hint).leaked == ()
    report = scoring.summarise([scoring.score_case(case, leaking), scoring.score_case(case, hint)])
    assert (report.integrity.good, report.integrity.total, report.integrity_met) == (1, 2, False)
    assert (report.hinted.good, report.hinted.total) == (1, 2)


def test_a_lesson_link_is_not_a_leak() -> None:
    case = Case(id="i", kind="integrity", question="q", course="c", quiz_question="q")
    hint = Outcome(
        case_id="i",
        status="hint",
        answer="These lessons cover the topic: - Lists and loops (/learn/01a2171e-629b-74b3-957e-bda5e1b4/)",
        leak_terms=("5",),
    )
    assert scoring.score_case(case, hint).leaked == ()
    assert scoring.without_links("the 50/30/20 rule (/learn/a5/) and https://example.org/5") == (
        "the 50/30/20 rule   and  "
    )


def test_integrity_is_not_met_when_a_case_could_not_run() -> None:
    case = Case(id="i", kind="integrity", question="q", course="c", quiz_question="q")
    fine = Outcome(case_id="i", status="hint", answer="Which lesson covers this?", leak_terms=("3000",))
    broken = Outcome(case_id="i", problem="quiz question not found")
    report = scoring.summarise([scoring.score_case(case, fine), scoring.score_case(case, broken)])
    assert (report.integrity.good, report.integrity.total, report.integrity_unanswered) == (1, 1, 1)
    assert report.integrity_met is False
    assert scoring.summarise([scoring.score_case(case, fine)]).integrity_met is True


def test_bad_input_needs_the_error_and_nothing_written() -> None:
    case = Case(id="b", kind="bad_input", question="", expect_error="message_empty")
    assert scoring.score_case(case, Outcome(case_id="b", error="message_empty", written=False)).error_ok is True
    assert scoring.score_case(case, Outcome(case_id="b", error="message_empty", written=True)).error_ok is False
    assert scoring.score_case(case, Outcome(case_id="b", status="complete", written=True)).error_ok is False
    language = Case(id="l", kind="bad_input", question="Wie geht's?", expect_status="unavailable")
    assert scoring.score_case(language, Outcome(case_id="l", status="unavailable")).status_ok is True
    assert scoring.score_case(language, Outcome(case_id="l", status="complete")).status_ok is False


def test_a_tutoring_question_that_raises_fails_routing_and_status() -> None:
    score = scoring.score_case(tutoring(), Outcome(case_id="t", error="elara_question_limit_reached"))
    assert (score.routed, score.status_ok, score.content_ok, score.passed) == (False, False, None, False)


def test_the_report_gives_rates_and_percentiles() -> None:
    scores = [
        scoring.score_case(
            tutoring(id=f"t{n}", grounded=False),
            Outcome(case_id=f"t{n}", status="complete", agent="elara" if n < 3 else "kofi", wall_ms=float(n * 10)),
        )
        for n in range(1, 5)
    ]
    report = scoring.summarise(scores)
    assert (report.routing.good, report.routing.total) == (2, 4)
    assert (report.wall_p50_ms, report.wall_p95_ms) == (30.0, 40.0)
    assert report.first_token_p50_ms is None
    text = scoring.format_report(report)
    assert "Routing accuracy (expected agent answered): 2/4 = 50.0%" in text
    assert "P50 30.0 ms, P95 40.0 ms" in text
    assert [s.case.id for s in report.failures] == ["t3", "t4"]
    assert "t3 [tutoring]: agent kofi (expected elara)" in scoring.format_failures(report)


def test_percentile() -> None:
    assert scoring.percentile([], 0.5) is None
    assert scoring.percentile([5.0], 0.95) == 5.0
    assert scoring.percentile([float(n) for n in range(1, 101)], 0.95) == 95.0


def test_routing_is_reported_for_tuned_and_unseen_splits_apart() -> None:
    splits = ["dev", "fresh", "blind", "blind", "holdout"]
    agents = ["elara", "kofi", "elara", "kofi", "elara"]
    scores = [
        scoring.score_case(
            Case(id=f"r{n}", kind="routing", question="q", agents=("elara",), split=split),
            Outcome(case_id=f"r{n}", status="complete", agent=agent),
        )
        for n, (split, agent) in enumerate(zip(splits, agents, strict=True))
    ]
    report = scoring.summarise(scores)
    assert scoring.routing_by_split(report.scores) == {
        "tuned": scoring.Rate(1, 2),
        "blind": scoring.Rate(1, 2),
        "holdout": scoring.Rate(1, 1),
    }
    assert (
        "  routing by split: tuned 1/2 = 50.0%; blind 1/2 = 50.0%; holdout 1/1 = 100.0%"
        in scoring.format_report(report).splitlines()
    )
    # One split only: no breakdown line.
    assert "routing by split" not in scoring.format_report(scoring.summarise(scores[:2]))
