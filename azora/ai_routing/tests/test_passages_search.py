"""`passages_search` and the `course_ids` filter of the BM25 index: only the given courses' passages, best first."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from azora.ai_routing.adapters.local import INDEX, Bm25Index
from azora.ai_routing.public import PassageHit, passages_search
from azora.shared import knowledge
from azora.shared.knowledge import Passage

BIOLOGY = uuid.UUID("0190f000-0000-7000-8000-000000000001")
MONEY = uuid.UUID("0190f000-0000-7000-8000-000000000002")
PASSAGES = (
    Passage("p1#0", "Biology: Photosynthesis", "/learn/p1/", "Plants turn light into sugar in their leaves.", BIOLOGY),
    Passage("p2#0", "Money: Saving", "/learn/p2/", "Put some money aside each month; saving grows.", MONEY),
    Passage("p3#0", "Money: Light spending", "/learn/p3/", "Spend light: a budget keeps money for later.", MONEY),
    Passage("p4#0", "Public: Light", "/learn/p4/", "Light travels fast.", None),
)


@pytest.fixture
def lessons() -> Iterator[None]:
    knowledge.register_source("test.passages", lambda: PASSAGES, lambda: "v1")
    INDEX.invalidate()
    yield
    knowledge.unregister_source("test.passages")
    INDEX.invalidate()


def test_without_course_ids_the_search_is_unchanged() -> None:
    index = Bm25Index(PASSAGES)
    assert [hit.passage.source_id for hit in index.search("light")] == [
        hit.passage.source_id for hit in index.search("light", course_ids=None)
    ]
    assert [hit.passage.source_id for hit in index.search("light", limit=10)] == ["p4#0", "p3#0", "p1#0"]


def test_course_ids_keep_only_those_courses_passages() -> None:
    index = Bm25Index(PASSAGES)
    assert [hit.passage.source_id for hit in index.search("light", limit=10, course_ids={MONEY})] == ["p3#0"]
    assert [hit.passage.source_id for hit in index.search("light", limit=10, course_ids={MONEY, BIOLOGY})] == [
        "p3#0",
        "p1#0",
    ]
    assert index.search("light", course_ids=set()) == []


@pytest.mark.django_db
def test_passages_search_returns_hits_of_the_allowed_courses_only(lessons: None) -> None:
    hits = passages_search(query="How does light make sugar?", course_ids=[BIOLOGY, MONEY], limit=5)
    assert [(hit.url, hit.course_id) for hit in hits] == [("/learn/p1/", BIOLOGY), ("/learn/p3/", MONEY)]
    first = hits[0]
    assert isinstance(first, PassageHit)
    assert (first.title, first.text) == ("Biology: Photosynthesis", "Plants turn light into sugar in their leaves.")
    assert first.score > hits[1].score > 0


@pytest.mark.django_db
def test_passages_search_prefers_the_given_course_and_honours_the_limit(lessons: None) -> None:
    plain = passages_search(query="light", course_ids=[BIOLOGY, MONEY], limit=5)
    assert [hit.url for hit in plain] == ["/learn/p3/", "/learn/p1/"]
    preferred = passages_search(query="light", course_ids=[BIOLOGY, MONEY], limit=5, prefer_course_id=BIOLOGY)
    assert [hit.url for hit in preferred] == ["/learn/p1/", "/learn/p3/"]
    assert [hit.url for hit in passages_search(query="light", course_ids=[BIOLOGY, MONEY], limit=1)] == ["/learn/p3/"]


@pytest.mark.django_db
def test_passages_search_with_no_courses_or_no_limit_finds_nothing(lessons: None) -> None:
    assert passages_search(query="light", course_ids=[], limit=5) == []
    assert passages_search(query="light", course_ids=[BIOLOGY], limit=0) == []
    assert passages_search(query="volcano", course_ids=[BIOLOGY, MONEY]) == []
