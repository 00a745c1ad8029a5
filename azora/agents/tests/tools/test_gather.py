"""`gather`: each allowed tool once in the agent's order; a tool that raises, an unknown tool or an unavailable one
is a failure in the context and never stops the others; the context's prompt, citations and failures."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection

from azora.accounts.tests.factories import UserFactory
from azora.agents.public.views import CitationView, ConversationView
from azora.agents.tests.tools.conftest import agent
from azora.agents.tests.tools.helpers import course_about
from azora.agents.tools import (
    ToolContext,
    ToolPassage,
    ToolRequest,
    ToolResult,
    gather,
    register_tool,
    registered_tools,
)
from azora.education.models import Enrollment
from azora.education.tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def broken_tools() -> Iterator[None]:
    """Two tools that fail: one raises, one breaks the database statement it runs."""

    def raises(request: ToolRequest) -> ToolResult:
        raise RuntimeError("the owning app is down")

    def bad_sql(request: ToolRequest) -> ToolResult:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM agents_no_such_table")
        raise AssertionError("unreachable")

    register_tool("test_raises", raises, description="fails")
    register_tool("test_bad_sql", bad_sql, description="fails in SQL")
    yield
    from azora.agents import tools

    with tools._lock:  # the registry is process state; leave it as it was
        tools._tools.pop("test_raises", None)
        tools._tools.pop("test_bad_sql", None)


def test_every_tool_of_the_roster_is_registered() -> None:
    specs = registered_tools()
    assert {
        "search_content",
        "learner_progress",
        "learner_grades",
        "explain_grade",
        "recommend_lessons",
        "wallet_balance",
        "rewards_summary",
        "job_matches",
    } <= set(specs)
    assert [name for name, spec in specs.items() if not spec.available] == []


def test_a_failing_tool_is_reported_and_the_others_still_answer(broken_tools: None) -> None:
    course, lessons = course_about("Biology", [("Cells", "Every living thing is made of cells.")])
    learner = UserFactory()
    EnrollmentFactory(course=course, user=learner)
    tools = agent("test_raises", "test_bad_sql", "no_such_tool", "search_content", "learner_progress", "test_raises")

    context = gather(agent=tools, user_id=learner.id, course_id=course.id, text="What are cells?")

    assert [(r.tool, r.ok, r.error) for r in context.results] == [
        ("test_raises", False, "RuntimeError"),
        ("test_bad_sql", False, context.results[1].error),
        ("no_such_tool", False, "unknown_tool"),
        ("search_content", True, ""),
        ("learner_progress", True, ""),
    ]
    assert context.results[1].error in {"ProgrammingError", "OperationalError"}
    assert context.tools_used == ("search_content", "learner_progress")
    assert [failure.tool for failure in context.failures] == ["test_raises", "test_bad_sql", "no_such_tool"]
    assert context.citations == (CitationView(title="Biology: Cells", url=f"/learn/{lessons[0].id}/"),)
    # The database error was rolled back to its savepoint: the caller's transaction still works.
    assert Enrollment.objects.filter(user=learner).count() == 1
    assert "the owning app is down" not in context.as_prompt()  # errors are named, never their messages


def test_job_matches_answers_from_the_marketplace_beside_the_other_tools() -> None:
    naledi = agent("learner_progress", "job_matches", slug="naledi")
    context = gather(agent=naledi, user_id=UserFactory().id, text="Which jobs match my skills?")
    assert context.failures == ()
    assert context.tools_used == ("learner_progress", "job_matches")
    assert context.results[1].data == {"matches": []}


def test_the_course_comes_from_the_conversation_when_given() -> None:
    course, lessons = course_about("Money", [("Budgets", "a"), ("Saving", "b")])
    learner = UserFactory()
    EnrollmentFactory(course=course, user=learner)
    conversation = ConversationView(
        id=uuid.uuid4(),
        user_id=learner.id,
        course_id=course.id,
        title="",
        mode="socratic",
        message_count=0,
        created_at=datetime(2026, 11, 26, tzinfo=UTC),
        last_message_at=None,
        flagged_at=None,
    )
    (result,) = gather(
        agent=agent("recommend_lessons"), user_id=learner.id, conversation=conversation, text="next"
    ).results
    assert result.data == {"lessons": [str(lessons[0].id), str(lessons[1].id)]}


def test_an_agent_without_tools_gets_an_empty_context() -> None:
    context = gather(agent=agent(), user_id=UserFactory().id, text="Hello")
    assert (context.results, context.as_prompt(), context.searched) == ((), "", False)


def test_citations_are_deduplicated_across_passages_and_tools() -> None:
    one = ToolPassage(title="A: One", url="/learn/1/", text="first part", course_id=None, score=2.0)
    two = ToolPassage(title="A: One", url="/learn/1/", text="second part", course_id=None, score=1.0)
    cited = (CitationView(title="A: One", url="/learn/1/"),)
    context = ToolContext(
        results=(
            ToolResult(tool="search_content", ok=True, summary="2", citations=cited, passages=(one, two)),
            ToolResult(tool="other", ok=True, summary="x", citations=cited),
        )
    )
    assert context.citations == cited
    assert context.as_prompt().startswith(
        "Lesson passages from the learner's courses. Base the answer on them and cite them as [1], [2]:\n\n"
        "[1] A: One (/learn/1/)\nfirst part\n\n[2] A: One (/learn/1/)\nsecond part\n\n"
        "Facts about the learner"
    )


def test_a_tool_that_does_not_apply_is_skipped_and_a_broken_check_runs_it() -> None:
    def answer(request: ToolRequest) -> ToolResult:
        return ToolResult(tool="test_picky", ok=True, summary="ran")

    def broken(text: str) -> bool:
        raise ValueError("bad check")

    from azora.agents import tools

    try:
        register_tool("test_picky", answer, description="only about llamas", applies=lambda text: "llama" in text)
        picky = agent("test_picky")
        assert gather(agent=picky, user_id=uuid.uuid4(), text="Tell me about cats").results == ()
        assert gather(agent=picky, user_id=uuid.uuid4(), text="Tell me about llamas").tools_used == ("test_picky",)
        register_tool("test_picky", answer, description="broken check", applies=broken)
        assert gather(agent=picky, user_id=uuid.uuid4(), text="Tell me about cats").tools_used == ("test_picky",)
    finally:
        with tools._lock:
            tools._tools.pop("test_picky", None)


def test_elaras_tools_for_a_tutoring_question_read_a_bounded_number_of_queries(
    django_assert_max_num_queries: Any,
) -> None:
    learner = UserFactory()
    for number in range(3):
        course, _ = course_about(f"Course {number}", [(f"Lesson {i}", f"Cells and tissues {i}.") for i in range(4)])
        EnrollmentFactory(course=course, user=learner)
    elara = agent("search_content", "learner_progress", "learner_grades", "explain_grade", "recommend_lessons")
    gather(agent=elara, user_id=learner.id, course_id=course.id, text="warm the outline cache")

    # 13 measured (3 savepoints are 6 of them), plus the lesson index's version check when its 5 s have passed;
    # the same whatever the number of courses and lessons.
    with django_assert_max_num_queries(14):
        context = gather(agent=elara, user_id=learner.id, course_id=course.id, text="What are cells?")

    assert context.tools_used == ("search_content", "learner_progress", "recommend_lessons")
    assert len(context.passages) == 3
