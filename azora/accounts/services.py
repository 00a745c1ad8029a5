"""The Auth Service's write side: sign-up, profiles, platform roles, organisations, invitations and API keys."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string
import uuid
import zoneinfo
from collections.abc import Collection
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from azora.accounts import ages, events
from azora.accounts.countries import COUNTRY_CODES
from azora.accounts.errors import (
    AlreadyMember,
    ApiKeyInvalid,
    InsufficientScope,
    InvitationAlreadyUsed,
    InvitationEmailMismatch,
    InvitationExpired,
    InvitationInvalid,
    InvitationNotFound,
    InvitationRevoked,
    LastOwner,
    LastPlatformAdmin,
    OperatorActionOnSelf,
    OperatorReasonRequired,
    OrganisationInvalid,
    OrganisationRoleRequired,
    OrganisationSlugTaken,
    PlatformRoleInvalid,
    ProfileInvalid,
    UserPrincipalRequired,
)
from azora.accounts.models import (
    ApiKey,
    Invitation,
    Membership,
    Organisation,
    OrganisationRole,
    PlatformRole,
    PlatformRoleGrant,
    User,
)
from azora.accounts.public import (
    API_KEY_SCOPES,
    ORGANISATION_MANAGER_ROLES,
    ApiKeyCreated,
    InvitationCreated,
    MembershipSummary,
    OrganisationSummary,
    Principal,
    UserProfile,
)
from azora.accounts.selectors import (
    acting_role,
    forget_operator_flag,
    platform_roles_of,
    require_organisation_role,
    to_api_key_summary,
    to_membership_summary,
    to_organisation_summary,
    to_user_profile,
)
from azora.shared.errors import NotFound, ValidationFailed
from azora.shared.events import publish

INVITATION_LIFETIME = timedelta(days=7)
API_KEY_PREFIX = "azk_"
API_KEY_PREFIX_LENGTH = 12
API_KEY_PREFIX_ALPHABET = string.ascii_letters + string.digits
# last_used_at is written at most once per this interval per key, so a busy key costs no write per request.
API_KEY_LAST_USED_RESOLUTION = timedelta(minutes=1)
DISPLAY_NAME_MAX_LENGTH = 120
ORGANISATION_NAME_MAX_LENGTH = 160
ORGANISATION_SLUG_MAX_LENGTH = 80
API_KEY_NAME_MAX_LENGTH = 120
# Keys that must outlive this should simply not expire; the bound also keeps dates far from the calendar's end.
API_KEY_MAX_LIFETIME = timedelta(days=3653)
_SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PROFILE_FIELDS = frozenset({"display_name", "preferred_language", "country", "time_zone", "date_of_birth"})


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _has_control_characters(text: str) -> bool:
    # Names are shown to people and stored as text; NUL in particular is refused by PostgreSQL.
    return any(not character.isprintable() for character in text)


def _field_error(error_class: type[ValidationFailed], field: str, message: str) -> ValidationFailed:
    """A validation error that names the offending field, in the shape the API edge uses for schema errors."""
    return error_class(message, extra={"errors": [{"field": field, "message": message}]})


# --- Users ---------------------------------------------------------------------------------------


def user_onboard(*, user_id: uuid.UUID) -> None:
    """What every new account gets, however it signed up: the `learner` role and a UserSignedUp event."""
    with transaction.atomic():
        PlatformRoleGrant.objects.get_or_create(user_id=user_id, role=PlatformRole.LEARNER)
        publish(events.UserSignedUp(user_id=user_id))


def user_create(
    *, email: str, password: str | None = None, display_name: str = "", is_staff: bool = False
) -> uuid.UUID:
    """Create an account outside allauth's sign-up (demo data, operators); it is onboarded like any other."""
    with transaction.atomic():
        user = User.objects.create_user(email=email, password=password, display_name=display_name, is_staff=is_staff)
        user_onboard(user_id=user.id)
    return user.id


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _clean_date_of_birth(value: Any) -> date | None:
    """None (not given, or cleared), or a real date between OLDEST_AGE years ago and today (UTC)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise _field_error(ProfileInvalid, "date_of_birth", _("Enter a date as YYYY-MM-DD.")) from None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise _field_error(ProfileInvalid, "date_of_birth", _("Enter a date as YYYY-MM-DD."))
    today = timezone.now().astimezone(UTC).date()
    if value > today:
        raise _field_error(ProfileInvalid, "date_of_birth", _("A date of birth cannot be in the future."))
    if ages.age_on(value, today) >= ages.OLDEST_AGE:
        raise _field_error(
            ProfileInvalid, "date_of_birth", _("Enter a date of birth less than %d years ago.") % ages.OLDEST_AGE
        )
    return value


def _clean_profile_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(fields) - PROFILE_FIELDS)
    if unknown:
        raise _field_error(ProfileInvalid, unknown[0], _("This field cannot be changed."))
    cleaned: dict[str, Any] = {}
    if "date_of_birth" in fields:
        fields = dict(fields)
        cleaned["date_of_birth"] = _clean_date_of_birth(fields.pop("date_of_birth"))
    for field, value in fields.items():
        if not isinstance(value, str):
            raise _field_error(ProfileInvalid, field, _("Must be text."))
        cleaned[field] = value.strip()
    if "display_name" in cleaned:
        name = cleaned["display_name"]
        if len(name) > DISPLAY_NAME_MAX_LENGTH:
            raise _field_error(ProfileInvalid, "display_name", _("At most %d characters.") % DISPLAY_NAME_MAX_LENGTH)
        if _has_control_characters(name):
            raise _field_error(ProfileInvalid, "display_name", _("Must not contain control characters."))
    if "preferred_language" in cleaned and cleaned["preferred_language"] not in dict(settings.LANGUAGES):
        raise _field_error(ProfileInvalid, "preferred_language", _("Not a language Azora offers."))
    if "country" in cleaned:
        cleaned["country"] = cleaned["country"].upper()
        if cleaned["country"] and cleaned["country"] not in COUNTRY_CODES:
            raise _field_error(ProfileInvalid, "country", _("Not an ISO 3166-1 alpha-2 country code."))
    if "time_zone" in cleaned and cleaned["time_zone"] not in _time_zones():
        raise _field_error(ProfileInvalid, "time_zone", _("Not a known IANA time zone."))
    return cleaned


def user_update_profile(*, user_id: uuid.UUID, **fields: Any) -> UserProfile:
    """Change any of display_name, preferred_language, country (alpha-2, blank clears), time_zone and
    date_of_birth (a date, None clears it)."""
    cleaned = _clean_profile_fields(fields)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(id=user_id, is_active=True).first()
        if user is None:
            raise NotFound()
        for field, value in cleaned.items():
            setattr(user, field, value)
        if cleaned:
            user.save(update_fields=[*cleaned, "updated_at"])
    return to_user_profile(user, platform_roles=platform_roles_of(user_id=user_id))


# --- Platform roles ------------------------------------------------------------------------------


def _check_platform_role(role: str) -> None:
    if role not in PlatformRole.values:
        raise PlatformRoleInvalid(extra={"errors": [{"field": "role", "message": str(PlatformRoleInvalid.title)}]})


def platform_role_grant(*, user_id: uuid.UUID, role: str, actor_id: uuid.UUID | None = None) -> None:
    """Give the user a platform role; granting one already held changes nothing and publishes nothing.

    `actor_id` is the operator who granted it (None for set-up and demo data); PlatformRoleChanged carries it.
    """
    _check_platform_role(role)
    with transaction.atomic():
        if not User.objects.filter(id=user_id).exists():
            raise NotFound()
        _, created = PlatformRoleGrant.objects.get_or_create(user_id=user_id, role=role)
        if created:
            publish(events.PlatformRoleChanged(user_id=user_id, role=role, granted=True, actor_id=actor_id))
    forget_operator_flag(user_id=user_id)


def platform_role_revoke(*, user_id: uuid.UUID, role: str, actor_id: uuid.UUID | None = None) -> None:
    """Take a platform role away; revoking one not held changes nothing.

    Refuses (nothing changes) an operator taking platform_admin from themselves, and taking it from the last
    active platform admin, so the platform always keeps someone who can run it.
    """
    _check_platform_role(role)
    with transaction.atomic():
        if role == PlatformRole.PLATFORM_ADMIN:
            if actor_id is not None and actor_id == user_id:
                raise OperatorActionOnSelf()
            _refuse_losing_last_admin(user_id)
        deleted, _ = PlatformRoleGrant.objects.filter(user_id=user_id, role=role).delete()
        if deleted:
            publish(events.PlatformRoleChanged(user_id=user_id, role=role, granted=False, actor_id=actor_id))
    forget_operator_flag(user_id=user_id)


# --- Operator actions on users --------------------------------------------------------------------

OPERATOR_REASON_MAX_LENGTH = 500


def _clean_reason(reason: str) -> str:
    cleaned = (reason or "").strip()
    if not cleaned:
        raise _field_error(OperatorReasonRequired, "reason", _("Give a reason; it is kept in the audit trail."))
    if len(cleaned) > OPERATOR_REASON_MAX_LENGTH or _has_control_characters(cleaned):
        raise _field_error(
            OperatorReasonRequired,
            "reason",
            _("Keep the reason to one line of at most %(count)d characters.") % {"count": OPERATOR_REASON_MAX_LENGTH},
        )
    return cleaned


def _refuse_losing_last_admin(user_id: uuid.UUID) -> None:
    """Raises LastPlatformAdmin when `user_id` is the only active platform admin.

    The admins' grant rows are locked (in a fixed order) so two operators demoting each other at the same time
    cannot both succeed and leave nobody.
    """
    admin_ids = list(
        PlatformRoleGrant.objects.select_for_update()
        .filter(role=PlatformRole.PLATFORM_ADMIN, user__is_active=True)
        .order_by("pk")
        .values_list("user_id", flat=True)
    )
    if user_id in admin_ids and len(admin_ids) == 1:
        raise LastPlatformAdmin()


def _locked_user(user_id: uuid.UUID) -> User:
    user = User.objects.select_for_update().filter(id=user_id).first()
    if user is None:
        raise NotFound(_("No such user."))
    return user


def _end_sessions(user_id: uuid.UUID) -> int:
    """Ends every browser session of the user (allauth's user sessions also delete the session data)."""
    from allauth.usersessions.models import UserSession

    sessions = list(UserSession.objects.filter(user_id=user_id))
    for session in sessions:
        session.end()
    return len(sessions)


def user_suspend(*, actor_id: uuid.UUID, user_id: uuid.UUID, reason: str) -> bool:
    """Suspends a user: they cannot sign in, their sessions end and their API keys stop working.

    Returns False (and publishes nothing) when the user was already suspended. Refuses an operator
    suspending themselves and suspending the last active platform admin; nothing changes then.
    """
    cleaned = _clean_reason(reason)
    if actor_id == user_id:
        raise OperatorActionOnSelf()
    with transaction.atomic():
        user = _locked_user(user_id)
        if not user.is_active:
            return False
        _refuse_losing_last_admin(user_id)
        user.is_active = False
        user.save(update_fields=["is_active", "updated_at"])
        publish(events.UserSuspended(user_id=user_id, actor_id=actor_id, reason=cleaned))
        _end_sessions(user_id)
    return True


def user_reactivate(*, actor_id: uuid.UUID, user_id: uuid.UUID, reason: str) -> bool:
    """Lets a suspended user sign in again; False (nothing published) when they were not suspended."""
    cleaned = _clean_reason(reason)
    with transaction.atomic():
        user = _locked_user(user_id)
        if user.is_active:
            return False
        user.is_active = True
        user.save(update_fields=["is_active", "updated_at"])
        publish(events.UserReactivated(user_id=user_id, actor_id=actor_id, reason=cleaned))
    return True


def mfa_reset(*, actor_id: uuid.UUID, user_id: uuid.UUID, reason: str) -> int:
    """Removes every MFA authenticator of the user (a lost phone); returns how many were removed.

    Published (MfaReset) even when there was none, so the operator's action is on the record either way.
    """
    from allauth.mfa.models import Authenticator

    cleaned = _clean_reason(reason)
    with transaction.atomic():
        _locked_user(user_id)
        removed, _ = Authenticator.objects.filter(user_id=user_id).delete()
        publish(events.MfaReset(user_id=user_id, actor_id=actor_id, reason=cleaned))
    return int(removed)


# --- Organisations -------------------------------------------------------------------------------


def _clean_organisation_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise _field_error(OrganisationInvalid, "name", _("A name is required."))
    if len(name) > ORGANISATION_NAME_MAX_LENGTH:
        raise _field_error(OrganisationInvalid, "name", _("At most %d characters.") % ORGANISATION_NAME_MAX_LENGTH)
    if _has_control_characters(name):
        raise _field_error(OrganisationInvalid, "name", _("Must not contain control characters."))
    return name


def _clean_slug(slug: str) -> str:
    slug = slug.strip().lower()
    if not _SLUG_PATTERN.match(slug) or len(slug) > ORGANISATION_SLUG_MAX_LENGTH:
        raise _field_error(
            OrganisationInvalid, "slug", _("Lowercase letters, digits and single hyphens, at most 80 characters.")
        )
    return slug


def _free_slug_from(name: str) -> str:
    """A slug derived from the name that no organisation uses yet: `name`, `name-2`, `name-3`, ..."""
    base = (slugify(name)[:60].strip("-") or "organisation").lower()
    taken = set(
        Organisation.objects.filter(Q(slug=base) | Q(slug__startswith=f"{base}-")).values_list("slug", flat=True)
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def organisation_create(*, user_id: uuid.UUID, name: str, slug: str | None = None) -> OrganisationSummary:
    """Create an organisation owned by its creator; a slug is derived from the name when none is given."""
    name = _clean_organisation_name(name)
    chosen_slug = _clean_slug(slug) if slug is not None else None
    with transaction.atomic():
        creator = User.objects.filter(id=user_id, is_active=True).first()
        if creator is None:
            raise NotFound()
        candidate = chosen_slug or _free_slug_from(name)
        try:
            with transaction.atomic():
                organisation = Organisation.objects.create(name=name, slug=candidate)
        except IntegrityError as error:
            if chosen_slug is not None:
                raise OrganisationSlugTaken(extra={"errors": [{"field": "slug"}]}) from error
            # Someone took the derived slug a moment ago: a random suffix cannot collide in practice.
            organisation = Organisation.objects.create(name=name, slug=f"{candidate[:70]}-{secrets.token_hex(3)}")
        publish(events.OrganisationCreated(organisation_id=organisation.id, created_by_user_id=user_id))
        _membership_add(organisation_id=organisation.id, user=creator, role=OrganisationRole.OWNER)
    return to_organisation_summary(organisation, role=OrganisationRole.OWNER)


# --- Invitations ---------------------------------------------------------------------------------


def _check_role(role: str, error_class: type[InvitationInvalid | OrganisationInvalid]) -> None:
    if role not in OrganisationRole.values:
        raise _field_error(error_class, "role", _("Not an organisation role."))


def _invitation_link(token: str) -> str:
    return f"{settings.AZORA_SITE_URL.rstrip('/')}/organisations/invitations/{token}/"


def _send_invitation_email(*, email: str, organisation_name: str, inviter: str, token: str) -> None:
    subject = _("You are invited to join %(organisation)s on Azora") % {"organisation": organisation_name}
    body = _(
        "%(inviter)s invited you to join %(organisation)s on Azora.\n\n"
        "Accept the invitation here (the link works for 7 days):\n%(link)s\n\n"
        "If you did not expect this invitation, you can ignore this email."
    ) % {"inviter": inviter, "organisation": organisation_name, "link": _invitation_link(token)}
    EmailMessage(subject=subject, body=body, to=[email]).send()


def invitation_create(*, principal: Principal, organisation_id: uuid.UUID, email: str, role: str) -> InvitationCreated:
    """Invite an email address into the organisation; the raw token is returned once and emailed after commit.

    Only owners and admins invite, and only owners invite owners. A new invitation withdraws any
    earlier pending one for the same address, so one link at a time works.
    """
    email = email.strip()
    try:
        validate_email(email)
    except Exception as error:
        raise _field_error(InvitationInvalid, "email", _("Enter a valid email address.")) from error
    _check_role(role, InvitationInvalid)
    with transaction.atomic():
        actor_role = require_organisation_role(
            principal=principal, organisation_id=organisation_id, roles=ORGANISATION_MANAGER_ROLES
        )
        if role == OrganisationRole.OWNER and actor_role != OrganisationRole.OWNER:
            raise OrganisationRoleRequired(_("Only an owner can invite another owner."))
        organisation = Organisation.objects.get(id=organisation_id)
        if Membership.objects.filter(organisation_id=organisation_id, user__email__iexact=email).exists():
            raise AlreadyMember()
        now = timezone.now()
        Invitation.objects.filter(
            organisation_id=organisation_id, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        token = secrets.token_urlsafe(32)
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=email,
            role=role,
            token_hash=_hash(token),
            invited_by_id=principal.user_id,
            expires_at=now + INVITATION_LIFETIME,
        )
        inviter = organisation.name
        if principal.user_id is not None:
            inviter = User.objects.get(id=principal.user_id).get_full_name()
        organisation_name = organisation.name
        # robust: a mail server that is down must not turn the committed invitation into an error
        # response; the failure is logged, and the inviter can send a new invitation.
        transaction.on_commit(
            lambda: _send_invitation_email(
                email=email, organisation_name=organisation_name, inviter=inviter, token=token
            ),
            robust=True,
        )
    return InvitationCreated(
        id=invitation.id,
        organisation_id=organisation_id,
        email=email,
        role=role,
        expires_at=invitation.expires_at,
        token=token,
    )


def _user_controls_email(user: User, email: str) -> bool:
    """The invited address is the user's primary address or one of their verified addresses."""
    from allauth.account.models import EmailAddress

    if user.email.lower() == email.lower():
        return True
    return bool(EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists())


def invitation_accept(*, user_id: uuid.UUID, token: str) -> MembershipSummary:
    """Join the organisation as the invited role; the token works once, for the invited address, for 7 days."""
    if not token or len(token) > 128:
        raise InvitationNotFound()
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().filter(token_hash=_hash(token)).first()
        if invitation is None:
            raise InvitationNotFound()
        if invitation.accepted_at is not None:
            raise InvitationAlreadyUsed()
        if invitation.revoked_at is not None:
            raise InvitationRevoked()
        if invitation.expires_at <= timezone.now():
            raise InvitationExpired()
        user = User.objects.filter(id=user_id, is_active=True).first()
        if user is None:
            raise NotFound()
        if not _user_controls_email(user, invitation.email):
            raise InvitationEmailMismatch()
        if Membership.objects.filter(organisation_id=invitation.organisation_id, user_id=user_id).exists():
            raise AlreadyMember()
        membership = _membership_add(organisation_id=invitation.organisation_id, user=user, role=invitation.role)
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    return to_membership_summary(membership)


def _membership_add(*, organisation_id: uuid.UUID, user: User, role: str) -> Membership:
    membership = Membership.objects.create(organisation_id=organisation_id, user=user, role=role)
    publish(
        events.MemberJoined(
            organisation_id=organisation_id, user_id=user.id, membership_id=membership.id, role=str(role)
        )
    )
    return membership


def membership_add(*, organisation_id: uuid.UUID, user_id: uuid.UUID, role: str) -> MembershipSummary:
    """Put a user straight into an organisation (operators, demo data); members normally join by invitation."""
    _check_role(role, OrganisationInvalid)
    with transaction.atomic():
        user = User.objects.filter(id=user_id, is_active=True).first()
        if user is None or not Organisation.objects.filter(id=organisation_id).exists():
            raise NotFound()
        if Membership.objects.filter(organisation_id=organisation_id, user_id=user_id).exists():
            raise AlreadyMember()
        membership = _membership_add(organisation_id=organisation_id, user=user, role=role)
    return to_membership_summary(membership)


# --- Memberships ---------------------------------------------------------------------------------


def _locked_membership(*, organisation_id: uuid.UUID, membership_id: uuid.UUID) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .select_related("user")
        .filter(id=membership_id, organisation_id=organisation_id)
        .first()
    )
    if membership is None:
        raise NotFound()
    return membership


def _lock_owners(organisation_id: uuid.UUID) -> int:
    """Lock the organisation's owner rows in a fixed order, so two owners cannot both step down at once."""
    owners = Membership.objects.select_for_update().filter(organisation_id=organisation_id, role=OrganisationRole.OWNER)
    return len(list(owners.order_by("pk").values_list("pk", flat=True)))


def _check_manager_may_touch(*, actor_role: str, target_role: str, new_role: str | None) -> None:
    if actor_role == OrganisationRole.OWNER:
        return
    if target_role == OrganisationRole.OWNER:
        raise OrganisationRoleRequired(_("Only an owner can change or remove an owner."))
    if new_role == OrganisationRole.OWNER:
        raise OrganisationRoleRequired(_("Only an owner can make someone an owner."))


def membership_update(
    *, principal: Principal, organisation_id: uuid.UUID, membership_id: uuid.UUID, role: str
) -> MembershipSummary:
    """Change a member's role: owners and admins only; admins never touch owners; the last owner stays."""
    _check_role(role, OrganisationInvalid)
    with transaction.atomic():
        actor_role = require_organisation_role(
            principal=principal, organisation_id=organisation_id, roles=ORGANISATION_MANAGER_ROLES
        )
        owner_count = _lock_owners(organisation_id)
        membership = _locked_membership(organisation_id=organisation_id, membership_id=membership_id)
        _check_manager_may_touch(actor_role=actor_role, target_role=membership.role, new_role=role)
        if membership.role == OrganisationRole.OWNER and role != OrganisationRole.OWNER and owner_count <= 1:
            raise LastOwner()
        if membership.role != role:
            membership.role = role
            membership.save(update_fields=["role", "updated_at"])
    return to_membership_summary(membership)


def membership_delete(*, principal: Principal, organisation_id: uuid.UUID, membership_id: uuid.UUID) -> None:
    """Remove a member (owners and admins), or leave (anyone, their own membership); the last owner stays."""
    with transaction.atomic():
        actor_role = acting_role(principal=principal, organisation_id=organisation_id)
        owner_count = _lock_owners(organisation_id)
        membership = _locked_membership(organisation_id=organisation_id, membership_id=membership_id)
        leaving = principal.user_id is not None and membership.user_id == principal.user_id
        if not leaving:
            if actor_role not in ORGANISATION_MANAGER_ROLES:
                raise OrganisationRoleRequired()
            _check_manager_may_touch(actor_role=actor_role, target_role=membership.role, new_role=None)
        if membership.role == OrganisationRole.OWNER and owner_count <= 1:
            raise LastOwner()
        membership.delete()


# --- API keys ------------------------------------------------------------------------------------


def _clean_scopes(principal: Principal, scopes: Collection[str]) -> list[str]:
    if isinstance(scopes, str) or not scopes:
        raise _field_error(ApiKeyInvalid, "scopes", _("Choose at least one scope."))
    unknown = sorted(set(scopes) - API_KEY_SCOPES)
    if unknown:
        raise _field_error(ApiKeyInvalid, "scopes", _("Unknown scope: %s.") % unknown[0])
    # A key can only hand on what its creator holds: no escalation through a key that mints keys.
    if principal.scopes is not None and not set(scopes) <= principal.scopes:
        raise InsufficientScope()
    return sorted(set(scopes))


def _new_raw_key() -> tuple[str, str]:
    prefix = "".join(secrets.choice(API_KEY_PREFIX_ALPHABET) for _unused in range(API_KEY_PREFIX_LENGTH))
    return prefix, f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"


def api_key_create(
    *,
    principal: Principal,
    name: str,
    scopes: Collection[str],
    organisation_id: uuid.UUID | None = None,
    expires_at: datetime | None = None,
) -> ApiKeyCreated:
    """A personal key (no organisation) or an organisation key (owners and admins); the raw key is shown once."""
    name = name.strip()
    if not name or len(name) > API_KEY_NAME_MAX_LENGTH or _has_control_characters(name):
        raise _field_error(
            ApiKeyInvalid,
            "name",
            _("A name of 1 to %d characters, without control characters.") % API_KEY_NAME_MAX_LENGTH,
        )
    cleaned_scopes = _clean_scopes(principal, scopes)
    if expires_at is not None and (
        timezone.is_naive(expires_at) or not timezone.now() < expires_at <= timezone.now() + API_KEY_MAX_LIFETIME
    ):
        raise _field_error(
            ApiKeyInvalid, "expires_at", _("Must be a future time with a time zone, at most ten years away.")
        )
    with transaction.atomic():
        if organisation_id is None:
            if principal.user_id is None:
                raise UserPrincipalRequired()
            if not User.objects.filter(id=principal.user_id, is_active=True).exists():
                raise NotFound()
        else:
            require_organisation_role(
                principal=principal, organisation_id=organisation_id, roles=ORGANISATION_MANAGER_ROLES
            )
        prefix, raw_key = _new_raw_key()
        api_key = ApiKey.objects.create(
            name=name,
            user_id=principal.user_id if organisation_id is None else None,
            organisation_id=organisation_id,
            created_by_id=principal.user_id,
            prefix=prefix,
            secret_hash=_hash(raw_key),
            scopes=cleaned_scopes,
            expires_at=expires_at,
        )
        publish(
            events.ApiKeyCreated(
                api_key_id=api_key.id, user_id=api_key.user_id, organisation_id=api_key.organisation_id
            )
        )
    return ApiKeyCreated(api_key=to_api_key_summary(api_key), key=raw_key)


def api_key_revoke(*, principal: Principal, api_key_id: uuid.UUID) -> None:
    """Revoke a key at once. Personal keys: their owner; organisation keys: the organisation's owners and admins."""
    with transaction.atomic():
        api_key = ApiKey.objects.select_for_update().filter(id=api_key_id, revoked_at__isnull=True).first()
        if api_key is None:
            raise NotFound()
        if api_key.organisation_id is not None:
            require_organisation_role(
                principal=principal, organisation_id=api_key.organisation_id, roles=ORGANISATION_MANAGER_ROLES
            )
        elif principal.user_id is None or api_key.user_id != principal.user_id:
            raise NotFound()
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at", "updated_at"])
        publish(
            events.ApiKeyRevoked(
                api_key_id=api_key.id, user_id=api_key.user_id, organisation_id=api_key.organisation_id
            )
        )


def _split_raw_key(raw_key: str) -> str | None:
    """The lookup prefix of a well-formed key, else None."""
    if not isinstance(raw_key, str) or not raw_key.startswith(API_KEY_PREFIX) or len(raw_key) > 256:
        return None
    body = raw_key[len(API_KEY_PREFIX) :]
    prefix = body[:API_KEY_PREFIX_LENGTH]
    separator, secret = body[API_KEY_PREFIX_LENGTH : API_KEY_PREFIX_LENGTH + 1], body[API_KEY_PREFIX_LENGTH + 1 :]
    if separator != "_" or not secret or any(character not in API_KEY_PREFIX_ALPHABET for character in prefix):
        return None
    if len(prefix) != API_KEY_PREFIX_LENGTH:
        return None
    return prefix


def api_key_authenticate(*, raw_key: str) -> Principal | None:
    """The principal of a presented key, or None; records when the key was last used (minute resolution)."""
    prefix = _split_raw_key(raw_key)
    if prefix is None:
        return None
    api_key = ApiKey.objects.select_related("user").filter(prefix=prefix).first()
    if api_key is None or not hmac.compare_digest(api_key.secret_hash, _hash(raw_key)):
        return None
    now = timezone.now()
    if api_key.revoked_at is not None or (api_key.expires_at is not None and api_key.expires_at <= now):
        return None
    if api_key.user is not None and not api_key.user.is_active:
        return None
    if api_key.last_used_at is None or api_key.last_used_at <= now - API_KEY_LAST_USED_RESOLUTION:
        # Conditional, so concurrent requests in the same minute still write once.
        ApiKey.objects.filter(id=api_key.id).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - API_KEY_LAST_USED_RESOLUTION)
        ).update(last_used_at=now)
    return Principal(
        via="api_key",
        user_id=api_key.user_id,
        organisation_id=api_key.organisation_id,
        api_key_id=api_key.id,
        scopes=frozenset(api_key.scopes),
    )
