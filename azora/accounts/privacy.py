"""The Auth Service's part of data protection: what it holds about a user (for their export), how that is
anonymised on an approved deletion, and what stands in the way of one.

Aegis sits above accounts, so this module registers nothing itself: accounts.public exposes these functions and
Aegis registers them (docs/decisions/0021). The user row stays (other apps' records point at it, financial ones
for years), holding no personal data once anonymised: a placeholder address, no name, no password, inactive.
"""

from __future__ import annotations

import uuid
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from azora.accounts.models import (
    ApiKey,
    Invitation,
    Membership,
    OrganisationRole,
    PlatformRoleGrant,
    User,
)

# An address that can never receive mail (RFC 2606 reserves .invalid), unique per user.
ANONYMOUS_EMAIL_DOMAIN = "deleted.invalid"


def anonymous_email(user_id: uuid.UUID) -> str:
    return f"deleted-{user_id.hex}@{ANONYMOUS_EMAIL_DOMAIN}"


def user_data_export(*, user_id: uuid.UUID) -> dict[str, Any]:
    """The profile, addresses, sign-in methods (never a secret), organisations, roles, API keys and sessions."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return {}
    return {
        "profile": {
            "email": user.email,
            "display_name": user.display_name,
            "preferred_language": user.preferred_language,
            "country": user.country,
            "time_zone": user.time_zone,
            "date_of_birth": user.date_of_birth,
            "date_joined": user.date_joined,
            "is_active": user.is_active,
        },
        "email_addresses": [
            {"email": row.email, "verified": row.verified, "primary": row.primary}
            for row in EmailAddress.objects.filter(user_id=user_id).order_by("email")
        ],
        "sign_in_methods": [
            {"provider": row.provider, "joined": row.date_joined}
            for row in SocialAccount.objects.filter(user_id=user_id).order_by("provider")
        ],
        "second_factors": [
            {"type": row.type, "created_at": row.created_at, "last_used_at": row.last_used_at}
            for row in Authenticator.objects.filter(user_id=user_id).order_by("type")
        ],
        "platform_roles": sorted(PlatformRoleGrant.objects.filter(user_id=user_id).values_list("role", flat=True)),
        "organisations": [
            {"organisation": row.organisation.name, "role": row.role, "joined": row.created_at}
            for row in Membership.objects.filter(user_id=user_id).select_related("organisation").order_by("created_at")
        ],
        "api_keys": [
            {
                "name": row.name,
                "prefix": row.prefix,
                "scopes": row.scopes,
                "created_at": row.created_at,
                "last_used_at": row.last_used_at,
                "revoked_at": row.revoked_at,
            }
            for row in ApiKey.objects.filter(user_id=user_id).order_by("created_at")
        ],
        "sessions": [
            {"ip": row.ip, "user_agent": row.user_agent, "started": row.created_at, "last_seen": row.last_seen_at}
            for row in UserSession.objects.filter(user_id=user_id).order_by("created_at")
        ],
    }


def user_deletion_blocker(*, user_id: uuid.UUID) -> str | None:
    """An organisation whose only owner is this user, while others belong to it, would be left without one."""
    owned = (
        Membership.objects.filter(user_id=user_id, role=OrganisationRole.OWNER)
        .annotate(
            owners=Count("organisation__memberships", filter=Q(organisation__memberships__role=OrganisationRole.OWNER)),
            members=Count("organisation__memberships"),
        )
        .filter(owners=1, members__gt=1)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    names = [membership.organisation.name for membership in owned]
    if not names:
        return None
    return _("You are the only owner of %(organisations)s: make another member an owner first.") % {
        "organisations": ", ".join(names)
    }


def user_anonymise(*, user_id: uuid.UUID) -> None:
    """In the caller's transaction: personal fields replaced, sign-in methods and roles removed, API keys
    revoked and nameless, memberships and invitations to the address gone; sessions end after commit."""
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        return
    old_email = user.email
    now = timezone.now()
    _anonymise_user_row(user)
    EmailAddress.objects.filter(user_id=user_id).delete()
    SocialAccount.objects.filter(user_id=user_id).delete()
    Authenticator.objects.filter(user_id=user_id).delete()
    PlatformRoleGrant.objects.filter(user_id=user_id).delete()
    ApiKey.objects.filter(user_id=user_id, revoked_at__isnull=True).update(revoked_at=now)
    ApiKey.objects.filter(user_id=user_id).update(name="")
    Membership.objects.filter(user_id=user_id).delete()
    Invitation.objects.filter(email__iexact=old_email, accepted_at__isnull=True).delete()
    transaction.on_commit(lambda: _end_sessions(user_id))


def _anonymise_user_row(user: User) -> None:
    user.email = anonymous_email(user.pk)
    user.display_name = ""
    user.country = ""
    user.time_zone = "UTC"
    user.date_of_birth = None
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.save()


def _end_sessions(user_id: uuid.UUID) -> None:
    for session in UserSession.objects.filter(user_id=user_id):
        session.end()  # deletes the session data from its store and the row
