"""Skills catalogue, skill profiles, endorsements and public profiles."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from azora.marketplace.public.views import ProfileView, SkillView, UserSkillView

# Services and selectors import the views above, so they are imported inside each function, never at module load.

__all__ = [
    "endorsement_create",
    "profile_get",
    "profile_update",
    "skill_review",
    "skill_suggest",
    "skills_of_user",
    "skills_search",
    "skills_set",
]


def skills_search(*, query: str = "", include_suggested: bool = False, limit: int = 50) -> list[SkillView]:
    """Approved skills whose name or alias starts with or contains `query` (folded), best first."""
    from azora.marketplace.selectors import skills as selectors

    return selectors.skills_catalogue_search(query=query, include_suggested=include_suggested, limit=limit)


def skill_suggest(*, user_id: uuid.UUID, name: str, category: str = "") -> SkillView:
    """A user's suggestion for the catalogue (status "suggested"); an existing skill or alias is returned instead."""
    from azora.marketplace.selectors import skills as selectors
    from azora.marketplace.services import skills as services

    return selectors.skill_view(services.skill_suggest(user_id=user_id, name=name, category=category))


def skill_review(*, admin_id: uuid.UUID, skill_id: uuid.UUID, approve: bool) -> SkillView:
    """A platform admin approves or rejects a suggested skill."""
    from azora.marketplace.selectors import skills as selectors
    from azora.marketplace.services import skills as services

    return selectors.skill_view(services.skill_review(admin_id=admin_id, skill_id=skill_id, approve=approve))


def skills_of_user(*, user_id: uuid.UUID) -> list[UserSkillView]:
    from azora.marketplace.selectors import skills as selectors

    return selectors.user_skill_views(user_id=user_id)


def skills_set(*, user_id: uuid.UUID, skills: Sequence[tuple[str, int]]) -> list[UserSkillView]:
    """Replaces the user's self-declared skills with (skill id/slug/name, level) pairs. Verified skills stay (a
    certificate vouches for them) and their level never drops below the certified one."""
    from azora.marketplace.selectors import skills as selectors
    from azora.marketplace.services import skills as services

    services.skills_set(user_id=user_id, skills=skills)
    return selectors.user_skill_views(user_id=user_id)


def endorsement_create(*, endorser_id: uuid.UUID, user_id: uuid.UUID, skill: str, note: str = "") -> UserSkillView:
    """Not oneself, once per endorser and skill, rate-limited per endorser."""
    from azora.marketplace.selectors import skills as selectors
    from azora.marketplace.services import skills as services

    user_skill = services.endorsement_create(endorser_id=endorser_id, user_id=user_id, skill=skill, note=note)
    return selectors.user_skill_view(user_skill)


def profile_get(*, user_id: uuid.UUID, viewer_id: uuid.UUID | None) -> ProfileView:
    """The public profile; a private one only for its owner (NotFound otherwise)."""
    from azora.marketplace.selectors import skills as selectors

    return selectors.profile_for_viewer(user_id=user_id, viewer_id=viewer_id)


def profile_update(*, user_id: uuid.UUID, **fields: Any) -> ProfileView:
    """headline, bio, location, country, is_remote_ok, years_experience, expected_pay_minor,
    expected_pay_currency, is_public."""
    from azora.marketplace.selectors import skills as selectors
    from azora.marketplace.services import skills as services

    return selectors.profile_view(user_id=user_id, profile=services.profile_update(user_id=user_id, **fields))
