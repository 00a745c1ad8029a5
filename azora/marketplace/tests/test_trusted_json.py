"""The search page and my matches are rendered from pre-built JSON (ADR 0016): it equals what their response
schemas would dump from the same views, field for field."""

from __future__ import annotations

from typing import Any

import pytest

from azora.accounts.tests.factories import UserFactory
from azora.marketplace.public import listing_search, matches_for_user
from azora.marketplace.schemas.applications import ListingMatchOut, MatchListOut, match_list_json
from azora.marketplace.schemas.listings import ListingOut, ListingPageOut, listing_json, listing_page_json
from azora.marketplace.tests.factories import (
    GigFactory,
    ListingFactory,
    ListingSkillFactory,
    ProfileFactory,
    SkillFactory,
    UserSkillFactory,
)
from azora.shared.testing.trusted_json import rendered, rendered_dump

pytestmark = pytest.mark.django_db


def _market() -> Any:
    """A person with a profile and skills, a job asking for their skills, a remote gig with milestones, and an
    organisation-less job in another place: every field of a listing and a match takes a non-default value."""
    python, sql = SkillFactory(name="Python"), SkillFactory(name="SQL")
    person = ProfileFactory(user=UserFactory()).user
    UserSkillFactory(user=person, skill=python, level=3, is_verified=True)
    UserSkillFactory(user=person, skill=sql, level=1)
    job = ListingFactory(title="Python developer", experience_years=4)
    ListingSkillFactory(listing=job, skill=python, level=2)
    ListingSkillFactory(listing=job, skill=sql, level=2, is_required=False)
    gig = GigFactory(title="Python scripts for a shop")
    ListingSkillFactory(listing=gig, skill=python, level=1)
    ListingFactory(title="Python teacher", location="Nairobi", country="KE", currency="KES")
    return person


def test_the_search_page_json_equals_the_schemarendered_dump() -> None:
    person = _market()
    first = listing_search(viewer_id=person.id, query="python", limit=2)
    assert len(first.items) == 2
    assert first.next_cursor is not None
    assert len(first.matches) == 2
    assert rendered(listing_page_json(first)) == rendered_dump(ListingPageOut.of(first))
    whole = listing_search(viewer_id=person.id, query="python")
    assert len(whole.items) == 3
    assert [len(item.milestones) for item in whole.items if item.kind == "gig"] == [2]
    assert {name for name, counts in whole.facets.items() if counts} >= {"kind", "skill", "currency", "pay"}
    assert rendered(listing_page_json(whole)) == rendered_dump(ListingPageOut.of(whole))
    for item in whole.items:
        assert rendered(listing_json(item)) == rendered_dump(ListingOut.of(item))


def test_my_matches_json_equals_the_schemarendered_dump() -> None:
    person = _market()
    views = matches_for_user(user_id=person.id)
    titles = [view.listing.title for view in views]
    assert titles == ["Python teacher", "Python scripts for a shop", "Python developer"]
    expected = MatchListOut(items=[ListingMatchOut.of(view) for view in views])
    assert rendered(match_list_json(views)) == rendered_dump(expected)
    assert rendered(match_list_json([])) == {"items": []}
