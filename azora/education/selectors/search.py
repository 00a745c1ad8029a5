"""Catalogue search behind one selector: PostgreSQL full text (+ trigram fallback) in production, SQLite FTS5 embedded.

PostgreSQL: a weighted, generated `search_vector` (title A, summary and tags B, description D) with a GIN index,
matched with `websearch_to_tsquery` and ranked by `ts_rank` (cheaper than `ts_rank_cd`). When nothing matches (a
typo, half a word), the first page falls back to `word_similarity` of pg_trgm against the title, and the cursor
remembers that mode.
SQLite: the FTS5 table `education_course_fts` (kept by triggers) matched with prefix terms, ranked by bm25.
Migration 0002 creates both. Sorting by relevance pages with an offset cursor (ranks are floats); newest and
popular page by keyset.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any, Literal

from django.db import connection
from django.db.models import BooleanField, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL

from azora.education.models import Course, CourseLevel, CourseStatus
from azora.education.public.courses import CourseSummary
from azora.education.selectors.courses import SUMMARY_VALUES, summaries_from_rows
from azora.shared.compiled import CompiledQuery
from azora.shared.errors import ValidationFailed
from azora.shared.pagination import InvalidCursor, Page, clamp_limit, decode_cursor, encode_cursor

__all__ = ["SORTS", "course_search"]

SORTS = ("relevance", "newest", "popular")
PRICES = ("free", "paid")
MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
# word_similarity at or above this counts as a match in the fallback (a swapped pair, "pyhton" ~ "python", is 0.29).
TRIGRAM_THRESHOLD = 0.25
Mode = Literal["text", "trigram", "all"]


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, extra={"errors": [{"field": f"query.{field}", "message": message}]})


def _validate(*, level: str | None, price: str | None, sort: str, language: str | None) -> None:
    if level is not None and level not in CourseLevel.values:
        raise _invalid("level", f"level must be one of {', '.join(CourseLevel.values)}.")
    if price is not None and price not in PRICES:
        raise _invalid("price", "price must be free or paid.")
    if sort not in SORTS:
        raise _invalid("sort", f"sort must be one of {', '.join(SORTS)}.")
    if language is not None and not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?", language):
        raise _invalid("language", "language must be a language code such as en or pt-BR.")


def _filtered(*, level: str | None, category: str | None, language: str | None, price: str | None) -> QuerySet[Course]:
    queryset = Course.objects.filter(status=CourseStatus.PUBLISHED)
    if level:
        queryset = queryset.filter(level=level)
    if category:
        queryset = queryset.filter(category__slug=category)
    if language:
        queryset = queryset.filter(language__iexact=language)
    if price == "free":
        queryset = queryset.filter(is_paid=False)
    elif price == "paid":
        queryset = queryset.filter(is_paid=True)
    return queryset


def _fts5_expression(text: str) -> str | None:
    """An FTS5 query: every word must match, as a word or a word prefix; None when no word is left."""
    terms = re.findall(r"\w+", text)[:MAX_TERMS]
    return " ".join(f'"{term}"*' for term in terms) or None


def _match_value(mode: Mode, text: str) -> str | None:
    """The search's one parameter as its SQL takes it (None: nothing can match): the text for PostgreSQL's full
    text, an FTS5 expression for SQLite, the lower-cased text for the trigram fallback."""
    if mode == "trigram":
        return text.lower()
    if connection.vendor == "postgresql":
        return text
    return _fts5_expression(text)


def _text_matches(queryset: QuerySet[Course], match: str) -> QuerySet[Course]:
    """Courses whose text matches (`match` from `_match_value`), annotated with `rank` (higher is better)."""
    if connection.vendor == "postgresql":
        matched = RawSQL("search_vector @@ websearch_to_tsquery('english', %s)", (match,), output_field=BooleanField())
        rank = RawSQL(
            "ts_rank(search_vector, websearch_to_tsquery('english', %s))", (match,), output_field=FloatField()
        )
        return queryset.alias(matched=matched).filter(matched=True).annotate(rank=rank)
    ids = RawSQL("SELECT course_id FROM education_course_fts WHERE education_course_fts MATCH %s", (match,))
    # bm25 is lower for better matches; weights: course_id (unindexed), title, summary, tags, description.
    rank = RawSQL(
        "(SELECT -bm25(education_course_fts, 0.0, 10.0, 5.0, 4.0, 1.0) FROM education_course_fts"
        " WHERE education_course_fts MATCH %s AND course_id = education_course.id)",
        (match,),
        output_field=FloatField(),
    )
    return queryset.filter(pk__in=ids).annotate(rank=rank)


def _trigram_matches(queryset: QuerySet[Course], match: str) -> QuerySet[Course]:
    """Titles similar to the (lower-cased) text: typos, partial words; PostgreSQL only (`course_search` asks)."""
    similarity = RawSQL("word_similarity(%s, lower(title))", (match,), output_field=FloatField())
    return queryset.annotate(rank=similarity).filter(rank__gte=TRIGRAM_THRESHOLD)


KEYSET_FIELDS = {"newest": "published_at", "popular": "enrollment_count"}


def _keyset_after(sort: str, value: str, last_id: str) -> Q:
    field = KEYSET_FIELDS[sort]
    parsed: Any = datetime.fromisoformat(value) if sort == "newest" else int(value)
    return Q(**{f"{field}__lt": parsed}) | Q(**{field: parsed, "id__lt": uuid.UUID(last_id)})


def _rows_query(
    mode: Mode,
    sort: str,
    price: str | None,
    size: int,
    position: tuple[str, ...] = (),
    **values: str,
) -> QuerySet[Course, dict[str, Any]]:
    """The page's course rows (one more than `size`, to know whether another page follows): the filters present
    in `values` (level, category, language), the match (`match`) of the mode, the order of the sort, and the
    cursor's `position` (an offset for relevance, the last row's key otherwise)."""
    queryset = _filtered(
        level=values.get("level"), category=values.get("category"), language=values.get("language"), price=price
    )
    if mode == "text":
        queryset = _text_matches(queryset, values["match"])
    elif mode == "trigram":
        queryset = _trigram_matches(queryset, values["match"])
    offset = 0
    if sort == "relevance":
        # `rank` is annotated by the matching step, which the type checker's plugin cannot follow.
        queryset = queryset.order_by("-rank", "-id")  # type: ignore[misc]
        offset = int(position[0]) if position else 0
    else:
        queryset = queryset.order_by(f"-{KEYSET_FIELDS[sort]}", "-id")
        if position:
            queryset = queryset.filter(_keyset_after(sort, position[0], position[1]))
    rows: QuerySet[Course, dict[str, Any]] = queryset.values(*SUMMARY_VALUES)[offset : offset + size + 1]
    return rows


# First pages (most searches) run compiled once per thread and shape; a cursor's values (dates, counts, offsets)
# are not parameters a CompiledQuery takes, so later pages build their query each time.
_FIRST_PAGE = CompiledQuery("catalogue search, first page", _rows_query)


def _page(
    *,
    mode: Mode,
    sort: str,
    price: str | None,
    size: int,
    position: list[str] | None,
    values: dict[str, str],
) -> Page[CourseSummary]:
    """One page in `sort` order; `position` is the decoded cursor after its mode and sort."""
    if position:
        rows = list(_rows_query(mode, sort, price, size, tuple(position), **values))
    else:
        shape = (mode, sort, price, size)
        rows = _FIRST_PAGE.run(shape, **values)
    has_more = len(rows) > size
    rows = rows[:size]
    next_cursor = None
    if has_more:
        last = rows[-1]
        if sort == "relevance":
            offset = int(position[0]) if position else 0
            next_cursor = encode_cursor([mode, sort, str(offset + size), ""])
        else:
            published_at = last["published_at"]
            value = published_at.isoformat() if sort == "newest" and published_at else last["enrollment_count"]
            next_cursor = encode_cursor([mode, sort, str(value), str(last["id"])])
    return Page(items=summaries_from_rows(rows), next_cursor=next_cursor)


def _decode(cursor: str, *, sort: str) -> tuple[Mode, list[str]]:
    mode, cursor_sort, first, second = decode_cursor(cursor, size=4)
    if mode not in ("text", "trigram", "all") or cursor_sort != sort:
        raise InvalidCursor()
    try:
        if sort == "relevance":
            if int(first) < 0:
                raise InvalidCursor()
        else:
            _keyset_after(sort, first, second)
    except (ValueError, TypeError) as error:
        raise InvalidCursor() from error
    return mode, [first, second]  # type: ignore[return-value]  # mode was checked against the literal above


def course_search(
    *,
    query: str | None = None,
    level: str | None = None,
    category: str | None = None,
    language: str | None = None,
    price: str | None = None,
    sort: str = "relevance",
    cursor: str | None = None,
    limit: int | None = None,
    viewer_id: uuid.UUID | None = None,  # the catalogue is the same for everyone; kept for personalised ranking
) -> Page[CourseSummary]:
    """Published courses matching the query and filters, in `sort` order, one cursor page at a time."""
    _validate(level=level, price=price, sort=sort, language=language)
    size = clamp_limit(limit)
    text = " ".join((query or "").split())[:MAX_QUERY_LENGTH]
    if not text and sort == "relevance":
        sort = "newest"
    filters = {
        name: value for name, value in (("level", level), ("category", category), ("language", language)) if value
    }

    def page(mode: Mode, position: list[str] | None = None) -> Page[CourseSummary]:
        values = dict(filters)
        if mode != "all":
            match = _match_value(mode, text)
            if match is None:
                return Page(items=[], next_cursor=None)
            values["match"] = match
        return _page(mode=mode, sort=sort, price=price, size=size, position=position, values=values)

    if cursor:
        mode, position = _decode(cursor, sort=sort)
        if (mode == "all") != (not text) or (mode == "trigram" and connection.vendor != "postgresql"):
            raise InvalidCursor()
        return page(mode, position)
    if not text:
        return page("all")
    found = page("text")
    if found.items or connection.vendor != "postgresql":
        return found
    return page("trigram")
