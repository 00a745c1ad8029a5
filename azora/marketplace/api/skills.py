"""The marketplace skills API: the catalogue and suggestions, one's own skills, endorsements and profiles."""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Query, Router, Status

from azora.accounts.public import request_user_id
from azora.marketplace.public import skills
from azora.marketplace.schemas.skills import (
    EndorsementIn,
    MarketProfileOut,
    ProfileUpdateIn,
    SkillListOut,
    SkillOut,
    SkillSearchIn,
    SkillSuggestIn,
    UserSkillListOut,
    UserSkillOut,
    UserSkillsIn,
)

router = Router()

__all__ = ["router"]


def _user_id(request: HttpRequest) -> uuid.UUID:
    """The signed-in person (session or JWT); API keys carry no marketplace scope, so they are refused."""
    return request_user_id(request, scope="marketplace")


@router.get("/skills", response=SkillListOut, summary="The skills catalogue, by name or alias")
def skill_list(request: HttpRequest, filters: Query[SkillSearchIn]) -> SkillListOut:
    _user_id(request)
    return SkillListOut(
        items=[SkillOut.of(view) for view in skills.skills_search(query=filters.q, limit=filters.limit)]
    )


@router.post(
    "/skills",
    response={201: SkillOut, 200: SkillOut},
    summary="Suggest a skill for the catalogue (an existing skill or alias is returned instead, 200)",
)
def skill_suggest(request: HttpRequest, payload: SkillSuggestIn) -> Status[SkillOut]:
    view = skills.skill_suggest(user_id=_user_id(request), name=payload.name, category=payload.category)
    return Status(201 if view.status == "suggested" else 200, SkillOut.of(view))


@router.get("/me/skills", response=UserSkillListOut, summary="Your skills: verified first, then by level")
def my_skills(request: HttpRequest) -> UserSkillListOut:
    return UserSkillListOut(items=[UserSkillOut.of(view) for view in skills.skills_of_user(user_id=_user_id(request))])


@router.put("/me/skills", response=UserSkillListOut, summary="Replace your self-declared skills (verified ones stay)")
def my_skills_set(request: HttpRequest, payload: UserSkillsIn) -> UserSkillListOut:
    views = skills.skills_set(user_id=_user_id(request), skills=[(item.skill, item.level) for item in payload.skills])
    return UserSkillListOut(items=[UserSkillOut.of(view) for view in views])


@router.post(
    "/users/{uuid:user_id}/skills/{skill}/endorsements",
    response={201: UserSkillOut},
    summary="Endorse a person's skill (not your own; once; a daily limit)",
)
def endorsement_create(
    request: HttpRequest, user_id: uuid.UUID, skill: str, payload: EndorsementIn
) -> Status[UserSkillOut]:
    view = skills.endorsement_create(endorser_id=_user_id(request), user_id=user_id, skill=skill, note=payload.note)
    return Status(201, UserSkillOut.of(view))


@router.get("/me/marketplace-profile", response=MarketProfileOut, summary="Your marketplace profile")
def my_profile(request: HttpRequest) -> MarketProfileOut:
    user_id = _user_id(request)
    return MarketProfileOut.of(skills.profile_get(user_id=user_id, viewer_id=user_id))


@router.patch("/me/marketplace-profile", response=MarketProfileOut, summary="Change your marketplace profile")
def my_profile_update(request: HttpRequest, payload: ProfileUpdateIn) -> MarketProfileOut:
    return MarketProfileOut.of(
        skills.profile_update(user_id=_user_id(request), **payload.model_dump(exclude_unset=True))
    )


@router.get("/users/{uuid:user_id}/profile", response=MarketProfileOut, summary="A person's public marketplace profile")
def profile_get(request: HttpRequest, user_id: uuid.UUID) -> MarketProfileOut:
    return MarketProfileOut.of(skills.profile_get(user_id=user_id, viewer_id=_user_id(request)))
