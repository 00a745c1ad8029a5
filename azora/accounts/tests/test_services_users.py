"""Profiles, onboarding and platform roles."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from allauth.account.models import EmailAddress
from pytest_django import DjangoAssertNumQueries

from azora.accounts import public, services
from azora.accounts.errors import PlatformRoleInvalid, ProfileInvalid
from azora.accounts.models import PlatformRoleGrant, User
from azora.accounts.tests.conftest import published
from azora.accounts.tests.factories import UserFactory
from azora.shared.errors import NotFound

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)


def _row(user: User) -> tuple[object, ...]:
    user.refresh_from_db()
    return (user.display_name, user.preferred_language, user.country, user.time_zone, user.date_of_birth)


def test_user_create_grants_the_learner_role_and_hashes_the_password() -> None:
    user_id = services.user_create(email="Nomsa@Example.TEST", password="a-long-password-77", display_name="Nomsa")

    user = User.objects.get(id=user_id)
    assert user.email == "nomsa@example.test"
    assert user.check_password("a-long-password-77")
    assert user.password.startswith("argon2")
    assert public.platform_roles_of(user_id=user_id) == frozenset({"learner"})
    assert published("accounts.user_signed_up") == [{"user_id": str(user_id)}]


def test_user_onboard_twice_keeps_one_learner_grant() -> None:
    user = UserFactory()

    services.user_onboard(user_id=user.id)

    assert list(PlatformRoleGrant.objects.filter(user=user).values_list("role", flat=True)) == ["learner"]


def test_user_profile_returns_a_frozen_dataclass() -> None:
    user = UserFactory(display_name="Lindiwe", country="ZA", time_zone="Africa/Johannesburg")

    profile = public.user_profile(user_id=user.id)

    assert profile == public.UserProfile(
        id=user.id,
        email=user.email,
        display_name="Lindiwe",
        preferred_language="en",
        country="ZA",
        time_zone="Africa/Johannesburg",
        date_joined=user.date_joined,
        platform_roles=frozenset({"learner"}),
        is_staff=False,
    )
    with pytest.raises(AttributeError):
        profile.email = "other@example.test"  # type: ignore[misc]


def test_user_profile_of_an_unknown_user_is_not_found() -> None:
    with pytest.raises(NotFound):
        public.user_profile(user_id=uuid.uuid4())


def test_user_profile_of_a_deactivated_user_is_not_found() -> None:
    user = UserFactory(is_active=False)

    with pytest.raises(NotFound):
        public.user_profile(user_id=user.id)


def test_user_profile_reads_every_platform_role_in_one_query(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    user = UserFactory(display_name="Ama")
    public.platform_role_grant(user_id=user.id, role="instructor")
    public.platform_role_grant(user_id=user.id, role="finance_admin")

    with django_assert_num_queries(1):
        profile = public.user_profile(user_id=user.id)

    assert profile.platform_roles == frozenset({"learner", "instructor", "finance_admin"})
    assert (profile.id, profile.email, profile.display_name) == (user.id, user.email, "Ama")


def test_user_profiles_reads_many_people_in_one_query_and_leaves_out_unknown_and_inactive_ones(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    amara = UserFactory(display_name="Amara")
    bongani = UserFactory(display_name="Bongani")
    public.platform_role_grant(user_id=bongani.id, role="instructor")
    gone = UserFactory(is_active=False)

    with django_assert_num_queries(1):
        profiles = public.user_profiles(user_ids=[amara.id, bongani.id, gone.id, uuid.uuid4()])

    assert profiles == {
        amara.id: public.user_profile(user_id=amara.id),
        bongani.id: public.user_profile(user_id=bongani.id),
    }
    assert "instructor" in profiles[bongani.id].platform_roles
    assert "instructor" not in profiles[amara.id].platform_roles
    assert public.user_profiles(user_ids=[]) == {}


def test_user_profile_of_a_user_without_platform_roles_has_none() -> None:
    user = UserFactory(is_staff=True)
    public.platform_role_revoke(user_id=user.id, role="learner")

    profile = public.user_profile(user_id=user.id)

    assert profile.platform_roles == frozenset()
    assert profile.is_staff is True
    assert profile.date_joined == user.date_joined


def test_user_profile_shows_a_role_change_at_once() -> None:
    user = UserFactory()
    assert public.user_profile(user_id=user.id).platform_roles == frozenset({"learner"})

    public.platform_role_grant(user_id=user.id, role="platform_admin")
    assert public.user_profile(user_id=user.id).platform_roles == frozenset({"learner", "platform_admin"})

    public.platform_role_revoke(user_id=user.id, role="learner")
    assert public.user_profile(user_id=user.id).platform_roles == frozenset({"platform_admin"})


def test_user_update_profile_changes_the_given_fields_and_normalises_the_country() -> None:
    user = UserFactory(display_name="Old")

    profile = public.user_update_profile(
        user_id=user.id, display_name="  Thabo M.  ", preferred_language="sw", country="za", time_zone="Africa/Lagos"
    )

    assert (profile.display_name, profile.preferred_language, profile.country, profile.time_zone) == (
        "Thabo M.",
        "sw",
        "ZA",
        "Africa/Lagos",
    )
    assert _row(user) == ("Thabo M.", "sw", "ZA", "Africa/Lagos", None)


def test_user_update_profile_with_blank_country_clears_it() -> None:
    user = UserFactory(country="KE")

    public.user_update_profile(user_id=user.id, country="")

    assert _row(user)[2] == ""


def test_user_update_profile_with_no_fields_changes_nothing() -> None:
    user = UserFactory()
    before = _row(user)

    public.user_update_profile(user_id=user.id)

    assert _row(user) == before


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"preferred_language": "de"}, "preferred_language"),
        ({"country": "XX"}, "country"),
        ({"country": "ZAF"}, "country"),
        ({"country": "1A"}, "country"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"display_name": "x" * 121}, "display_name"),
        ({"display_name": "bad\x00name"}, "display_name"),
        ({"display_name": 12}, "display_name"),
        ({"email": "new@example.test"}, "email"),
        ({"is_staff": True}, "is_staff"),
        ({"date_of_birth": date(2026, 7, 2)}, "date_of_birth"),  # tomorrow (the clock is 1 July 2026)
        ({"date_of_birth": date(1896, 7, 1)}, "date_of_birth"),  # 130 years ago
        ({"date_of_birth": "2026-07-02"}, "date_of_birth"),
        ({"date_of_birth": "2010-02-30"}, "date_of_birth"),
        ({"date_of_birth": "1 May 2010"}, "date_of_birth"),
        ({"date_of_birth": datetime(2010, 5, 1, tzinfo=UTC)}, "date_of_birth"),
        ({"date_of_birth": 20100501}, "date_of_birth"),
    ],
)
def test_user_update_profile_rejects_invalid_fields_and_changes_nothing(
    fields: dict[str, object], field: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("azora.accounts.services.timezone.now", lambda: NOW)
    user = UserFactory(display_name="Same", country="ZA", date_of_birth=date(2000, 1, 1))
    before = _row(user)

    with pytest.raises(ProfileInvalid) as caught:
        public.user_update_profile(user_id=user.id, **{"preferred_language": "fr", **fields})

    assert caught.value.extra["errors"][0]["field"] == field
    assert _row(user) == before
    user.refresh_from_db()
    assert user.is_staff is False


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        (date(2026, 7, 1), date(2026, 7, 1)),  # today
        (date(1896, 7, 2), date(1896, 7, 2)),  # one day less than 130 years ago
        ("2008-02-29", date(2008, 2, 29)),
        (" 2010-05-01 ", date(2010, 5, 1)),
        (None, None),
        ("", None),
    ],
)
def test_user_update_profile_sets_or_clears_the_date_of_birth(
    given: object, stored: date | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("azora.accounts.services.timezone.now", lambda: NOW)
    user = UserFactory(date_of_birth=date(2000, 1, 1))

    profile = public.user_update_profile(user_id=user.id, date_of_birth=given)

    user.refresh_from_db()
    assert user.date_of_birth == stored
    assert public.own_profile(user_id=user.id) == public.OwnProfile(profile=profile, date_of_birth=stored)
    assert not hasattr(public.user_profile(user_id=user.id), "date_of_birth")  # other apps never see it


def test_platform_role_grant_and_revoke() -> None:
    user = UserFactory()

    public.platform_role_grant(user_id=user.id, role="instructor")
    public.platform_role_grant(user_id=user.id, role="instructor")

    assert public.user_has_platform_role(user_id=user.id, role="instructor") is True
    assert public.platform_roles_of(user_id=user.id) == frozenset({"learner", "instructor"})

    public.platform_role_revoke(user_id=user.id, role="instructor")
    public.platform_role_revoke(user_id=user.id, role="instructor")

    assert public.user_has_platform_role(user_id=user.id, role="instructor") is False
    assert public.platform_roles_of(user_id=user.id) == frozenset({"learner"})


def test_platform_role_grant_rejects_an_unknown_role_or_user() -> None:
    user = UserFactory()

    with pytest.raises(PlatformRoleInvalid):
        public.platform_role_grant(user_id=user.id, role="emperor")
    with pytest.raises(NotFound):
        public.platform_role_grant(user_id=uuid.uuid4(), role="instructor")

    assert PlatformRoleGrant.objects.count() == 1


def test_verified_emails_are_only_the_verified_addresses_lower_cased() -> None:
    user = UserFactory(email="thandi@uct.ac.za")
    EmailAddress.objects.create(user=user, email="Thandi.Personal@Example.COM", verified=True)
    EmailAddress.objects.create(user=user, email="unconfirmed@wits.ac.za", verified=False)
    assert public.user_verified_emails(user_id=user.id) == ("thandi.personal@example.com", "thandi@uct.ac.za")
    assert public.user_verified_emails(user_id=UserFactory(email_verified=False).id) == ()
