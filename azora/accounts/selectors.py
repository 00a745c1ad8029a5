"""The Auth Service's read side: profiles, roles, organisations, memberships and API keys, scoped to the caller."""

from __future__ import annotations

import uuid
import zoneinfo
from collections.abc import Collection
from datetime import UTC, date, tzinfo
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from azora.accounts import ages
from azora.accounts.errors import OrganisationRoleRequired
from azora.accounts.models import ApiKey, Membership, Organisation, PlatformRoleGrant, User
from azora.accounts.public import (
    ApiKeySummary,
    MembershipSummary,
    OrganisationSummary,
    OwnProfile,
    Principal,
    UserProfile,
)
from azora.shared.errors import NotFound
from azora.shared.pagination import Page, paginate_queryset

# An organisation key acts inside its own organisation with this role; its scopes narrow it further.
ORGANISATION_KEY_ROLE = "admin"


# --- Converters (model rows never leave the app) -------------------------------------------------


def to_user_profile(user: User, *, platform_roles: frozenset[str]) -> UserProfile:
    return UserProfile(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        preferred_language=user.preferred_language,
        country=user.country,
        time_zone=user.time_zone,
        date_joined=user.date_joined,
        platform_roles=platform_roles,
        is_staff=user.is_staff,
    )


def to_organisation_summary(organisation: Organisation, *, role: str | None) -> OrganisationSummary:
    return OrganisationSummary(
        id=organisation.id,
        name=organisation.name,
        slug=organisation.slug,
        role=str(role) if role is not None else None,
        created_at=organisation.created_at,
    )


def to_membership_summary(membership: Membership) -> MembershipSummary:
    """Needs `membership.user` loaded (select_related) to avoid a query per row."""
    return MembershipSummary(
        id=membership.id,
        organisation_id=membership.organisation_id,
        user_id=membership.user_id,
        email=membership.user.email,
        display_name=membership.user.display_name,
        role=str(membership.role),
        created_at=membership.created_at,
    )


def to_api_key_summary(api_key: ApiKey) -> ApiKeySummary:
    return ApiKeySummary(
        id=api_key.id,
        name=api_key.name,
        prefix=api_key.prefix,
        scopes=tuple(sorted(api_key.scopes)),
        user_id=api_key.user_id,
        organisation_id=api_key.organisation_id,
        created_at=api_key.created_at,
        last_used_at=api_key.last_used_at,
        expires_at=api_key.expires_at,
    )


# --- Users and platform roles --------------------------------------------------------------------


def platform_roles_of(*, user_id: uuid.UUID) -> frozenset[str]:
    return frozenset(PlatformRoleGrant.objects.filter(user_id=user_id).values_list("role", flat=True))


def user_has_platform_role(*, user_id: uuid.UUID, role: str) -> bool:
    return PlatformRoleGrant.objects.filter(user_id=user_id, role=role).exists()


# The UserProfile fields read from the user's row (its platform roles come from the joined grants).
_PROFILE_COLUMNS = (
    "id", "email", "display_name", "preferred_language", "country", "time_zone", "date_joined", "is_staff",
)  # fmt: skip


def _profile_rows(user_id: uuid.UUID, *extra: str) -> list[tuple[Any, ...]]:
    """One row per platform role (LEFT JOIN; one row with a NULL role for a user without any): profile columns,
    then `extra` columns, then the role."""
    rows = list(
        User.objects.filter(id=user_id, is_active=True).values_list(*_PROFILE_COLUMNS, *extra, "platform_roles__role")
    )
    if not rows:
        raise NotFound()
    return rows


def user_profiles(*, user_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, UserProfile]:
    """The profiles of the active users among `user_ids`, by id, in one query (unknown or inactive ids are left
    out), for lists that show many people's names."""
    rows_by_user: dict[uuid.UUID, list[tuple[Any, ...]]] = {}
    if not user_ids:
        return {}
    rows = User.objects.filter(id__in=set(user_ids), is_active=True).values_list(
        *_PROFILE_COLUMNS, "platform_roles__role"
    )
    for row in rows:
        rows_by_user.setdefault(row[0], []).append(row)
    return {user_id: _profile_of(user_rows) for user_id, user_rows in rows_by_user.items()}


def _profile_of(rows: list[tuple[Any, ...]]) -> UserProfile:
    fields = dict(zip(_PROFILE_COLUMNS, rows[0], strict=False))
    return UserProfile(**fields, platform_roles=frozenset(row[-1] for row in rows if row[-1] is not None))


def user_profile(*, user_id: uuid.UUID) -> UserProfile:
    """The active user's profile with their platform roles, in one query.

    Plain values instead of a model instance plus a second query for the roles cost about 40 % less CPU
    (docs/performance.md).
    """
    return _profile_of(_profile_rows(user_id))


def own_profile(*, user_id: uuid.UUID) -> OwnProfile:
    """The profile plus what only the person sees (date of birth), in one query (`GET /api/v1/me`, every call)."""
    rows = _profile_rows(user_id, "date_of_birth")
    return OwnProfile(profile=_profile_of(rows), date_of_birth=rows[0][len(_PROFILE_COLUMNS)])


def user_is_minor(*, user_id: uuid.UUID | None, today: date | None = None) -> bool:
    """Under 18 on `today` (default: today in the user's time zone); False when the user or the date is unknown."""
    if user_id is None:
        return False
    row = User.objects.filter(id=user_id).values_list("date_of_birth", "time_zone").first()
    if row is None:
        return False
    date_of_birth, time_zone = row
    if date_of_birth is None:
        return False
    if today is None:
        try:
            zone: tzinfo = zoneinfo.ZoneInfo(time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = UTC
        today = timezone.now().astimezone(zone).date()
    return ages.is_minor_on(date_of_birth, today)


def active_user_id_by_email(*, email: str) -> uuid.UUID | None:
    """The id of the active user who signs in with `email` (stored lower-cased), or None."""
    user_id: uuid.UUID | None = (
        User.objects.filter(email=email.strip().lower(), is_active=True).values_list("id", flat=True).first()
    )
    return user_id


def user_verified_emails(*, user_id: uuid.UUID) -> tuple[str, ...]:
    """The user's email addresses that were verified (allauth's records), lower-cased, in a stable order."""
    from allauth.account.models import EmailAddress

    emails = EmailAddress.objects.filter(user_id=user_id, verified=True).values_list("email", flat=True)
    return tuple(sorted({email.strip().lower() for email in emails}))


# --- Organisation roles and tenancy --------------------------------------------------------------


def organisation_role_of(*, user_id: uuid.UUID, organisation_id: uuid.UUID) -> str | None:
    role: str | None = (
        Membership.objects.filter(user_id=user_id, organisation_id=organisation_id)
        .values_list("role", flat=True)
        .first()
    )
    return role


def acting_role(*, principal: Principal, organisation_id: uuid.UUID) -> str:
    """The caller's role in the organisation; NotFound when the caller is outside it (or it does not exist)."""
    role: str | None
    if principal.user_id is None:
        role = ORGANISATION_KEY_ROLE if principal.organisation_id == organisation_id else None
    else:
        role = organisation_role_of(user_id=principal.user_id, organisation_id=organisation_id)
    if role is None:
        raise NotFound()
    return role


def require_organisation_role(*, principal: Principal, organisation_id: uuid.UUID, roles: Collection[str]) -> str:
    """The caller's role when it is one of `roles`; NotFound for outsiders, PermissionDenied for members without it."""
    role = acting_role(principal=principal, organisation_id=organisation_id)
    if role not in roles:
        raise OrganisationRoleRequired()
    return role


# --- Organisations -------------------------------------------------------------------------------


def _memberships_of_user(user_id: uuid.UUID) -> QuerySet[Membership]:
    return Membership.objects.filter(user_id=user_id).select_related("organisation")


def organisation_list_for_user(*, user_id: uuid.UUID) -> list[OrganisationSummary]:
    memberships = _memberships_of_user(user_id).order_by("organisation__name", "organisation_id")
    return [to_organisation_summary(m.organisation, role=m.role) for m in memberships]


def organisation_page_for_principal(
    *, principal: Principal, cursor: str | None, limit: int | None
) -> Page[OrganisationSummary]:
    """The organisations the caller belongs to (an organisation key sees its own), oldest membership first."""
    if principal.user_id is None:
        own = principal.organisation_id
        return paginate_queryset(
            Organisation.objects.filter(id=own) if own is not None else Organisation.objects.none(),
            cursor=cursor,
            limit=limit,
            to_item=lambda organisation: to_organisation_summary(organisation, role=None),
        )
    return paginate_queryset(
        _memberships_of_user(principal.user_id),
        cursor=cursor,
        limit=limit,
        to_item=lambda membership: to_organisation_summary(membership.organisation, role=membership.role),
    )


def organisation_get(*, principal: Principal, organisation_id: uuid.UUID) -> OrganisationSummary:
    role = acting_role(principal=principal, organisation_id=organisation_id)
    organisation = Organisation.objects.filter(id=organisation_id).first()
    if organisation is None:
        raise NotFound()
    return to_organisation_summary(organisation, role=role if principal.user_id is not None else None)


# --- Memberships ---------------------------------------------------------------------------------


def _memberships_of_organisation(organisation_id: uuid.UUID) -> QuerySet[Membership]:
    return Membership.objects.filter(organisation_id=organisation_id).select_related("user")


def membership_list(*, principal: Principal, organisation_id: uuid.UUID) -> list[MembershipSummary]:
    acting_role(principal=principal, organisation_id=organisation_id)
    return [to_membership_summary(m) for m in _memberships_of_organisation(organisation_id).order_by("id")]


def membership_page(
    *, principal: Principal, organisation_id: uuid.UUID, cursor: str | None, limit: int | None
) -> Page[MembershipSummary]:
    acting_role(principal=principal, organisation_id=organisation_id)
    return paginate_queryset(
        _memberships_of_organisation(organisation_id), cursor=cursor, limit=limit, to_item=to_membership_summary
    )


# --- API keys ------------------------------------------------------------------------------------


def _api_keys_visible_to(*, principal: Principal, organisation_id: uuid.UUID | None) -> QuerySet[ApiKey]:
    """Active keys of the caller (personal) or of an organisation the caller manages."""
    keys = ApiKey.objects.filter(revoked_at__isnull=True)
    if organisation_id is None and principal.user_id is None:
        organisation_id = principal.organisation_id
    if organisation_id is not None:
        require_organisation_role(principal=principal, organisation_id=organisation_id, roles={"owner", "admin"})
        return keys.filter(organisation_id=organisation_id)
    if principal.user_id is None:
        return keys.none()
    return keys.filter(user_id=principal.user_id)


def api_key_list(*, principal: Principal, organisation_id: uuid.UUID | None = None) -> list[ApiKeySummary]:
    keys = _api_keys_visible_to(principal=principal, organisation_id=organisation_id).order_by("id")
    return [to_api_key_summary(key) for key in keys]


def api_key_page(
    *, principal: Principal, organisation_id: uuid.UUID | None, cursor: str | None, limit: int | None
) -> Page[ApiKeySummary]:
    keys = _api_keys_visible_to(principal=principal, organisation_id=organisation_id)
    return paginate_queryset(keys, cursor=cursor, limit=limit, to_item=to_api_key_summary)
