"""API keys: shown once, stored hashed, scoped, revocable, expiring, and resolved to a principal."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from azora.accounts import public
from azora.accounts.errors import ApiKeyInvalid, InsufficientScope, OrganisationRoleRequired, UserPrincipalRequired
from azora.accounts.models import ApiKey, Organisation, User
from azora.accounts.public import Principal
from azora.accounts.tests.conftest import as_user, published
from azora.accounts.tests.factories import ApiKeyFactory, UserFactory
from azora.shared.errors import NotFound

pytestmark = pytest.mark.django_db


def test_api_key_create_returns_the_key_once_and_stores_its_hash(owner: User) -> None:
    expires_at = timezone.now() + timedelta(days=30)

    created = public.api_key_create(
        principal=as_user(owner), name=" CI deploys ", scopes=["profile:read", "profile:read"], expires_at=expires_at
    )

    row = ApiKey.objects.get()
    prefix, secret = created.key.removeprefix("azk_").split("_", 1)
    assert created.key.startswith("azk_")
    assert len(prefix) == 12
    assert prefix.isalnum()
    assert len(secret) >= 43
    assert row.prefix == prefix
    assert row.secret_hash == hashlib.sha256(created.key.encode()).hexdigest()
    assert secret not in row.secret_hash
    assert created.api_key == public.ApiKeySummary(
        id=row.id,
        name="CI deploys",
        prefix=prefix,
        scopes=("profile:read",),
        user_id=owner.id,
        organisation_id=None,
        created_at=row.created_at,
        last_used_at=None,
        expires_at=expires_at,
    )
    assert created.id == row.id
    assert published("accounts.api_key_created") == [
        {"api_key_id": str(row.id), "user_id": str(owner.id), "organisation_id": None}
    ]


def test_api_key_create_for_an_organisation_needs_owner_or_admin(
    owner: User, member: User, outsider: User, organisation: Organisation
) -> None:
    with pytest.raises(OrganisationRoleRequired):
        public.api_key_create(
            principal=as_user(member), name="k", scopes=["organisations:read"], organisation_id=organisation.id
        )
    with pytest.raises(NotFound):
        public.api_key_create(
            principal=as_user(outsider), name="k", scopes=["organisations:read"], organisation_id=organisation.id
        )
    assert ApiKey.objects.count() == 0

    created = public.api_key_create(
        principal=as_user(owner), name="k", scopes=["organisations:read"], organisation_id=organisation.id
    )

    row = ApiKey.objects.get()
    assert (row.user_id, row.organisation_id, row.created_by_id) == (None, organisation.id, owner.id)
    assert created.api_key.organisation_id == organisation.id


@pytest.mark.parametrize(
    ("name", "scopes", "expires_in", "field"),
    [
        ("", ["profile:read"], None, "name"),
        ("x" * 121, ["profile:read"], None, "name"),
        ("k", [], None, "scopes"),
        ("k", ["everything"], None, "scopes"),
        ("k", "profile:read", None, "scopes"),
        ("k", ["profile:read"], timedelta(seconds=-1), "expires_at"),
        ("k", ["profile:read"], timedelta(days=3660), "expires_at"),
    ],
)
def test_api_key_create_rejects_bad_input(
    owner: User, name: str, scopes: list[str], expires_in: timedelta | None, field: str
) -> None:
    expires_at = timezone.now() + expires_in if expires_in is not None else None

    with pytest.raises(ApiKeyInvalid) as caught:
        public.api_key_create(principal=as_user(owner), name=name, scopes=scopes, expires_at=expires_at)

    assert caught.value.extra["errors"][0]["field"] == field
    assert ApiKey.objects.count() == 0


def test_a_key_cannot_mint_a_key_with_more_scopes_than_it_has(owner: User) -> None:
    key = Principal(via="api_key", user_id=owner.id, scopes=frozenset({"api_keys:write", "profile:read"}))

    with pytest.raises(InsufficientScope):
        public.api_key_create(principal=key, name="k", scopes=["profile:write"])
    assert ApiKey.objects.count() == 0

    public.api_key_create(principal=key, name="k", scopes=["profile:read"])
    assert ApiKey.objects.count() == 1


def test_an_organisation_key_cannot_create_a_personal_key(organisation: Organisation) -> None:
    key = Principal(via="api_key", user_id=None, organisation_id=organisation.id, scopes=None)

    with pytest.raises(UserPrincipalRequired):
        public.api_key_create(principal=key, name="k", scopes=["profile:read"])
    assert ApiKey.objects.count() == 0


def test_principal_from_api_key_for_a_personal_key_records_last_use_once_a_minute(owner: User) -> None:
    api_key = ApiKeyFactory(user=owner, scopes=["profile:read"])

    principal = public.principal_from_api_key(raw_key=api_key.key)

    assert principal == Principal(
        via="api_key", user_id=owner.id, organisation_id=None, api_key_id=api_key.id, scopes=frozenset({"profile:read"})
    )
    api_key.refresh_from_db()
    first_use = api_key.last_used_at
    assert first_use is not None

    public.principal_from_api_key(raw_key=api_key.key)
    api_key.refresh_from_db()
    assert api_key.last_used_at == first_use

    ApiKey.objects.filter(id=api_key.id).update(last_used_at=timezone.now() - timedelta(minutes=2))
    public.principal_from_api_key(raw_key=api_key.key)
    api_key.refresh_from_db()
    assert api_key.last_used_at is not None
    assert api_key.last_used_at > first_use


def test_principal_from_api_key_writes_nothing_when_used_within_the_minute(
    owner: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    api_key = ApiKeyFactory(user=owner)
    public.principal_from_api_key(raw_key=api_key.key)

    with django_assert_num_queries(1):
        assert public.principal_from_api_key(raw_key=api_key.key) is not None


def test_principal_from_api_key_for_an_organisation_key(organisation: Organisation) -> None:
    api_key = ApiKeyFactory(user=None, organisation=organisation, scopes=["organisations:read"])

    principal = public.principal_from_api_key(raw_key=api_key.key)

    assert principal == Principal(
        via="api_key",
        user_id=None,
        organisation_id=organisation.id,
        api_key_id=api_key.id,
        scopes=frozenset({"organisations:read"}),
    )
    assert principal is not None
    assert principal.has_scope("organisations:read") is True
    assert principal.has_scope("organisations:write") is False


@pytest.mark.parametrize(
    "mangle",
    [
        lambda key: key[:-1] + ("A" if key[-1] != "A" else "B"),  # wrong secret, right prefix
        lambda key: "azk_" + "A" * 12 + key[16:],  # unknown prefix
        lambda key: key.replace("azk_", "xyz_", 1),
        lambda key: key[:16],
        lambda key: key[:16] + "-" + key[17:],
        lambda key: "azk_" + "!" * 12 + key[16:],
        lambda key: "",
        lambda key: key + "x" * 300,
    ],
)
def test_principal_from_api_key_refuses_malformed_and_wrong_keys(owner: User, mangle: Callable[[str], str]) -> None:
    api_key = ApiKeyFactory(user=owner)

    assert public.principal_from_api_key(raw_key=mangle(api_key.key)) is None
    api_key.refresh_from_db()
    assert api_key.last_used_at is None


def test_principal_from_api_key_refuses_revoked_and_expired_keys_and_inactive_users(owner: User) -> None:
    revoked = ApiKeyFactory(user=owner, revoked_at=timezone.now())
    expired = ApiKeyFactory(user=owner, expires_at=timezone.now() - timedelta(seconds=1))
    inactive = ApiKeyFactory(user=UserFactory(is_active=False))

    for api_key in (revoked, expired, inactive):
        assert public.principal_from_api_key(raw_key=api_key.key) is None


def test_api_key_list_shows_active_personal_keys_of_the_caller_only(owner: User, outsider: User) -> None:
    mine = ApiKeyFactory(user=owner)
    ApiKeyFactory(user=owner, revoked_at=timezone.now())
    ApiKeyFactory(user=outsider)

    assert [k.id for k in public.api_key_list(principal=as_user(owner))] == [mine.id]


def test_api_key_list_of_an_organisation_for_managers_only(
    owner: User, member: User, outsider: User, organisation: Organisation
) -> None:
    org_key = ApiKeyFactory(user=None, organisation=organisation)
    ApiKeyFactory(user=owner)

    assert [k.id for k in public.api_key_list(principal=as_user(owner), organisation_id=organisation.id)] == [
        org_key.id
    ]
    with pytest.raises(OrganisationRoleRequired):
        public.api_key_list(principal=as_user(member), organisation_id=organisation.id)
    with pytest.raises(NotFound):
        public.api_key_list(principal=as_user(outsider), organisation_id=organisation.id)
    own_key = Principal(via="api_key", user_id=None, organisation_id=organisation.id, scopes=None)
    assert [k.id for k in public.api_key_list(principal=own_key)] == [org_key.id]


def test_api_key_revoke_stops_the_key_at_once(owner: User) -> None:
    api_key = ApiKeyFactory(user=owner)

    public.api_key_revoke(principal=as_user(owner), api_key_id=api_key.id)

    api_key.refresh_from_db()
    assert api_key.revoked_at is not None
    assert public.principal_from_api_key(raw_key=api_key.key) is None
    assert published("accounts.api_key_revoked") == [
        {"api_key_id": str(api_key.id), "user_id": str(owner.id), "organisation_id": None}
    ]
    with pytest.raises(NotFound):
        public.api_key_revoke(principal=as_user(owner), api_key_id=api_key.id)


def test_api_key_revoke_of_someone_elses_key_is_not_found(
    owner: User, member: User, outsider: User, organisation: Organisation
) -> None:
    personal = ApiKeyFactory(user=owner)
    org_key = ApiKeyFactory(user=None, organisation=organisation)

    for principal, key_id, error in [
        (as_user(outsider), personal.id, NotFound),
        (as_user(outsider), org_key.id, NotFound),
        (as_user(member), org_key.id, OrganisationRoleRequired),
        (as_user(owner), uuid.uuid4(), NotFound),
    ]:
        with pytest.raises(error):
            public.api_key_revoke(principal=principal, api_key_id=key_id)

    assert ApiKey.objects.filter(revoked_at__isnull=False).count() == 0
    public.api_key_revoke(principal=as_user(owner), api_key_id=org_key.id)
    assert ApiKey.objects.filter(revoked_at__isnull=False).count() == 1
