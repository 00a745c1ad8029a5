"""Public profiles: skills with the verified ones marked, Azora certificates, the published rating; a private
profile is a 404 for everyone but its owner."""

from __future__ import annotations

import pytest
from django.test import Client

import azora.marketplace.public as market
from azora.accounts.models import User
from azora.marketplace.models import UserSkill
from azora.marketplace.tests.factories import ProfileFactory, SkillFactory, UserSkillFactory
from azora.portals.marketplace.tests.conftest import SignIn

pytestmark = pytest.mark.django_db


def test_a_public_profile_shows_skills_and_evidence(client: Client, seller: User) -> None:
    ProfileFactory(user=seller, headline="Frontend developer", years_experience=3)
    market.skills_set(user_id=seller.id, skills=[("Python", 2)])
    UserSkillFactory(user=seller, skill=SkillFactory(name="Solar wiring"), level=3, is_verified=True)

    html = client.get(f"/market/people/{seller.id}/").content.decode()

    assert "<h1>Sipho Dlamini</h1>" in html
    assert '<p class="lead">Frontend developer</p>' in html
    assert "<dd>3 years</dd>" in html
    assert "<dd>No reviews yet</dd>" in html
    verified = html.index("Solar wiring")
    assert html.index("Verified by an Azora certificate", verified) < html.index("Python")
    assert "Self-declared" in html
    assert "No certificates yet." in html
    assert UserSkill.objects.filter(user=seller).count() == 2


def test_a_private_profile_is_only_for_its_owner(client: Client, sign_in: SignIn, seller: User) -> None:
    ProfileFactory(user=seller, is_public=False)

    assert client.get(f"/market/people/{seller.id}/").status_code == 404
    html = sign_in(seller).get(f"/market/people/{seller.id}/").content.decode()
    assert "Your profile is private: only you see this page." in html


def _own(**changes: str) -> dict[str, str]:
    data = {
        "headline": "Solar technician",
        "location": "Kisumu",
        "country": "ke",
        "is_remote_ok": "on",
        "years_experience": "4",
        "expected_pay": "60000",
        "expected_pay_currency": "KES",
        "is_public": "on",
        "skill_1": "Python",
        "skill_1_level": "3",
        **{f"skill_{row}_level": "2" for row in range(2, 9)},
    }
    return {**data, **changes}


def test_editing_ones_own_profile_and_skills(sign_in: SignIn, seller: User) -> None:
    client = sign_in(seller)
    assert "<h1>My skills and profile</h1>" in client.get("/market/my/profile/").content.decode()

    response = client.post("/market/my/profile/", _own())

    assert response.status_code == 302
    profile = market.profile_get(user_id=seller.id, viewer_id=seller.id)
    assert (profile.headline, profile.location, profile.country, profile.years_experience) == (
        "Solar technician",
        "Kisumu",
        "KE",
        4,
    )
    assert profile.expected_pay is not None
    assert (profile.expected_pay.minor, profile.expected_pay.currency) == (6_000_000, "KES")
    assert [(s.skill.name, s.level) for s in profile.skills] == [("Python", 3)]
    page = client.get("/market/my/profile/").content.decode()
    assert "Your profile is saved." in page
    assert 'value="Python"' in page


def test_an_unknown_skill_changes_nothing_on_the_profile(sign_in: SignIn, seller: User) -> None:
    ProfileFactory(user=seller, headline="Junior developer")
    before = market.profile_get(user_id=seller.id, viewer_id=seller.id)

    response = sign_in(seller).post("/market/my/profile/", _own(skill_1="Underwater basket weaving"))

    assert response.status_code == 422
    assert "Please correct the following:" in response.content.decode()
    assert market.profile_get(user_id=seller.id, viewer_id=seller.id) == before


def test_a_bad_country_code_is_refused(sign_in: SignIn, seller: User) -> None:
    response = sign_in(seller).post("/market/my/profile/", _own(country="1"))

    assert response.status_code == 422
    assert "Enter two letters, for example ZA." in response.content.decode()
    assert not UserSkill.objects.filter(user=seller).exists()
