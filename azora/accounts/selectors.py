"""The Auth Service's read side: profiles, roles, organisations, memberships and API keys, scoped to the caller."""

from __future__ import annotations

import uuid
import zoneinfo
from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

import structlog
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from azora.accounts import ages
from azora.accounts.errors import OrganisationRoleRequired
from azora.accounts.models import ApiKey, Membership, Organisation, PlatformRole, PlatformRoleGrant, User
from azora.accounts.public import (
    ApiKeySummary,
    MembershipSummary,
    OperatorUserView,
    OrganisationSummary,
    OwnProfile,
    Principal,
    UserCounts,
    UserProfile,
)
from azora.shared.compiled import CompiledQuery
from azora.shared.errors import NotFound
from azora.shared.pagination import Page, paginate_queryset

logger = structlog.get_logger(__name__)

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


def platform_operator_ips(*, since: datetime) -> dict[uuid.UUID, frozenset[str]]:
    """Each active platform admin's addresses seen in their sessions since `since` (an admin with none maps to
    an empty set)."""
    from allauth.usersessions.models import UserSession

    admins = PlatformRoleGrant.objects.filter(role=PlatformRole.PLATFORM_ADMIN, user__is_active=True).values_list(
        "user_id", flat=True
    )
    found: dict[uuid.UUID, set[str]] = {admin_id: set() for admin_id in admins}
    sessions = UserSession.objects.filter(user_id__in=list(found), last_seen_at__gte=since).values_list("user_id", "ip")
    for user_id, ip in sessions:
        found[user_id].add(ip)
    return {admin_id: frozenset(ips) for admin_id, ips in found.items()}


_PLATFORM_ROLE = CompiledQuery(
    "platform role of a user",
    lambda *, user, role: PlatformRoleGrant.objects.filter(user_id=user, role=role).values("id")[:1],
)


def user_has_platform_role(*, user_id: uuid.UUID, role: str) -> bool:
    """Whether the user holds the platform role (a permission check on hot pages: compiled once per thread)."""
    return bool(_PLATFORM_ROLE.run(user=user_id, role=role))


# The UserProfile fields read from the user's row (its platform roles come from the joined grants).
_PROFILE_COLUMNS = (
    "id", "email", "display_name", "preferred_language", "country", "time_zone", "date_joined", "is_staff",
)  # fmt: skip


_PROFILE_ROWS = CompiledQuery(
    "profile of a user",
    lambda *extra, user: User.objects.filter(id=user, is_active=True).values(
        *_PROFILE_COLUMNS, *extra, "platform_roles__role"
    ),
)


def _profile_rows(user_id: uuid.UUID, *extra: str) -> list[tuple[Any, ...]]:
    """One row per platform role (LEFT JOIN; one row with a NULL role for a user without any): profile columns,
    then `extra` columns, then the role. Compiled once per thread: it runs on every `GET /me` and most pages."""
    rows = [tuple(row.values()) for row in _PROFILE_ROWS.run(extra, user=user_id)]
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


# Every governed AI chat asks (the constitution's profile): compiled once per thread.
_BIRTH = CompiledQuery(
    "birth date of a user", lambda *, user: User.objects.filter(id=user).values("date_of_birth", "time_zone")[:1]
)


def user_is_minor(*, user_id: uuid.UUID | None, today: date | None = None) -> bool:
    """Under 18 on `today` (default: today in the user's time zone); False when the user or the date is unknown."""
    if user_id is None:
        return False
    rows = _BIRTH.run(user=user_id)
    if not rows:
        return False
    date_of_birth, time_zone = rows[0]["date_of_birth"], rows[0]["time_zone"]
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


def _organisation_role_query(*, user: Any, organisation: Any) -> QuerySet[Membership, Any]:
    rows: QuerySet[Membership, Any] = Membership.objects.filter(user_id=user, organisation_id=organisation).values(
        "role"
    )[:1]
    return rows


_ORGANISATION_ROLE = CompiledQuery("organisation role of a user", _organisation_role_query)


def organisation_role_of(*, user_id: uuid.UUID, organisation_id: uuid.UUID) -> str | None:
    """The user's role in the organisation (one membership per pair), or None; compiled once per thread."""
    # Callers may pass ids as text (a form's value), as the ORM accepted them: CompiledQuery takes both.
    rows = _ORGANISATION_ROLE.run(user=user_id, organisation=organisation_id)
    return str(rows[0]["role"]) if rows else None


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


# --- Operators' view of users --------------------------------------------------------------------

OPERATOR_SEARCH_MAX_LENGTH = 120


def _operator_user_views(users: list[User]) -> list[OperatorUserView]:
    """Views of `users` with their roles (prefetched) and MFA state (one query for the whole list)."""
    from allauth.mfa.models import Authenticator

    # Recovery codes alone are no second factor; a TOTP app or a security key is.
    with_mfa = set(
        Authenticator.objects.filter(user_id__in=[user.id for user in users])
        .exclude(type=Authenticator.Type.RECOVERY_CODES)
        .values_list("user_id", flat=True)
    )
    return [
        OperatorUserView(
            id=user.id,
            email=user.email,
            display_name=user.display_name,
            is_active=user.is_active,
            platform_roles=frozenset(grant.role for grant in user.platform_roles.all()),
            has_mfa=user.id in with_mfa,
            date_joined=user.date_joined,
            last_login=user.last_login,
        )
        for user in users
    ]


def user_search_for_operator(
    *, query: str = "", role: str | None = None, cursor: str | None = None, limit: int | None = None
) -> Page[OperatorUserView]:
    """Users whose email or display name contains `query` (all users when empty), optionally holding `role`;
    newest first, with their platform roles and whether they have MFA (three queries per page)."""
    users = User.objects.all()
    text = (query or "").strip()[:OPERATOR_SEARCH_MAX_LENGTH]
    if text:
        users = users.filter(Q(email__icontains=text) | Q(display_name__icontains=text))
    if role:
        users = users.filter(platform_roles__role=role)
    page = paginate_queryset(
        users.prefetch_related("platform_roles"), cursor=cursor, limit=limit, to_item=lambda user: user,
        ordering=("-id",),
    )  # fmt: skip
    return Page(items=_operator_user_views(page.items), next_cursor=page.next_cursor)


def operator_user_get(*, user_id: uuid.UUID) -> OperatorUserView:
    user = User.objects.prefetch_related("platform_roles").filter(id=user_id).first()
    if user is None:
        raise NotFound()
    return _operator_user_views([user])[0]


def user_counts(*, active_since: datetime) -> UserCounts:
    """How many people have an active account, and how many of them signed in or were seen since `active_since`."""
    from allauth.usersessions.models import UserSession

    active_users = User.objects.filter(is_active=True)
    seen = set(
        UserSession.objects.filter(last_seen_at__gte=active_since, user__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )
    seen.update(active_users.filter(last_login__gte=active_since).values_list("id", flat=True))
    suspended = User.objects.filter(is_active=False).count()
    return UserCounts(total=active_users.count(), active=len(seen), suspended=suspended)


def users_joined_by_day(*, days: int, today: date) -> list[tuple[date, int]]:
    """New accounts per UTC day for the last `days` days, oldest first, zero days included."""
    first = today - timedelta(days=days - 1)
    start = datetime.combine(first, time.min, tzinfo=UTC)
    counted = dict(
        User.objects.filter(date_joined__gte=start)
        .annotate(day=TruncDate("date_joined", tzinfo=UTC))
        .values("day")
        .annotate(joined=Count("id"))
        .values_list("day", "joined")
    )
    return [(first + timedelta(days=offset), counted.get(first + timedelta(days=offset), 0)) for offset in range(days)]


# Whether someone may open the Master UI is asked on every page the shell draws for a signed-in person (its menu
# link); the answer is kept in the cache so that drawing a page costs no query. Granting or revoking a role
# forgets it at once; the lifetime only bounds what a lost invalidation could leave behind.
OPERATOR_FLAG_SECONDS = 300
OPERATOR_ROLES = (PlatformRole.PLATFORM_ADMIN, PlatformRole.FINANCE_ADMIN)


def _operator_flag_key(user_id: uuid.UUID) -> str:
    return f"accounts:operator:{user_id}"


def is_platform_operator(*, user_id: uuid.UUID) -> bool:
    """Whether the user holds platform_admin or finance_admin (cached; a cache outage falls back to the query)."""
    key = _operator_flag_key(user_id)
    try:
        cached = cache.get(key)
    except Exception:  # a cache outage must not break page rendering; the query answers instead
        logger.warning("operator_flag_unreadable", exc_info=True)
        cached = None
    if cached is not None:
        return bool(cached)
    answer = PlatformRoleGrant.objects.filter(user_id=user_id, role__in=OPERATOR_ROLES).exists()
    try:
        cache.set(key, answer, OPERATOR_FLAG_SECONDS)
    except Exception:  # as above: remembering the answer is an optimisation only
        logger.warning("operator_flag_not_cached", exc_info=True)
    return answer


def forget_operator_flag(*, user_id: uuid.UUID) -> None:
    try:
        cache.delete(_operator_flag_key(user_id))
    except Exception:  # the flag then expires on its own within OPERATOR_FLAG_SECONDS
        logger.warning("operator_flag_not_forgotten", exc_info=True)
