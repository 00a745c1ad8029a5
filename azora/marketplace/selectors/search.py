"""Listing search behind one selector: full text over open listings with filters, facets and three sorts, on
PostgreSQL (a weighted generated tsvector with a partial GIN index) and SQLite (FTS5 kept by triggers); migration
0002_search creates both.

Speed (the bench: 50,000 open listings): every query is over `status = 'open'`, which partial indexes cover --
GIN for the text, (published_at DESC, id DESC) for newest, (pay_max_minor DESC, id DESC) for pay, lower(location).
Newest and pay page by keyset (the index order, no OFFSET); relevance pages by offset (ranks are floats). A page
(its ids and ranks) and its facet counts are cached for FACET_CACHE_SECONDS, whatever the result's size, keyed by
the filters and a generation that every listing write bumps (so an entry never outlives a change): a search asked
again costs one cache round trip and the page's views (three compiled queries). Small results are cached too: a
place filter matches thousands of listings whose text is then rechecked, 10-20 ms of SQL per facet query.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.utils.translation import gettext

from azora.marketplace.errors import ListingInvalid
from azora.marketplace.models import JobType, Listing, ListingKind, ListingSkill, ListingStatus
from azora.marketplace.public.views import FacetCount, ListingPage, ListingView, MatchView
from azora.marketplace.selectors import skills as skill_selectors
from azora.marketplace.selectors.listings import listing_views
from azora.shared.errors import NotFound
from azora.shared.money import CURRENCY_EXPONENTS, Money
from azora.shared.pagination import InvalidCursor, clamp_limit, decode_cursor, encode_cursor

__all__ = ["FACETS", "PAY_BANDS", "SORTS", "SearchFilters", "listing_search"]

SORTS = ("best", "newest", "pay")
FACETS = ("kind", "job_type", "remote", "location", "skill", "currency", "pay")
MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
MAX_SKILL_FILTERS = 10
LOCATION_FACET_SIZE = 10
SKILL_FACET_SIZE = 15
FACET_CACHE_SECONDS = 60
RANK_WINDOW = 1000
# Bumped after every listing write (services.match_index.listings_written).
SEARCH_GENERATION_KEY = "marketplace:search:generation"
# Bands of the top of a listing's pay (pay_max, minor units): the value is "low-high" ("5000000-" has no top).
PAY_BANDS: tuple[tuple[int, int | None], ...] = (
    (0, 1_000_000),
    (1_000_000, 2_500_000),
    (2_500_000, 5_000_000),
    (5_000_000, None),
)


@dataclass(frozen=True, slots=True)
class SearchFilters:
    text: str
    kind: str | None
    job_type: str | None
    remote: bool | None
    location: str | None
    skill_ids: tuple[uuid.UUID, ...]
    currency: str | None
    pay_min_minor: int | None
    pay_max_minor: int | None

    def key(self) -> str:
        values: list[Any] = [self.text, self.kind, self.job_type, self.remote, self.location]
        values += [sorted(map(str, self.skill_ids)), self.currency, self.pay_min_minor, self.pay_max_minor]
        return hashlib.sha256(json.dumps(values, default=str).encode()).hexdigest()[:32]


def _invalid(field: str, message: str) -> ListingInvalid:
    return ListingInvalid(message, extra={"errors": [{"field": f"query.{field}", "message": message}]})


def _filters(
    *,
    query: str,
    kind: str | None,
    job_type: str | None,
    remote: bool | None,
    location: str | None,
    skills: Sequence[str],
    currency: str | None,
    pay_min_minor: int | None,
    pay_max_minor: int | None,
    sort: str,
) -> SearchFilters:
    """Checks every parameter before a query runs; unknown values are clear 422s, never an empty page."""
    if sort not in SORTS:
        raise _invalid("sort", f"sort is one of {', '.join(SORTS)}.")
    if kind and kind not in ListingKind.values:
        raise _invalid("kind", f"kind is one of {', '.join(ListingKind.values)}.")
    if job_type and job_type not in JobType.values:
        raise _invalid("job_type", f"job_type is one of {', '.join(JobType.values)}.")
    currency = (currency or "").strip().upper() or None
    if currency and currency not in CURRENCY_EXPONENTS:
        raise _invalid("currency", f"currency is one of {', '.join(sorted(CURRENCY_EXPONENTS))}.")
    for name, value in (("pay_min_minor", pay_min_minor), ("pay_max_minor", pay_max_minor)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise _invalid(name, f"{name} is a whole amount in minor units, 0 or more.")
    if len(skills) > MAX_SKILL_FILTERS:
        raise _invalid("skill", f"At most {MAX_SKILL_FILTERS} skills.")
    skill_ids: list[uuid.UUID] = []
    for reference in skills:
        try:
            skill_id = skill_selectors.skill_resolve(reference).id
        except NotFound:
            raise _invalid("skill", f"{reference} is not in the skills catalogue.") from None
        if skill_id not in skill_ids:
            skill_ids.append(skill_id)
    text = " ".join((query or "").replace("\x00", " ").split())[:MAX_QUERY_LENGTH]
    location = " ".join((location or "").split()) or None
    return SearchFilters(
        text=text,
        kind=kind or None,
        job_type=job_type or None,
        remote=remote,
        location=location,
        skill_ids=tuple(skill_ids),
        currency=currency,
        pay_min_minor=pay_min_minor,
        pay_max_minor=pay_max_minor,
    )


def _fts5_expression(text: str) -> str | None:
    """An FTS5 query: every word must match, as a word or a word prefix; None when no word is left."""
    terms = re.findall(r"\w+", text)[:MAX_TERMS]
    return " ".join(f'"{term}"*' for term in terms) or None


def _filtered(filters: SearchFilters) -> QuerySet[Listing]:
    """Open listings matching the filters and the text."""
    queryset = Listing.objects.filter(status=ListingStatus.OPEN)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.job_type:
        queryset = queryset.filter(job_type=filters.job_type)
    if filters.remote is not None:
        queryset = queryset.filter(is_remote=filters.remote)
    if filters.location:
        queryset = queryset.alias(location_folded=Lower("location")).filter(location_folded=filters.location.lower())
    if filters.currency:
        queryset = queryset.filter(currency=filters.currency)
    if filters.pay_min_minor is not None:  # pays at least this much
        queryset = queryset.filter(pay_max_minor__gte=filters.pay_min_minor)
    if filters.pay_max_minor is not None:  # starts at or below this much
        queryset = queryset.filter(pay_min_minor__lte=filters.pay_max_minor)
    for skill_id in filters.skill_ids:
        queryset = queryset.filter(Exists(ListingSkill.objects.filter(listing_id=OuterRef("pk"), skill_id=skill_id)))
    if not filters.text:
        return queryset
    if connection.vendor == "postgresql":
        matched = RawSQL(
            "search_vector @@ websearch_to_tsquery('english', %s)", (filters.text,), output_field=BooleanField()
        )
        return queryset.alias(matched=matched).filter(matched=True)
    expression = _fts5_expression(filters.text)
    if expression is None:
        return queryset.none()
    ids = RawSQL("SELECT listing_id FROM marketplace_listing_fts WHERE marketplace_listing_fts MATCH %s", (expression,))
    return queryset.filter(pk__in=ids)


def _rank(filters: SearchFilters) -> RawSQL:
    """Relevance of a listing row to the text, higher is better (the row must match the text)."""
    if connection.vendor == "postgresql":
        return RawSQL(
            "ts_rank(search_vector, websearch_to_tsquery('english', %s))", (filters.text,), output_field=FloatField()
        )
    # bm25 is lower for better matches; weights: listing_id (unindexed), title, skills, location, description.
    return RawSQL(
        "(SELECT -bm25(marketplace_listing_fts, 0.0, 10.0, 6.0, 3.0, 1.0) FROM marketplace_listing_fts"
        " WHERE marketplace_listing_fts MATCH %s AND listing_id = marketplace_listing.id)",
        (_fts5_expression(filters.text),),
        output_field=FloatField(),
    )


# --- Pages ---

KEYSET_FIELDS = {"newest": "published_at", "pay": "pay_max_minor"}


def _keyset_after(sort: str, value: str, last_id: str) -> Q:
    field = KEYSET_FIELDS[sort]
    parsed: Any = datetime.fromisoformat(value) if sort == "newest" else int(value)
    return Q(**{f"{field}__lt": parsed}) | Q(**{field: parsed, "id__lt": uuid.UUID(last_id)})


def _decode(cursor: str, *, sort: str) -> tuple[str, str]:
    cursor_sort, first, second = decode_cursor(cursor, size=3)
    if cursor_sort != sort:
        raise InvalidCursor()
    try:
        if sort == "best":
            if int(first) < 0:
                raise InvalidCursor()
        else:
            _keyset_after(sort, first, second)
    except (ValueError, TypeError) as error:
        raise InvalidCursor() from error
    return first, second


def _page_ids(
    filters: SearchFilters, *, sort: str, cursor: str | None, size: int
) -> tuple[list[tuple[uuid.UUID, float]], str | None]:
    """One page as (listing id, relevance) in order, and the next page's cursor; the views are read by id."""
    offset = 0
    queryset: QuerySet[Listing]
    rows: list[Any]  # values() rows
    if sort == "best":
        # Relevance is computed for the newest RANK_WINDOW matches only (walking the partial published_at index):
        # ranking is per matching row, and a common word matches thousands of listings.
        window = _filtered(filters).order_by("-published_at", "-id").values("id")[:RANK_WINDOW]
        queryset = (
            Listing.objects.filter(id__in=window)
            .annotate(rank=_rank(filters))
            .order_by("-rank", "-published_at", "-id")
        )
        if cursor:
            offset = int(_decode(cursor, sort=sort)[0])
        rows = list(queryset.values("id", "rank")[offset : offset + size + 1])
    else:
        field = KEYSET_FIELDS[sort]
        queryset = _filtered(filters).order_by(f"-{field}", "-id")
        if cursor:
            queryset = queryset.filter(_keyset_after(sort, *_decode(cursor, sort=sort)))
        rows = list(queryset.values("id", field)[offset : offset + size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    page = [(row["id"], float(row.get("rank") or 0.0)) for row in rows]
    if not has_more or not rows:
        return page, None
    last = rows[-1]
    if sort == "best":
        return page, encode_cursor([sort, str(offset + size), ""])
    # (an open listing always has published_at: publishing sets it)
    value = str(last["pay_max_minor"]) if sort == "pay" else last["published_at"].isoformat()
    return page, encode_cursor([sort, value, str(last["id"])])


# --- Facets ---


def _band_label(low: int, high: int | None, currency: str | None) -> str:
    def amount(minor: int) -> str:
        if currency:
            return f"{Money(minor, currency).to_decimal():,.0f}"
        return f"{minor // 100:,}"

    if low == 0 and high is not None:
        return gettext("Up to %(high)s") % {"high": amount(high)}
    if high is None:
        return gettext("%(low)s or more") % {"low": amount(low)}
    return gettext("%(low)s to %(high)s") % {"low": amount(low), "high": amount(high)}


def _facets(filters: SearchFilters) -> dict[str, tuple[FacetCount, ...]]:
    """Counts over the filtered results in three queries: one scan grouped by the small-valued columns (kind, job
    type, remote, currency, pay band -- at most a few hundred groups, summed here), the top places, the top skills."""
    base = _filtered(filters).order_by()
    band = Case(
        *[
            When(Q(pay_max_minor__gte=low, **({"pay_max_minor__lt": high} if high is not None else {})), then=Value(i))
            for i, (low, high) in enumerate(PAY_BANDS)
        ],
        default=Value(0),
        output_field=IntegerField(),
    )
    groups = base.annotate(band=band).values_list("kind", "job_type", "is_remote", "currency", "band")
    kinds: Counter[str] = Counter()
    job_types: Counter[str] = Counter()
    remote: Counter[bool] = Counter()
    currencies: Counter[str] = Counter()
    bands: Counter[int] = Counter()
    for kind, job_type, is_remote, currency, band_index, count in groups.annotate(count=Count("id")):
        kinds[kind] += count
        if job_type:
            job_types[job_type] += count
        remote[is_remote] += count
        currencies[currency] += count
        bands[band_index] += count
    facets: dict[str, tuple[FacetCount, ...]] = {
        "kind": tuple(
            FacetCount(value=value, label=str(label), count=kinds[value])
            for value, label in ListingKind.choices
            if kinds[value]
        ),
        "job_type": tuple(
            FacetCount(value=value, label=str(label), count=job_types[value])
            for value, label in JobType.choices
            if job_types[value]
        ),
        "remote": tuple(
            FacetCount(value=value, label=label, count=remote[flag])
            for flag, value, label in ((True, "true", gettext("Remote")), (False, "false", gettext("On site")))
            if remote[flag]
        ),
    }
    locations = (
        base.exclude(location="")
        .values(folded=Lower("location"))
        .annotate(count=Count("id"), label=Max("location"))
        .order_by("-count", "folded")[:LOCATION_FACET_SIZE]
    )
    facets["location"] = tuple(
        FacetCount(value=row["label"], label=row["label"], count=row["count"]) for row in locations
    )
    skill_rows = (
        ListingSkill.objects.filter(listing__in=base.values("id"))
        .values("skill__slug", "skill__name")
        .annotate(count=Count("listing_id"))
        .order_by("-count", "skill__name")[:SKILL_FACET_SIZE]
    )
    facets["skill"] = tuple(
        FacetCount(value=row["skill__slug"], label=row["skill__name"], count=row["count"]) for row in skill_rows
    )
    facets["currency"] = tuple(
        FacetCount(value=value, label=value, count=count)
        for value, count in sorted(currencies.items(), key=lambda item: (-item[1], item[0]))
    )
    facets["pay"] = tuple(
        FacetCount(
            value=f"{low}-{high if high is not None else ''}",
            label=_band_label(low, high, filters.currency),
            count=bands[index],
        )
        for index, (low, high) in enumerate(PAY_BANDS)
        if bands[index]
    )
    return facets


def _facets_from_cache(cached: dict[str, list[tuple[str, str, int]]]) -> dict[str, tuple[FacetCount, ...]]:
    return {name: tuple(FacetCount(*item) for item in items) for name, items in cached.items()}


def _facets_to_cache(facets: dict[str, tuple[FacetCount, ...]]) -> dict[str, list[tuple[str, str, int]]]:
    return {name: [(item.value, item.label, item.count) for item in items] for name, items in facets.items()}


# --- Matches for a signed-in viewer ---


def _matches(viewer_id: uuid.UUID, views: list[ListingView]) -> dict[uuid.UUID, MatchView]:
    """The viewer's match with each listing of the page, scored from the page's own views (two queries: the
    viewer's facts)."""
    # Imported here: selectors.matching imports this module (SEARCH_GENERATION_KEY keys its cache).
    from azora.marketplace.selectors.matching import matches_for_views

    if not views:
        return {}
    return matches_for_views(user_id=viewer_id, views=views)


def listing_search(
    *,
    viewer_id: uuid.UUID | None,
    query: str = "",
    kind: str | None = None,
    job_type: str | None = None,
    remote: bool | None = None,
    location: str | None = None,
    skills: Sequence[str] = (),
    currency: str | None = None,
    pay_min_minor: int | None = None,
    pay_max_minor: int | None = None,
    sort: str = "best",
    cursor: str | None = None,
    limit: int = 20,
    with_facets: bool = True,
) -> ListingPage:
    """Open listings matching the text and filters in `sort` order, one cursor page, with facet counts.

    "best" is relevance for a text query (newest without one); with a signed-in viewer, listings of equal
    relevance on the page are ordered by the viewer's match score.
    """
    size = clamp_limit(limit)
    filters = _filters(
        query=query,
        kind=kind,
        job_type=job_type,
        remote=remote,
        location=location,
        skills=skills,
        currency=currency,
        pay_min_minor=pay_min_minor,
        pay_max_minor=pay_max_minor,
        sort=sort,
    )
    effective = "newest" if sort == "best" and not filters.text else sort
    generation = int(cache.get(SEARCH_GENERATION_KEY, 0))
    # The cursor is hashed: a key stays short (memcached's 250 characters) whatever a client sends.
    cursor_key = hashlib.sha256(cursor.encode()).hexdigest()[:32] if cursor else ""
    page_key = f"marketplace:search:page:{generation}:{filters.key()}:{effective}:{size}:{cursor_key}"
    facets_key = f"marketplace:search:facets:{generation}:{filters.key()}"
    # Without facets (the browse page's "more" requests) nothing is cached: those pages are not asked again.
    cached = cache.get_many([page_key, facets_key]) if with_facets else {}
    writes: dict[str, Any] = {}
    if page_key in cached:
        ranked = [(uuid.UUID(key), rank) for key, rank in cached[page_key]["ranks"]]
        next_cursor = cached[page_key]["next_cursor"]
    else:
        ranked, next_cursor = _page_ids(filters, sort=effective, cursor=cursor, size=size)
        ranks_out = [(str(listing_id), rank) for listing_id, rank in ranked]
        writes[page_key] = {"ranks": ranks_out, "next_cursor": next_cursor}
    facets: dict[str, tuple[FacetCount, ...]] = {}
    if facets_key in cached:
        facets = _facets_from_cache(cached[facets_key])
    elif with_facets:
        facets = _facets(filters)
        writes[facets_key] = _facets_to_cache(facets)
    if with_facets and writes:
        cache.set_many(writes, timeout=FACET_CACHE_SECONDS)
    views = listing_views(listing_ids=[listing_id for listing_id, _rank in ranked])
    page = [(views[listing_id], rank) for listing_id, rank in ranked if listing_id in views]
    matches = _matches(viewer_id, [view for view, _rank in page]) if viewer_id is not None else {}
    if matches and effective == "best":
        # Stable: equal ranks keep their order unless the match tells them apart.
        page.sort(key=lambda entry: (-entry[1], -(matches[entry[0].id].score if entry[0].id in matches else -1)))
    return ListingPage(
        items=tuple(view for view, _rank in page),
        next_cursor=next_cursor,
        facets=facets,
        matches=matches,
    )
