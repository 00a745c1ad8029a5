"""Skills catalogue, skill profiles, endorsements and public profiles (owner: MARKET-LISTINGS)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from azora.marketplace.public.views import ProfileView, SkillView, UserSkillView

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
    raise NotImplementedError


def skill_suggest(*, user_id: uuid.UUID, name: str, category: str = "") -> SkillView:
    """A user's suggestion for the catalogue (status "suggested"); an existing skill or alias is returned instead."""
    raise NotImplementedError


def skill_review(*, admin_id: uuid.UUID, skill_id: uuid.UUID, approve: bool) -> SkillView:
    """A platform admin approves or rejects a suggested skill."""
    raise NotImplementedError


def skills_of_user(*, user_id: uuid.UUID) -> list[UserSkillView]:
    raise NotImplementedError


def skills_set(*, user_id: uuid.UUID, skills: Sequence[tuple[str, int]]) -> list[UserSkillView]:
    """Replaces the user's self-declared skills with (skill id/slug/name, level) pairs. Verified skills stay (a
    certificate vouches for them) and their level never drops below the certified one."""
    raise NotImplementedError


def endorsement_create(*, endorser_id: uuid.UUID, user_id: uuid.UUID, skill: str, note: str = "") -> UserSkillView:
    """Not oneself, once per endorser and skill, rate-limited per endorser."""
    raise NotImplementedError


def profile_get(*, user_id: uuid.UUID, viewer_id: uuid.UUID | None) -> ProfileView:
    """The public profile; a private one only for its owner (NotFound otherwise)."""
    raise NotImplementedError


def profile_update(*, user_id: uuid.UUID, **fields: Any) -> ProfileView:
    """headline, bio, location, country, is_remote_ok, years_experience, expected_pay_minor,
    expected_pay_currency, is_public."""
    raise NotImplementedError
