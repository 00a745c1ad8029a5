"""Organisations, memberships and the tenancy checks every app relies on."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from azora.accounts import public, services
from azora.accounts.errors import LastOwner, OrganisationInvalid, OrganisationRoleRequired, OrganisationSlugTaken
from azora.accounts.models import Membership, Organisation, User
from azora.accounts.public import Principal
from azora.accounts.tests.conftest import as_user, published
from azora.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from azora.shared.errors import NotFound, PermissionDenied

pytestmark = pytest.mark.django_db


def _roles(organisation: Organisation) -> dict[str, str]:
    return dict(Membership.objects.filter(organisation=organisation).values_list("user__email", "role"))


# --- organisation_create ----------------------------------------------------------------------------


def test_organisation_create_makes_the_creator_owner_and_derives_a_slug() -> None:
    user = UserFactory()

    summary = public.organisation_create(user_id=user.id, name="  Ubuntu Academy ")

    organisation = Organisation.objects.get(id=summary.id)
    assert (organisation.name, organisation.slug) == ("Ubuntu Academy", "ubuntu-academy")
    assert summary == public.OrganisationSummary(
        id=organisation.id,
        name="Ubuntu Academy",
        slug="ubuntu-academy",
        role="owner",
        created_at=organisation.created_at,
    )
    assert _roles(organisation) == {user.email: "owner"}
    membership = Membership.objects.get(organisation=organisation)
    assert published("accounts.organisation_created") == [
        {"organisation_id": str(organisation.id), "created_by_user_id": str(user.id)}
    ]
    assert published("accounts.member_joined") == [
        {"organisation_id": str(organisation.id), "user_id": str(user.id), "membership_id": str(membership.id),
         "role": "owner"}
    ]  # fmt: skip


def test_organisation_create_numbers_a_taken_slug() -> None:
    user = UserFactory()
    OrganisationFactory(slug="ubuntu-academy")
    OrganisationFactory(slug="ubuntu-academy-2")

    summary = public.organisation_create(user_id=user.id, name="Ubuntu Academy")

    assert summary.slug == "ubuntu-academy-3"


def test_organisation_create_with_a_name_that_has_no_slug_characters() -> None:
    user = UserFactory()

    assert public.organisation_create(user_id=user.id, name="!!!").slug == "organisation"


def test_organisation_create_with_a_taken_explicit_slug_is_a_conflict_and_creates_nothing() -> None:
    user = UserFactory()
    OrganisationFactory(slug="taken")

    with pytest.raises(OrganisationSlugTaken):
        public.organisation_create(user_id=user.id, name="Anything", slug="taken")

    assert Organisation.objects.count() == 1
    assert Membership.objects.count() == 0
    assert published("accounts.organisation_created") == []


@pytest.mark.parametrize(
    ("name", "slug", "field"),
    [("", None, "name"), ("   ", None, "name"), ("x" * 161, None, "name"), ("Fine", "Not A Slug", "slug"),
     ("Fine", "trailing-", "slug"), ("Fine", "a" * 81, "slug")],
)  # fmt: skip
def test_organisation_create_rejects_bad_input_and_creates_nothing(name: str, slug: str | None, field: str) -> None:
    user = UserFactory()

    with pytest.raises(OrganisationInvalid) as caught:
        public.organisation_create(user_id=user.id, name=name, slug=slug)

    assert caught.value.extra["errors"][0]["field"] == field
    assert Organisation.objects.count() == 0


def test_organisation_list_for_user_includes_the_role_and_only_the_users_organisations(
    owner: User, organisation: Organisation
) -> None:
    other = OrganisationFactory(name="Another Org")
    MembershipFactory(organisation=other, user=owner, role="billing")
    OrganisationFactory(name="Not mine")

    listed = public.organisation_list_for_user(user_id=owner.id)

    assert [(o.name, o.role) for o in listed] == [("Another Org", "billing"), ("Ubuntu Academy", "owner")]


def test_organisation_get_for_members_and_outsiders(
    owner: User, member: User, outsider: User, organisation: Organisation
) -> None:
    assert public.organisation_get(principal=as_user(member), organisation_id=organisation.id).role == "member"
    with pytest.raises(NotFound):
        public.organisation_get(principal=as_user(outsider), organisation_id=organisation.id)
    with pytest.raises(NotFound):
        public.organisation_get(principal=as_user(owner), organisation_id=uuid.uuid4())


def test_organisation_get_with_an_organisation_key(organisation: Organisation) -> None:
    key = Principal(via="api_key", user_id=None, organisation_id=organisation.id, scopes=frozenset())
    assert public.organisation_get(principal=key, organisation_id=organisation.id).role is None
    with pytest.raises(NotFound):
        public.organisation_get(principal=key, organisation_id=OrganisationFactory().id)


# --- permission checks --------------------------------------------------------------------------


def test_organisation_role_of(owner: User, member: User, outsider: User, organisation: Organisation) -> None:
    assert public.organisation_role_of(user_id=owner.id, organisation_id=organisation.id) == "owner"
    assert public.organisation_role_of(user_id=member.id, organisation_id=organisation.id) == "member"
    assert public.organisation_role_of(user_id=outsider.id, organisation_id=organisation.id) is None


def test_require_organisation_role_hides_the_organisation_from_outsiders(
    outsider: User, organisation: Organisation
) -> None:
    unknown = uuid.uuid4()
    # The same error for an existing organisation and a missing one: outsiders learn nothing.
    for organisation_id in (organisation.id, unknown):
        with pytest.raises(NotFound) as caught:
            public.require_organisation_role(
                principal=as_user(outsider), organisation_id=organisation_id, roles={"member"}
            )
        assert (caught.value.code, caught.value.status) == ("not_found", 404)


def test_require_organisation_role_denies_members_without_the_role(member: User, organisation: Organisation) -> None:
    with pytest.raises(PermissionDenied):
        public.require_organisation_role(principal=as_user(member), organisation_id=organisation.id, roles={"owner"})
    public.require_organisation_role(
        principal=as_user(member), organisation_id=organisation.id, roles={"member", "admin"}
    )


def test_require_organisation_role_treats_an_organisation_key_as_admin_of_its_own_organisation(
    organisation: Organisation,
) -> None:
    key = Principal(via="api_key", user_id=None, organisation_id=organisation.id, scopes=frozenset())
    public.require_organisation_role(principal=key, organisation_id=organisation.id, roles={"admin"})
    with pytest.raises(PermissionDenied):
        public.require_organisation_role(principal=key, organisation_id=organisation.id, roles={"owner"})


# --- memberships -------------------------------------------------------------------------------------


def test_membership_list_for_members_only(
    owner: User, member: User, outsider: User, organisation: Organisation
) -> None:
    listed = public.membership_list(principal=as_user(member), organisation_id=organisation.id)

    assert [(m.email, m.role) for m in listed] == [(owner.email, "owner"), (member.email, "member")]
    assert all(isinstance(m, public.MembershipSummary) for m in listed)
    with pytest.raises(NotFound):
        public.membership_list(principal=as_user(outsider), organisation_id=organisation.id)


def _membership(organisation: Organisation, user: User) -> Membership:
    return Membership.objects.get(organisation=organisation, user=user)


def test_owner_changes_a_role(owner: User, member: User, organisation: Organisation) -> None:
    summary = public.membership_update(
        principal=as_user(owner),
        organisation_id=organisation.id,
        membership_id=_membership(organisation, member).id,
        role="instructor",
    )

    assert summary.role == "instructor"
    assert _roles(organisation)[member.email] == "instructor"


def test_owner_can_promote_to_owner_and_then_step_down(owner: User, member: User, organisation: Organisation) -> None:
    public.membership_update(
        principal=as_user(owner), organisation_id=organisation.id,
        membership_id=_membership(organisation, member).id, role="owner",
    )  # fmt: skip
    public.membership_update(
        principal=as_user(owner), organisation_id=organisation.id,
        membership_id=_membership(organisation, owner).id, role="member",
    )  # fmt: skip

    assert _roles(organisation) == {owner.email: "member", member.email: "owner"}


def test_the_last_owner_cannot_be_demoted_or_removed(owner: User, organisation: Organisation) -> None:
    membership_id = _membership(organisation, owner).id
    before = _roles(organisation)

    with pytest.raises(LastOwner):
        public.membership_update(
            principal=as_user(owner), organisation_id=organisation.id, membership_id=membership_id, role="admin"
        )
    with pytest.raises(LastOwner):
        public.membership_delete(principal=as_user(owner), organisation_id=organisation.id, membership_id=membership_id)

    assert _roles(organisation) == before


def test_admin_manages_members_but_not_owners(
    owner: User, admin_user: User, member: User, organisation: Organisation
) -> None:
    admin = as_user(admin_user)
    owner_membership = _membership(organisation, owner).id
    member_membership = _membership(organisation, member).id
    before = _roles(organisation)

    with pytest.raises(OrganisationRoleRequired):
        public.membership_update(
            principal=admin, organisation_id=organisation.id, membership_id=member_membership, role="owner"
        )
    with pytest.raises(OrganisationRoleRequired):
        public.membership_update(
            principal=admin, organisation_id=organisation.id, membership_id=owner_membership, role="member"
        )
    with pytest.raises(OrganisationRoleRequired):
        public.membership_delete(principal=admin, organisation_id=organisation.id, membership_id=owner_membership)
    assert _roles(organisation) == before

    public.membership_update(
        principal=admin, organisation_id=organisation.id, membership_id=member_membership, role="billing"
    )
    assert _roles(organisation)[member.email] == "billing"
    public.membership_delete(principal=admin, organisation_id=organisation.id, membership_id=member_membership)
    assert member.email not in _roles(organisation)


def test_members_cannot_manage_and_outsiders_see_nothing(
    owner: User, member: User, outsider: User, organisation: Organisation
) -> None:
    owner_membership = _membership(organisation, owner).id
    before = _roles(organisation)

    with pytest.raises(OrganisationRoleRequired):
        public.membership_update(
            principal=as_user(member), organisation_id=organisation.id, membership_id=owner_membership, role="member"
        )
    with pytest.raises(OrganisationRoleRequired):
        public.membership_delete(
            principal=as_user(member), organisation_id=organisation.id, membership_id=owner_membership
        )
    with pytest.raises(NotFound):
        public.membership_update(
            principal=as_user(outsider), organisation_id=organisation.id, membership_id=owner_membership, role="member"
        )
    with pytest.raises(NotFound):
        public.membership_delete(
            principal=as_user(outsider), organisation_id=organisation.id, membership_id=owner_membership
        )
    assert _roles(organisation) == before


def test_a_membership_of_another_organisation_is_not_found(owner: User, organisation: Organisation) -> None:
    elsewhere = MembershipFactory()

    with pytest.raises(NotFound):
        public.membership_update(
            principal=as_user(owner), organisation_id=organisation.id, membership_id=elsewhere.id, role="admin"
        )
    with pytest.raises(NotFound):
        public.membership_delete(principal=as_user(owner), organisation_id=organisation.id, membership_id=elsewhere.id)

    elsewhere.refresh_from_db()
    assert elsewhere.role == "member"


def test_a_member_can_leave(member: User, organisation: Organisation) -> None:
    public.membership_delete(
        principal=as_user(member), organisation_id=organisation.id, membership_id=_membership(organisation, member).id
    )

    assert member.email not in _roles(organisation)


def test_membership_update_rejects_an_unknown_role(owner: User, member: User, organisation: Organisation) -> None:
    with pytest.raises(OrganisationInvalid):
        public.membership_update(
            principal=as_user(owner),
            organisation_id=organisation.id,
            membership_id=_membership(organisation, member).id,
            role="emperor",
        )
    assert _roles(organisation)[member.email] == "member"


def test_membership_add_puts_a_user_in_directly(organisation: Organisation) -> None:
    user = UserFactory()

    summary = services.membership_add(organisation_id=organisation.id, user_id=user.id, role="instructor")

    assert (summary.user_id, summary.role) == (user.id, "instructor")
    assert _roles(organisation)[user.email] == "instructor"


@pytest.mark.parametrize(
    ("role", "can_manage"),
    [("owner", True), ("admin", True), ("instructor", False), ("member", False), ("billing", False), (None, False)],
)
def test_an_organisation_summary_says_whether_the_caller_may_manage_it(role: str | None, can_manage: bool) -> None:
    summary = public.OrganisationSummary(
        id=uuid.uuid4(), name="Ubuntu Academy", slug="ubuntu", role=role, created_at=timezone.now()
    )
    assert summary.can_manage is can_manage
