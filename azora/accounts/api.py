"""The Auth Service's /api/v1 endpoints: the caller's profile, organisations, members, invitations and API keys."""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Router, Status

from azora.accounts import selectors, services
from azora.accounts.errors import UserPrincipalRequired
from azora.accounts.public import ApiKeySummary, OwnProfile, Principal, request_principal
from azora.accounts.schemas import (
    ApiKeyCreatedOut,
    ApiKeyCreateIn,
    ApiKeyOut,
    ApiKeyPageOut,
    InvitationCreateIn,
    InvitationOut,
    MembershipOut,
    MembershipPageOut,
    MembershipUpdateIn,
    OrganisationCreateIn,
    OrganisationOut,
    OrganisationPageOut,
    UserOut,
    UserUpdateIn,
)

router = Router(tags=["accounts"])


def _principal(request: HttpRequest, scope: str) -> Principal:
    """The authenticated caller (set by the gateway's auth classes), holding `scope`."""
    return request_principal(request, scope=scope)


def _user_id(principal: Principal) -> uuid.UUID:
    if principal.user_id is None:
        raise UserPrincipalRequired()
    return principal.user_id


def _user_out(own: OwnProfile) -> UserOut:
    profile = own.profile
    return UserOut(
        id=profile.id,
        email=profile.email,
        display_name=profile.display_name,
        preferred_language=profile.preferred_language,
        country=profile.country,
        time_zone=profile.time_zone,
        date_joined=profile.date_joined,
        platform_roles=list(profile.platform_roles),
        date_of_birth=own.date_of_birth,
    )


def _api_key_out(summary: ApiKeySummary) -> ApiKeyOut:
    return ApiKeyOut.model_validate(summary, from_attributes=True)


@router.get("/me", response=UserOut, summary="The caller's profile")
def me_get(request: HttpRequest) -> UserOut:
    principal = _principal(request, "profile:read")
    return _user_out(selectors.own_profile(user_id=_user_id(principal)))


@router.patch("/me", response=UserOut, summary="Change the caller's profile")
def me_update(request: HttpRequest, payload: UserUpdateIn) -> UserOut:
    principal = _principal(request, "profile:write")
    fields = payload.model_dump(exclude_unset=True)
    user_id = _user_id(principal)
    services.user_update_profile(user_id=user_id, **fields)
    return _user_out(selectors.own_profile(user_id=user_id))


@router.get("/organisations", response=OrganisationPageOut, summary="Organisations the caller belongs to")
def organisation_list(request: HttpRequest, cursor: str | None = None, limit: int | None = None) -> object:
    principal = _principal(request, "organisations:read")
    return selectors.organisation_page_for_principal(principal=principal, cursor=cursor, limit=limit)


@router.post("/organisations", response={201: OrganisationOut}, summary="Create an organisation")
def organisation_create(request: HttpRequest, payload: OrganisationCreateIn) -> Status[object]:
    principal = _principal(request, "organisations:write")
    user_id = _user_id(principal)
    return Status(201, services.organisation_create(user_id=user_id, name=payload.name, slug=payload.slug))


@router.get("/organisations/{organisation_id}", response=OrganisationOut, summary="One organisation")
def organisation_get(request: HttpRequest, organisation_id: uuid.UUID) -> object:
    principal = _principal(request, "organisations:read")
    return selectors.organisation_get(principal=principal, organisation_id=organisation_id)


@router.post(
    "/organisations/{organisation_id}/invitations",
    response={201: InvitationOut},
    summary="Invite someone by email (owners and admins)",
)
def invitation_create(request: HttpRequest, organisation_id: uuid.UUID, payload: InvitationCreateIn) -> Status[object]:
    principal = _principal(request, "organisations:write")
    invitation = services.invitation_create(
        principal=principal, organisation_id=organisation_id, email=payload.email, role=payload.role
    )
    return Status(201, invitation)


@router.post("/invitations/{token}/accept", response={201: MembershipOut}, summary="Accept an invitation")
def invitation_accept(request: HttpRequest, token: str) -> Status[object]:
    principal = _principal(request, "organisations:write")
    return Status(201, services.invitation_accept(user_id=_user_id(principal), token=token))


@router.get("/organisations/{organisation_id}/members", response=MembershipPageOut, summary="Members")
def membership_list(
    request: HttpRequest, organisation_id: uuid.UUID, cursor: str | None = None, limit: int | None = None
) -> object:
    principal = _principal(request, "organisations:read")
    return selectors.membership_page(principal=principal, organisation_id=organisation_id, cursor=cursor, limit=limit)


@router.patch(
    "/organisations/{organisation_id}/members/{membership_id}", response=MembershipOut, summary="Change a role"
)
def membership_update(
    request: HttpRequest, organisation_id: uuid.UUID, membership_id: uuid.UUID, payload: MembershipUpdateIn
) -> object:
    principal = _principal(request, "organisations:write")
    return services.membership_update(
        principal=principal, organisation_id=organisation_id, membership_id=membership_id, role=payload.role
    )


@router.delete(
    "/organisations/{organisation_id}/members/{membership_id}",
    response={204: None},
    summary="Remove a member, or leave",
)
def membership_delete(request: HttpRequest, organisation_id: uuid.UUID, membership_id: uuid.UUID) -> Status[None]:
    principal = _principal(request, "organisations:write")
    services.membership_delete(principal=principal, organisation_id=organisation_id, membership_id=membership_id)
    return Status(204, None)


@router.get("/api-keys", response=ApiKeyPageOut, summary="Active API keys (personal, or an organisation's)")
def api_key_list(
    request: HttpRequest,
    organisation_id: uuid.UUID | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> object:
    principal = _principal(request, "api_keys:read")
    return selectors.api_key_page(principal=principal, organisation_id=organisation_id, cursor=cursor, limit=limit)


@router.post("/api-keys", response={201: ApiKeyCreatedOut}, summary="Create an API key (shown once)")
def api_key_create(request: HttpRequest, payload: ApiKeyCreateIn) -> Status[ApiKeyCreatedOut]:
    principal = _principal(request, "api_keys:write")
    created = services.api_key_create(
        principal=principal,
        name=payload.name,
        scopes=payload.scopes,
        organisation_id=payload.organisation_id,
        expires_at=payload.expires_at,
    )
    out = _api_key_out(created.api_key)
    return Status(201, ApiKeyCreatedOut(**out.model_dump(), key=created.key))


@router.delete("/api-keys/{api_key_id}", response={204: None}, summary="Revoke an API key")
def api_key_revoke(request: HttpRequest, api_key_id: uuid.UUID) -> Status[None]:
    principal = _principal(request, "api_keys:write")
    services.api_key_revoke(principal=principal, api_key_id=api_key_id)
    return Status(204, None)
