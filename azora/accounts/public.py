"""The Auth Service's contract for other apps: principals, permission checks, users, organisations, keys."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from django.http import HttpRequest

    from azora.shared.pagination import Page

AuthMethod = Literal["session", "jwt", "api_key"]

PLATFORM_ROLES: frozenset[str] = frozenset({"learner", "instructor", "finance_admin", "platform_admin"})
ORGANISATION_ROLES: frozenset[str] = frozenset({"owner", "admin", "instructor", "member", "billing"})
# Roles that may manage an organisation's members, invitations and keys.
ORGANISATION_MANAGER_ROLES: frozenset[str] = frozenset({"owner", "admin"})

API_KEY_SCOPES: frozenset[str] = frozenset(
    {
        "profile:read",
        "profile:write",
        "organisations:read",
        "organisations:write",
        "api_keys:read",
        "api_keys:write",
        "ai:chat",
    }
)


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a user (session, JWT or personal key) or an organisation (organisation key).

    `scopes` is None for sessions and JWTs (the user's full rights); API keys carry their scopes.
    """

    via: AuthMethod
    user_id: uuid.UUID | None
    organisation_id: uuid.UUID | None = None
    api_key_id: uuid.UUID | None = None
    scopes: frozenset[str] | None = None

    def has_scope(self, scope: str) -> bool:
        return self.scopes is None or scope in self.scopes


@dataclass(frozen=True, slots=True)
class UserProfile:
    id: uuid.UUID
    email: str
    display_name: str
    preferred_language: str
    country: str
    time_zone: str
    date_joined: datetime
    platform_roles: frozenset[str]
    is_staff: bool


@dataclass(frozen=True, slots=True)
class OwnProfile:
    """A person's profile with what only they see of it: for their own profile page and `GET /api/v1/me`.

    Other apps read `UserProfile` (no age data) and ask `user_is_minor`, never for the date of birth.
    """

    profile: UserProfile
    date_of_birth: date | None


@dataclass(frozen=True, slots=True)
class OrganisationSummary:
    """An organisation as one caller sees it; `role` is the caller's role (None for an organisation key)."""

    id: uuid.UUID
    name: str
    slug: str
    role: str | None
    created_at: datetime

    @property
    def can_manage(self) -> bool:
        """Whether the caller may manage members, invitations and keys (owners and admins)."""
        return self.role in ORGANISATION_MANAGER_ROLES


@dataclass(frozen=True, slots=True)
class MembershipSummary:
    id: uuid.UUID
    organisation_id: uuid.UUID
    user_id: uuid.UUID
    email: str
    display_name: str
    role: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class InvitationCreated:
    """A new invitation; `token` is the raw secret, returned this once and stored only as a hash."""

    id: uuid.UUID
    organisation_id: uuid.UUID
    email: str
    role: str
    expires_at: datetime
    token: str


@dataclass(frozen=True, slots=True)
class ApiKeySummary:
    id: uuid.UUID
    name: str
    prefix: str
    scopes: tuple[str, ...]
    user_id: uuid.UUID | None
    organisation_id: uuid.UUID | None
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class ApiKeyCreated:
    """A new API key; `key` is the full raw key, returned this once and stored only as a hash."""

    api_key: ApiKeySummary
    key: str

    @property
    def id(self) -> uuid.UUID:
        return self.api_key.id


# The functions below delegate to the app's services and selectors. Those modules import the
# dataclasses above, so they are imported inside each function, never at module load.


@dataclass(frozen=True, slots=True)
class OperatorUserView:
    """A user as platform operators see them in the Master UI: account state, roles and whether MFA is on."""

    id: uuid.UUID
    email: str
    display_name: str
    is_active: bool
    platform_roles: frozenset[str]
    has_mfa: bool
    date_joined: datetime
    last_login: datetime | None


@dataclass(frozen=True, slots=True)
class UserCounts:
    total: int  # active (not suspended) accounts
    active: int  # of those, seen or signed in within the asked window
    suspended: int


def request_principal(request: HttpRequest, *, scope: str | None = None) -> Principal:
    """The caller the API edge authenticated (`request.auth`); with `scope`, refused unless the caller holds it.

    Sessions and access tokens hold every scope; an API key only those it was given, so a scope no key can be given
    (`"education"`, `"revenue"`) keeps an endpoint to signed-in people.
    """
    from azora.accounts.errors import InsufficientScope

    principal = getattr(request, "auth", None)
    if not isinstance(principal, Principal):
        raise TypeError("request_principal() needs a request the API edge authenticated")
    if scope is not None and not principal.has_scope(scope):
        raise InsufficientScope(extra={"required_scope": scope})
    return principal


def request_user_id(request: HttpRequest, *, scope: str | None = None) -> uuid.UUID:
    """The signed-in user calling (holding `scope`); an organisation key is refused (UserPrincipalRequired)."""
    from azora.accounts.errors import UserPrincipalRequired

    principal = request_principal(request, scope=scope)
    if principal.user_id is None:
        raise UserPrincipalRequired()
    return principal.user_id


def request_platform_admin_id(request: HttpRequest, *, scope: str) -> uuid.UUID:
    """The signed-in platform admin calling; anyone else is refused (403 platform_admin_required). Operators'
    endpoints pass a `scope` no API key is given, so only a person signed in (session or token) gets through."""
    from azora.accounts.errors import PlatformAdminRequired
    from azora.accounts.models import PlatformRole

    user_id = request_user_id(request, scope=scope)
    if not user_has_platform_role(user_id=user_id, role=PlatformRole.PLATFORM_ADMIN):
        raise PlatformAdminRequired()
    return user_id


def principal_for_user(*, user_id: uuid.UUID, via: AuthMethod = "session") -> Principal:
    """A principal with the user's full rights (a session or a JWT)."""
    return Principal(via=via, user_id=user_id)


def principal_from_api_key(*, raw_key: str) -> Principal | None:
    """The principal of a presented API key; None when it is malformed, unknown, revoked or expired."""
    from azora.accounts import services

    return services.api_key_authenticate(raw_key=raw_key)


def user_has_platform_role(*, user_id: uuid.UUID, role: str) -> bool:
    from azora.accounts import selectors

    return selectors.user_has_platform_role(user_id=user_id, role=role)


def platform_roles_of(*, user_id: uuid.UUID) -> frozenset[str]:
    from azora.accounts import selectors

    return selectors.platform_roles_of(user_id=user_id)


def is_platform_operator(*, user_id: uuid.UUID) -> bool:
    """Whether the user is a platform or finance admin (may open the Master UI); cached, so a page costs no query."""
    from azora.accounts import selectors

    return selectors.is_platform_operator(user_id=user_id)


def platform_operator_ips(*, since: datetime) -> dict[uuid.UUID, frozenset[str]]:
    """Each active platform admin's session addresses seen since `since` (Aegis refuses a deny rule that would
    lock them all out)."""
    from azora.accounts import selectors

    return selectors.platform_operator_ips(since=since)


def platform_role_grant(*, user_id: uuid.UUID, role: str, actor_id: uuid.UUID | None = None) -> None:
    """Grants a platform role (publishes PlatformRoleChanged when it was not held); `actor_id` is the operator."""
    from azora.accounts import services

    services.platform_role_grant(user_id=user_id, role=role, actor_id=actor_id)


def platform_role_revoke(*, user_id: uuid.UUID, role: str, actor_id: uuid.UUID | None = None) -> None:
    """Revokes a platform role; LastPlatformAdmin or OperatorActionOnSelf refuse losing the last admin."""
    from azora.accounts import services

    services.platform_role_revoke(user_id=user_id, role=role, actor_id=actor_id)


def user_search_for_operator(
    *, query: str = "", role: str | None = None, cursor: str | None = None, limit: int | None = None
) -> Page[OperatorUserView]:
    """Operators' user search by email or name (newest first), optionally only holders of `role`."""
    from azora.accounts import selectors

    return selectors.user_search_for_operator(query=query, role=role, cursor=cursor, limit=limit)


def operator_user_get(*, user_id: uuid.UUID) -> OperatorUserView:
    from azora.accounts import selectors

    return selectors.operator_user_get(user_id=user_id)


def user_counts(*, active_since: datetime) -> UserCounts:
    from azora.accounts import selectors

    return selectors.user_counts(active_since=active_since)


def users_joined_by_day(*, days: int, today: date) -> list[tuple[date, int]]:
    from azora.accounts import selectors

    return selectors.users_joined_by_day(days=days, today=today)


def user_suspend(*, actor_id: uuid.UUID, user_id: uuid.UUID, reason: str) -> bool:
    """Suspends the user (no sign-in, sessions ended, API keys refused); publishes UserSuspended.

    False when already suspended. Raises OperatorReasonRequired, OperatorActionOnSelf, LastPlatformAdmin.
    """
    from azora.accounts import services

    return services.user_suspend(actor_id=actor_id, user_id=user_id, reason=reason)


def user_reactivate(*, actor_id: uuid.UUID, user_id: uuid.UUID, reason: str) -> bool:
    from azora.accounts import services

    return services.user_reactivate(actor_id=actor_id, user_id=user_id, reason=reason)


def mfa_reset(*, actor_id: uuid.UUID, user_id: uuid.UUID, reason: str) -> int:
    """Removes the user's MFA authenticators (returns how many); publishes MfaReset."""
    from azora.accounts import services

    return services.mfa_reset(actor_id=actor_id, user_id=user_id, reason=reason)


def organisation_role_of(*, user_id: uuid.UUID, organisation_id: uuid.UUID) -> str | None:
    from azora.accounts import selectors

    return selectors.organisation_role_of(user_id=user_id, organisation_id=organisation_id)


def require_organisation_role(*, principal: Principal, organisation_id: uuid.UUID, roles: Collection[str]) -> None:
    """Raise NotFound when the caller is outside the organisation, PermissionDenied when inside without a role.

    An outsider gets NotFound so that another tenant's objects look the same whether they exist or not.
    An organisation key acts inside its own organisation with the `admin` role.
    """
    from azora.accounts import selectors

    selectors.require_organisation_role(principal=principal, organisation_id=organisation_id, roles=roles)


def user_profile(*, user_id: uuid.UUID) -> UserProfile:
    from azora.accounts import selectors

    return selectors.user_profile(user_id=user_id)


def user_profiles(*, user_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, UserProfile]:
    """Many users' profiles by id in one query; unknown or inactive ids are left out (lists of people's names)."""
    from azora.accounts import selectors

    return selectors.user_profiles(user_ids=user_ids)


def own_profile(*, user_id: uuid.UUID) -> OwnProfile:
    """The person's own profile with their date of birth, to show it back to them (never to anyone else)."""
    from azora.accounts import selectors

    return selectors.own_profile(user_id=user_id)


def user_is_minor(*, user_id: uuid.UUID | None, today: date | None = None) -> bool:
    """Whether the user is under 18 on `today` (default: today in the user's own time zone).

    False when it is not known: no user, an unknown user, or no date of birth given. A person is an adult from
    their 18th birthday on; one born on 29 February turns 18 on 1 March in a year without 29 February.
    """
    from azora.accounts import selectors

    return selectors.user_is_minor(user_id=user_id, today=today)


def active_user_id_by_email(*, email: str) -> uuid.UUID | None:
    """The id of the active user with this email address (case-insensitive), or None."""
    from azora.accounts import selectors

    return selectors.active_user_id_by_email(email=email)


def user_verified_emails(*, user_id: uuid.UUID) -> tuple[str, ...]:
    """The user's verified email addresses, lower-cased (student pricing trusts only these)."""
    from azora.accounts import selectors

    return selectors.user_verified_emails(user_id=user_id)


def user_update_profile(*, user_id: uuid.UUID, **fields: Any) -> UserProfile:
    from azora.accounts import services

    return services.user_update_profile(user_id=user_id, **fields)


def organisation_list_for_user(*, user_id: uuid.UUID) -> list[OrganisationSummary]:
    from azora.accounts import selectors

    return selectors.organisation_list_for_user(user_id=user_id)


def organisation_get(*, principal: Principal, organisation_id: uuid.UUID) -> OrganisationSummary:
    from azora.accounts import selectors

    return selectors.organisation_get(principal=principal, organisation_id=organisation_id)


def organisation_create(*, user_id: uuid.UUID, name: str, slug: str | None = None) -> OrganisationSummary:
    from azora.accounts import services

    return services.organisation_create(user_id=user_id, name=name, slug=slug)


def invitation_create(
    *, actor_user_id: uuid.UUID, organisation_id: uuid.UUID, email: str, role: str
) -> InvitationCreated:
    from azora.accounts import services

    return services.invitation_create(
        principal=principal_for_user(user_id=actor_user_id), organisation_id=organisation_id, email=email, role=role
    )


def invitation_accept(*, user_id: uuid.UUID, token: str) -> MembershipSummary:
    from azora.accounts import services

    return services.invitation_accept(user_id=user_id, token=token)


def membership_list(*, principal: Principal, organisation_id: uuid.UUID) -> list[MembershipSummary]:
    from azora.accounts import selectors

    return selectors.membership_list(principal=principal, organisation_id=organisation_id)


def membership_update(
    *, principal: Principal, organisation_id: uuid.UUID, membership_id: uuid.UUID, role: str
) -> MembershipSummary:
    from azora.accounts import services

    return services.membership_update(
        principal=principal, organisation_id=organisation_id, membership_id=membership_id, role=role
    )


def membership_delete(*, principal: Principal, organisation_id: uuid.UUID, membership_id: uuid.UUID) -> None:
    from azora.accounts import services

    services.membership_delete(principal=principal, organisation_id=organisation_id, membership_id=membership_id)


def api_key_create(
    *,
    principal: Principal,
    name: str,
    scopes: Collection[str],
    organisation_id: uuid.UUID | None = None,
    expires_at: datetime | None = None,
) -> ApiKeyCreated:
    from azora.accounts import services

    return services.api_key_create(
        principal=principal, name=name, scopes=scopes, organisation_id=organisation_id, expires_at=expires_at
    )


def api_key_list(*, principal: Principal, organisation_id: uuid.UUID | None = None) -> list[ApiKeySummary]:
    from azora.accounts import selectors

    return selectors.api_key_list(principal=principal, organisation_id=organisation_id)


def api_key_revoke(*, principal: Principal, api_key_id: uuid.UUID) -> None:
    from azora.accounts import services

    services.api_key_revoke(principal=principal, api_key_id=api_key_id)


# --- Data protection (Aegis registers these as the Auth Service's exporter, anonymiser and blocker) -----------


def user_data_export(*, user_id: uuid.UUID) -> dict[str, Any]:
    """Everything the Auth Service holds about the user, JSON-ready (for the user's data export)."""
    from azora.accounts import privacy

    return privacy.user_data_export(user_id=user_id)


def user_anonymise(*, user_id: uuid.UUID) -> None:
    """Replaces the user's personal data, ends their sessions, revokes their keys (in the caller's transaction)."""
    from azora.accounts import privacy

    privacy.user_anonymise(user_id=user_id)


def user_deletion_blocker(*, user_id: uuid.UUID) -> str | None:
    """Why the account cannot be deleted now (the only owner of an organisation with other members), or None."""
    from azora.accounts import privacy

    return privacy.user_deletion_blocker(user_id=user_id)
