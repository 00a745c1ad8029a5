"""Matching that explains itself: listings for a person, and a person for a listing."""

from __future__ import annotations

import uuid

from azora.marketplace.public.views import ListingMatchView, MatchView

__all__ = ["match_for", "matches_for_user"]


def matches_for_user(
    *, user_id: uuid.UUID, limit: int = 20, kind: str | None = None, fresh: bool = False
) -> list[ListingMatchView]:
    """Open listings scoring at least the threshold (60), best first, each with its reasons. The ranking is cached
    per person until a listing or the person's skills or profile change; `fresh` skips the cache."""
    from azora.marketplace.selectors import matching

    return matching.matches_for_user(user_id=user_id, limit=limit, kind=kind, fresh=fresh)


def match_for(*, user_id: uuid.UUID, listing_id: uuid.UUID) -> MatchView:
    """The score of one person for one listing, with reasons, whatever the threshold."""
    from azora.marketplace.selectors import matching

    return matching.match_for(user_id=user_id, listing_id=listing_id)
