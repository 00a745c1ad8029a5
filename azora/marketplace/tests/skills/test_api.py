"""The skills and profiles API: GET|POST /api/v1/skills, GET|PUT /api/v1/me/skills,
POST /api/v1/users/{id}/skills/{skill}/endorsements, GET|PATCH /api/v1/me/marketplace-profile,
GET /api/v1/users/{id}/profile -- problems for refused input, nothing written."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client, override_settings

from azora.accounts.tests.conftest import session_client
from azora.accounts.tests.factories import UserFactory
from azora.marketplace.models import Endorsement, Profile, Skill, UserSkill

pytestmark = pytest.mark.django_db


def send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def test_the_catalogue_by_name_or_alias() -> None:
    client = session_client(UserFactory())
    body = client.get("/api/v1/skills", {"q": "k8s"}).json()
    assert [(item["name"], item["slug"], item["category"]) for item in body["items"]] == [
        ("Kubernetes", "kubernetes", "Infrastructure")
    ]
    assert Client().get("/api/v1/skills").status_code == 401


def test_suggesting_a_new_skill_is_201_and_an_existing_one_200() -> None:
    client = session_client(UserFactory())
    created = send(client, "post", "/api/v1/skills", {"name": "Beekeeping", "category": "Agriculture"})
    assert created.status_code == 201
    assert (created.json()["slug"], created.json()["status"]) == ("beekeeping", "suggested")
    existing = send(client, "post", "/api/v1/skills", {"name": "golang"})
    assert existing.status_code == 200
    assert existing.json()["name"] == "Go"
    before = Skill.objects.count()
    assert send(client, "post", "/api/v1/skills", {"name": "Beekeeping", "extra": 1}).status_code == 422
    assert Skill.objects.count() == before


def test_put_and_get_my_skills() -> None:
    user = UserFactory()
    client = session_client(user)
    response = send(client, "put", "/api/v1/me/skills", {"skills": [{"skill": "django", "level": 3}, {"skill": "git"}]})
    assert response.status_code == 200
    items = [(i["skill"]["name"], i["level"], i["level_name"], i["is_verified"]) for i in response.json()["items"]]
    assert items == [("Django", 3, "advanced", False), ("Git", 1, "beginner", False)]
    assert client.get("/api/v1/me/skills").json() == response.json()
    refused = send(client, "put", "/api/v1/me/skills", {"skills": [{"skill": "nothing like it", "level": 2}]})
    assert refused.status_code == 404
    assert refused.json()["code"] == "skill_not_found"
    assert send(client, "put", "/api/v1/me/skills", {"skills": [{"skill": "git", "level": 9}]}).status_code == 422
    assert UserSkill.objects.filter(user=user).count() == 2


@override_settings(AZORA_MARKETPLACE_ENDORSEMENTS_PER_DAY=1)
def test_endorsements_problems() -> None:
    person, friend = UserFactory(), UserFactory()
    send(
        session_client(person), "put", "/api/v1/me/skills", {"skills": [{"skill": "sql", "level": 2}, {"skill": "git"}]}
    )
    client = session_client(friend)
    url = f"/api/v1/users/{person.id}/skills/sql/endorsements"
    created = send(client, "post", url, {"note": "Clear queries"})
    assert created.status_code == 201
    assert created.json()["endorsement_count"] == 1
    again = send(client, "post", url, {})
    assert (again.status_code, again.json()["code"]) == (409, "already_endorsed")
    limited = send(client, "post", f"/api/v1/users/{person.id}/skills/git/endorsements", {})
    assert (limited.status_code, limited.json()["code"]) == (429, "endorsement_rate_limited")
    own = send(session_client(person), "post", url.replace(str(person.id), str(person.id)), {})
    assert (own.status_code, own.json()["code"]) == (422, "endorse_self")
    assert Endorsement.objects.count() == 1


def test_my_profile_and_a_public_profile() -> None:
    user = UserFactory(display_name="Lerato Khumalo")
    client = session_client(user)
    changed = send(
        client,
        "patch",
        "/api/v1/me/marketplace-profile",
        {"headline": "Bookkeeper", "location": "Soweto", "country": "ZA", "years_experience": 4,
         "expected_pay_minor": 1_500_000, "expected_pay_currency": "ZAR"},
    )  # fmt: skip
    assert changed.status_code == 200
    body = changed.json()
    assert (body["display_name"], body["headline"], body["years_experience"]) == ("Lerato Khumalo", "Bookkeeper", 4)
    assert body["expected_pay"] == {"amount": "15000.00", "currency": "ZAR", "minor": 1_500_000}
    assert body["rating"] == {"average": None, "count": 0}
    assert client.get("/api/v1/me/marketplace-profile").json() == body
    other = session_client(UserFactory())
    assert other.get(f"/api/v1/users/{user.id}/profile").json() == body
    send(client, "patch", "/api/v1/me/marketplace-profile", {"is_public": False})
    hidden = other.get(f"/api/v1/users/{user.id}/profile")
    assert (hidden.status_code, hidden.json()["code"]) == (404, "profile_not_found")
    before = Profile.objects.filter(user=user).values().get()
    refused = send(client, "patch", "/api/v1/me/marketplace-profile", {"country": "ZAF!"})
    assert refused.status_code == 422
    assert Profile.objects.filter(user=user).values().get() == before
