"""Skills: the seeded catalogue and its search, suggestions and their review, skill profiles (skills_set),
endorsements with their limits, and profiles -- exact values, and nothing written for refused input."""

from __future__ import annotations

import pytest
from django.test import override_settings

from azora.accounts.public import platform_role_grant
from azora.accounts.tests.factories import UserFactory
from azora.marketplace import public
from azora.marketplace.errors import (
    AlreadyEndorsed,
    EndorsementRateLimited,
    EndorseSelf,
    ProfileInvalid,
    ProfileNotFound,
    SkillInvalid,
    SkillNotFound,
)
from azora.marketplace.models import Endorsement, Profile, Skill, UserSkill
from azora.marketplace.tests.factories import ProfileFactory, UserSkillFactory
from azora.shared.errors import PermissionDenied
from azora.shared.money import Money

pytestmark = pytest.mark.django_db


def skill(slug: str) -> Skill:
    return Skill.objects.get(slug=slug)


def test_the_seeded_catalogue_has_real_skills_with_categories_and_aliases() -> None:
    assert Skill.objects.filter(status="approved").count() >= 60
    python = skill("python")
    assert (python.name, python.category, python.aliases) == ("Python", "Software development", ["py", "python3"])
    assert skill("c-sharp").name == "C#"
    assert skill("c-plus-plus").name == "C++"


@pytest.mark.parametrize(
    ("reference", "name"),
    [("JS", "JavaScript"), ("javascript", "JavaScript"), ("C#", "C#"), ("c++", "C++"), ("Node.js", "Node.js"),
     ("zulu", "isiZulu"), ("  Excel ", "Microsoft Excel"), ("Français", "French")],
    ids=["alias", "slug", "c-sharp", "c-plus-plus", "dotted", "alias-zulu", "spaces", "accents"],
)  # fmt: skip
def test_skills_resolve_by_name_slug_or_alias_folded(reference: str, name: str) -> None:
    user = UserFactory()
    [view] = public.skills_set(user_id=user.id, skills=[(reference, 2)])
    assert view.skill.name == name


def test_catalogue_search_prefix_matches_first() -> None:
    names = [view.name for view in public.skills_search(query="java")]
    assert names == ["Java", "JavaScript"]
    # Linux through its alias "shell scripting".
    assert [view.name for view in public.skills_search(query="script")] == ["JavaScript", "Linux", "TypeScript"]
    assert len(public.skills_search(limit=5)) == 5


def test_a_suggestion_waits_for_review_and_an_existing_skill_is_returned_instead() -> None:
    user, admin = UserFactory(), UserFactory()
    platform_role_grant(user_id=admin.id, role="platform_admin")
    existing = public.skill_suggest(user_id=user.id, name="golang")
    assert (existing.name, existing.status) == ("Go", "approved")
    suggested = public.skill_suggest(user_id=user.id, name="  Beekeeping ", category="Agriculture")
    assert (suggested.name, suggested.slug, suggested.status) == ("Beekeeping", "beekeeping", "suggested")
    assert [view.name for view in public.skills_search(query="beekeeping")] == []
    with pytest.raises(PermissionDenied):
        public.skill_review(admin_id=user.id, skill_id=suggested.id, approve=True)
    assert skill("beekeeping").status == "suggested"
    approved = public.skill_review(admin_id=admin.id, skill_id=suggested.id, approve=True)
    assert approved.status == "approved"
    with pytest.raises(SkillInvalid):
        public.skill_review(admin_id=admin.id, skill_id=suggested.id, approve=False)
    assert [view.name for view in public.skills_search(query="beekeeping")] == ["Beekeeping"]


def test_skills_set_replaces_self_declared_skills_and_keeps_verified_ones() -> None:
    user = UserFactory()
    verified = UserSkillFactory(user=user, skill=skill("sql"), level=3, is_verified=True)
    UserSkillFactory(user=user, skill=skill("microsoft-excel"), level=1)
    views = public.skills_set(user_id=user.id, skills=[("Python", 4), ("sql", 1), ("git", 1)])
    assert [(v.skill.name, v.level, v.level_name, v.is_verified) for v in views] == [
        ("SQL", 3, "advanced", True),  # verified first; never lowered below its level
        ("Python", 4, "expert", False),
        ("Git", 1, "beginner", False),
    ]
    assert UserSkill.objects.filter(user=user).count() == 3
    assert UserSkill.objects.get(id=verified.id).level == 3
    assert public.skills_of_user(user_id=user.id) == views


@pytest.mark.parametrize(
    ("skills", "error"),
    [([("python", 5)], SkillInvalid), ([("python", 1), ("py", 2)], SkillInvalid),
     ([("no such skill", 1)], SkillNotFound), ([(f"skill {n}", 1) for n in range(51)], SkillInvalid)],
    ids=["level", "twice", "unknown", "too-many"],
)  # fmt: skip
def test_refused_skills_change_nothing(skills: list[tuple[str, int]], error: type[Exception]) -> None:
    user = UserFactory()
    public.skills_set(user_id=user.id, skills=[("django", 2)])
    before = list(UserSkill.objects.filter(user=user).values_list("skill__slug", "level"))
    with pytest.raises(error):
        public.skills_set(user_id=user.id, skills=skills)
    assert list(UserSkill.objects.filter(user=user).values_list("skill__slug", "level")) == before == [("django", 2)]


def test_an_endorsement_counts_once_per_endorser_and_never_for_oneself() -> None:
    person, friend = UserFactory(), UserFactory()
    public.skills_set(user_id=person.id, skills=[("python", 3)])
    view = public.endorsement_create(endorser_id=friend.id, user_id=person.id, skill="py", note="Great code reviews")
    assert (view.skill.name, view.endorsement_count) == ("Python", 1)
    assert Endorsement.objects.get().note == "Great code reviews"
    with pytest.raises(AlreadyEndorsed):
        public.endorsement_create(endorser_id=friend.id, user_id=person.id, skill="python")
    with pytest.raises(EndorseSelf):
        public.endorsement_create(endorser_id=person.id, user_id=person.id, skill="python")
    with pytest.raises(SkillNotFound):
        public.endorsement_create(endorser_id=friend.id, user_id=person.id, skill="django")  # not listed
    assert Endorsement.objects.count() == 1
    assert UserSkill.objects.get(user=person).endorsement_count == 1


@override_settings(AZORA_MARKETPLACE_ENDORSEMENTS_PER_DAY=2)
def test_endorsements_are_limited_per_endorser_per_day() -> None:
    endorser = UserFactory()
    people = [UserFactory() for _ in range(3)]
    for person in people:
        public.skills_set(user_id=person.id, skills=[("sql", 2)])
    for person in people[:2]:
        public.endorsement_create(endorser_id=endorser.id, user_id=person.id, skill="sql")
    with pytest.raises(EndorsementRateLimited) as raised:
        public.endorsement_create(endorser_id=endorser.id, user_id=people[2].id, skill="sql")
    assert raised.value.status == 429
    assert Endorsement.objects.count() == 2
    assert UserSkill.objects.get(user=people[2]).endorsement_count == 0


def test_profile_update_and_get() -> None:
    user = UserFactory(display_name="Amahle Zulu")
    view = public.profile_update(
        user_id=user.id,
        headline=" Junior  data analyst ",
        location="Durban",
        country="za",
        years_experience=2,
        expected_pay_minor=1_800_000,
        expected_pay_currency="zar",
    )
    assert (view.display_name, view.headline, view.country) == ("Amahle Zulu", "Junior data analyst", "ZA")
    assert view.expected_pay == Money(1_800_000, "ZAR")
    assert view.rating == public.RatingSummary(average=None, count=0)
    other = UserFactory()
    assert public.profile_get(user_id=user.id, viewer_id=other.id) == view
    public.profile_update(user_id=user.id, is_public=False)
    with pytest.raises(ProfileNotFound):
        public.profile_get(user_id=user.id, viewer_id=other.id)
    assert public.profile_get(user_id=user.id, viewer_id=user.id).is_public is False


@pytest.mark.parametrize(
    "fields",
    [{"country": "ZAF"}, {"years_experience": -1}, {"years_experience": 61}, {"expected_pay_currency": "XXX"},
     {"expected_pay_minor": 100, "expected_pay_currency": ""}, {"is_public": "yes"}, {"headline": "x" * 121},
     {"date_of_birth": "2000-01-01"}],
    ids=["country", "negative-years", "too-many-years", "currency", "pay-without-currency", "bool", "headline",
         "unknown-field"],
)  # fmt: skip
def test_refused_profile_changes_write_nothing(fields: dict[str, object]) -> None:
    profile = ProfileFactory(expected_pay_minor=None, expected_pay_currency="")
    before = Profile.objects.filter(pk=profile.pk).values().get()
    with pytest.raises(ProfileInvalid):
        public.profile_update(user_id=profile.user_id, **fields)
    assert Profile.objects.filter(pk=profile.pk).values().get() == before


def test_an_unknown_person_has_no_profile() -> None:
    import uuid

    with pytest.raises(ProfileNotFound):
        public.profile_get(user_id=uuid.uuid4(), viewer_id=None)
