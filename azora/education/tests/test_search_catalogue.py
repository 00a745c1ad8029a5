"""Catalogue search behind one selector: full text (FTS5 or PostgreSQL), filters, sorts, cursors and typos."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from azora.accounts.tests.conftest import session_client
from azora.accounts.tests.factories import UserFactory
from azora.education.models import Course
from azora.education.public import course_search
from azora.education.selectors import search
from azora.education.tests.factories import CategoryFactory, CourseFactory
from azora.education.tests.test_courses_api import assert_problem, send
from azora.shared.pagination import InvalidCursor

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue() -> dict[str, Course]:
    """Five published courses (oldest first) and one draft that search must never show."""
    finance = CategoryFactory(slug="finance", name="Finance")
    programming = CategoryFactory(slug="programming", name="Programming")
    now = timezone.now()
    specs = [
        ("budget", "Budgeting for beginners", "Plan a monthly budget.", finance, "beginner", "en", False, 5),
        (
            "python",
            "Python basics",
            "Variables, loops and functions in Python.",
            programming,
            "beginner",
            "en",
            False,
            50,
        ),
        ("pandas", "Data analysis", "Tables with pandas, a Python library.", programming, "advanced", "en", True, 20),
        ("savings", "Poupança e juros", "Juros compostos para poupar.", finance, "intermediate", "pt", False, 1),
        (
            "constitution",
            "The South African constitution",
            "Rights and the budget of the state.",
            None,
            "beginner",
            "en",
            False,
            8,
        ),
    ]
    courses: dict[str, Course] = {}
    for index, (key, title, summary, category, level, language, is_paid, enrolled) in enumerate(specs):
        courses[key] = CourseFactory(
            published=True,
            title=title,
            summary=summary,
            category=category,
            level=level,
            language=language,
            is_paid=is_paid,
            enrollment_count=enrolled,
            published_at=now - timedelta(days=10 - index),
            tags=["money"] if category is finance else [],
        )
    courses["draft"] = CourseFactory(title="Python secrets (draft)", summary="Python")
    return courses


def titles(page: object) -> list[str]:
    return [item.title for item in page.items]  # type: ignore[attr-defined]


def test_a_word_finds_published_courses_ranked_with_title_matches_first(catalogue: dict[str, Course]) -> None:
    assert titles(course_search(query="python")) == ["Python basics", "Data analysis"]


def test_a_word_prefix_finds_courses(catalogue: dict[str, Course]) -> None:
    if connection.vendor == "postgresql":
        # PostgreSQL answers half words through the trigram fallback (title similarity).
        assert titles(course_search(query="budg")) == ["Budgeting for beginners"]
    else:
        assert titles(course_search(query="budg", sort="newest")) == [
            "The South African constitution",
            "Budgeting for beginners",
        ]


def test_without_a_query_relevance_means_newest(catalogue: dict[str, Course]) -> None:
    assert titles(course_search()) == [
        "The South African constitution",
        "Poupança e juros",
        "Data analysis",
        "Python basics",
        "Budgeting for beginners",
    ]


def test_popular_sorts_by_enrolments(catalogue: dict[str, Course]) -> None:
    assert titles(course_search(sort="popular", limit=3)) == [
        "Python basics",
        "Data analysis",
        "The South African constitution",
    ]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"level": "advanced"}, ["Data analysis"]),
        ({"category": "finance"}, ["Poupança e juros", "Budgeting for beginners"]),
        ({"language": "pt"}, ["Poupança e juros"]),
        ({"price": "paid"}, ["Data analysis"]),
        ({"price": "free", "category": "programming"}, ["Python basics"]),
        ({"category": "unknown"}, []),
    ],
)
def test_filters(catalogue: dict[str, Course], filters: dict[str, str], expected: list[str]) -> None:
    assert titles(course_search(sort="newest", **filters)) == expected  # type: ignore[arg-type]


def test_filters_combine_with_the_query(catalogue: dict[str, Course]) -> None:
    assert titles(course_search(query="python", price="free")) == ["Python basics"]


@pytest.mark.parametrize("sort", ["newest", "popular", "relevance"])
def test_cursor_pages_cover_every_result_once(catalogue: dict[str, Course], sort: str) -> None:
    query = "budget OR python OR juros" if connection.vendor == "postgresql" else None
    if sort == "relevance" and query is None:
        query = "a"  # FTS5 prefix: every course has a word starting with "a"
    everything = titles(course_search(query=query, sort=sort, limit=100))  # type: ignore[arg-type]
    seen: list[str] = []
    cursor = None
    while True:
        page = course_search(query=query, sort=sort, cursor=cursor, limit=2)  # type: ignore[arg-type]
        seen.extend(titles(page))
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == everything
    assert len(everything) >= 3


def test_a_cursor_of_another_sort_is_refused(catalogue: dict[str, Course]) -> None:
    cursor = course_search(sort="newest", limit=1).next_cursor
    with pytest.raises(InvalidCursor):
        course_search(sort="popular", cursor=cursor, limit=1)
    with pytest.raises(InvalidCursor):
        course_search(sort="newest", cursor="bm90LWEtY3Vyc29y", limit=1)


def test_search_follows_edits_of_a_course(catalogue: dict[str, Course]) -> None:
    course = catalogue["budget"]
    course.title = "Household finances"
    course.save()
    assert titles(course_search(query="household")) == ["Household finances"]
    course.delete()
    assert titles(course_search(query="household")) == []


def test_punctuation_and_operators_in_a_query_are_harmless(catalogue: dict[str, Course]) -> None:
    for query in ['"', "*", "python)", "NEAR(", "-", "' OR 1=1 --", "a" * 300]:
        course_search(query=query)


@pytest.mark.postgres
def test_a_typo_still_finds_the_course_on_postgresql(catalogue: dict[str, Course]) -> None:
    page = course_search(query="pyhton")
    assert titles(page) == ["Python basics"]
    assert course_search(query="constitutoin").items[0].title == "The South African constitution"


def test_the_catalogue_api_searches_filters_and_refuses_bad_parameters(catalogue: dict[str, Course]) -> None:
    client = session_client(UserFactory())
    body = send(client, "GET", "/courses?q=python&price=free").json()
    assert [item["title"] for item in body["items"]] == ["Python basics"]
    assert body["next_cursor"] is None
    for query in ("level=wizard", "sort=cheapest", "price=gratis", "limit=0", "limit=101", "cursor=%%%"):
        response = send(client, "GET", f"/courses?{query}")
        assert response.status_code == 422, query
    assert_problem(send(client, "GET", "/courses?language=x!"), 422, "validation_failed")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    limit=st.integers(min_value=1, max_value=6),
    sort=st.sampled_from(["newest", "popular"]),
    price=st.sampled_from([None, "free", "paid"]),
    level=st.sampled_from([None, "beginner", "advanced"]),
)
def test_paging_any_filters_returns_every_course_once_in_order(
    catalogue: dict[str, Course], limit: int, sort: str, price: str | None, level: str | None
) -> None:
    filters: dict[str, Any] = {"sort": sort, "price": price, "level": level}
    everything = titles(course_search(limit=100, **filters))
    seen: list[str] = []
    cursor = None
    for _ in range(20):
        page = course_search(limit=limit, cursor=cursor, **filters)
        assert len(page.items) <= limit
        seen.extend(titles(page))
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == everything


@pytest.mark.parametrize(
    ("mode", "sort", "price", "values"),
    [
        ("all", "newest", None, {}),
        ("all", "popular", "free", {"category": "finance"}),
        ("all", "newest", None, {"level": "beginner", "language": "en"}),
        ("text", "relevance", None, {"match": "python"}),
        ("text", "newest", "paid", {"match": "python", "level": "advanced"}),
    ],
)
def test_a_compiled_first_page_reads_what_the_built_query_reads(
    catalogue: dict[str, Course], mode: Any, sort: str, price: str | None, values: dict[str, str]
) -> None:
    """First pages run compiled once per thread and shape; later pages build the same query function each time."""
    if "match" in values:
        match = search._match_value(mode, values["match"])
        assert match is not None
        values = {**values, "match": match}
    built = list(search._rows_query(mode, sort, price, 10, (), **values))
    compiled = search._FIRST_PAGE.run((mode, sort, price, 10), **values)
    assert compiled == built
    assert built  # every case finds something, so the comparison means something


def test_a_compiled_first_page_takes_new_values_each_time(catalogue: dict[str, Course]) -> None:
    shape = ("all", "newest", None, 10)
    beginner = [row["title"] for row in search._FIRST_PAGE.run(shape, level="beginner")]
    advanced = [row["title"] for row in search._FIRST_PAGE.run(shape, level="advanced")]
    assert beginner == ["The South African constitution", "Python basics", "Budgeting for beginners"]
    assert advanced == ["Data analysis"]
