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
