"""Demo accounts for the embedded platform: a learner, an instructor, an operator and one organisation."""

from __future__ import annotations

from django.db import transaction

from azora.accounts import services
from azora.accounts.models import Membership, Organisation, OrganisationRole, PlatformRole, User

DEMO_PASSWORD = "azora-demo-password"  # noqa: S105 -- a published demo password, documented in README
DEMO_ORGANISATION_NAME = "Ubuntu Academy"
DEMO_ORGANISATION_SLUG = "ubuntu-academy"

# (email, display name, extra platform roles, is_staff, role in the demo organisation)
DEMO_USERS: tuple[tuple[str, str, tuple[str, ...], bool, str], ...] = (
    ("admin@azora.local", "Ada Admin", (PlatformRole.PLATFORM_ADMIN,), True, OrganisationRole.OWNER),
    ("instructor@azora.local", "Thandi Instructor", (PlatformRole.INSTRUCTOR,), False, OrganisationRole.INSTRUCTOR),
    ("learner@azora.local", "Sipho Learner", (), False, OrganisationRole.MEMBER),
)


def _verified_email(user: User) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})


def _demo_user(email: str, display_name: str, roles: tuple[str, ...], is_staff: bool) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user_id = services.user_create(
            email=email, password=DEMO_PASSWORD, display_name=display_name, is_staff=is_staff
        )
        user = User.objects.get(id=user_id)
    for role in roles:
        services.platform_role_grant(user_id=user.id, role=role)
    _verified_email(user)
    return user


def load_demo_data() -> None:
    """Create the demo accounts and organisation; running it again changes nothing."""
    with transaction.atomic():
        users = {
            email: (_demo_user(email, name, roles, is_staff), org_role)
            for email, name, roles, is_staff, org_role in DEMO_USERS
        }
        organisation = Organisation.objects.filter(slug=DEMO_ORGANISATION_SLUG).first()
        if organisation is None:
            owner, _role = users["admin@azora.local"]
            summary = services.organisation_create(
                user_id=owner.id, name=DEMO_ORGANISATION_NAME, slug=DEMO_ORGANISATION_SLUG
            )
            organisation = Organisation.objects.get(id=summary.id)
        members = set(Membership.objects.filter(organisation=organisation).values_list("user_id", flat=True))
        for user, org_role in users.values():
            if user.id not in members:
                services.membership_add(organisation_id=organisation.id, user_id=user.id, role=org_role)
