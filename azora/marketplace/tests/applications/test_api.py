"""The applications API: apply, my applications, the poster's ranked list, transitions, my matches and threads;
problems (RFC 9457) for bad input, 404 for strangers, and nothing changed by a refusal."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from azora.accounts.tests.conftest import session_client
from azora.accounts.tests.factories import UserFactory
from azora.marketplace.models import Listing, ListingStatus
from azora.marketplace.tests.applications.conftest import market_snapshot
from azora.marketplace.tests.factories import (
    ApplicationFactory,
    GigFactory,
    ListingFactory,
    ListingSkillFactory,
    ProfileFactory,
    SkillFactory,
    UserSkillFactory,
)

pytestmark = pytest.mark.django_db

LETTER = {"cover_letter": "I build Django services.", "portfolio_links": ["https://example.test/a"]}


def post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(f"/api/v1{path}", body, content_type="application/json")


def problem(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == code


def test_apply_then_the_poster_moves_it_and_both_talk() -> None:
    listing = ListingFactory()
    applicant = UserFactory(display_name="Thandi")
    ProfileFactory(user=applicant)
    me, poster = session_client(applicant), session_client(listing.poster)

    created = post(me, f"/listings/{listing.id}/applications", {**LETTER, "expected_pay_minor": 2_500_000})
    assert created.status_code == 201
    body = created.json()
    application_id = body["id"]
    assert (body["status"], body["applicant_name"], body["allowed_transitions"]) == (
        "submitted",
        "Thandi",
        ["withdrawn"],
    )
    assert body["expected_pay"] == {"amount": "25000.00", "currency": "ZAR", "minor": 2_500_000}
    assert body["match"]["score"] == 100  # no skill asked, 2 of 2 years, same place, pay met
    assert [step["to_status"] for step in body["history"]] == ["submitted"]

    moved = post(poster, f"/applications/{application_id}/transition", {"to_status": "shortlisted", "note": "Strong"})
    assert moved.status_code == 200
    assert (moved.json()["status"], moved.json()["allowed_transitions"]) == (
        "shortlisted",
        ["interviewing", "offered", "rejected"],
    )

    sent = post(poster, f"/applications/{application_id}/messages", {"body": "Can you start Monday?"})
    assert sent.status_code == 201
    thread = me.get(f"/api/v1/applications/{application_id}/messages").json()["items"]
    assert [(message["sender_id"], message["body"]) for message in thread] == [
        (str(listing.poster_id), "Can you start Monday?")
    ]

    mine = me.get("/api/v1/me/applications").json()["items"]
    assert [(item["id"], item["status"]) for item in mine] == [(application_id, "shortlisted")]
    assert me.get("/api/v1/me/applications?status=rejected").json() == {"items": []}
    ranked = poster.get(f"/api/v1/listings/{listing.id}/applications").json()["items"]
    assert [item["id"] for item in ranked] == [application_id]


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("twice", 409, "already_applied"),
        ("closed", 409, "listing_not_open"),
        ("own", 409, "own_listing"),
        ("draft", 404, "listing_not_found"),
        ("unknown", 404, "listing_not_found"),
        ("bad-link", 422, "application_invalid"),
    ],
    ids=["twice", "closed", "own", "draft", "unknown", "bad-link"],
)
def test_refused_applications_are_problems_and_change_nothing(case: str, status: int, code: str) -> None:
    applicant = UserFactory()
    listing = ListingFactory(
        status={"closed": ListingStatus.CLOSED, "draft": ListingStatus.DRAFT}.get(case, ListingStatus.OPEN)
    )
    client = session_client(listing.poster if case == "own" else applicant)
    if case == "twice":
        assert post(client, f"/listings/{listing.id}/applications", LETTER).status_code == 201
    body = {**LETTER, "portfolio_links": ["ftp://example.test"]} if case == "bad-link" else LETTER
    listing_id = uuid.uuid4() if case == "unknown" else listing.id
    before = market_snapshot()
    problem(post(client, f"/listings/{listing_id}/applications", body), status, code)
    assert market_snapshot() == before


def test_bad_bodies_are_422_and_change_nothing() -> None:
    listing = ListingFactory()
    client = session_client(UserFactory())
    before = market_snapshot()
    for body in ({}, {"cover_letter": ""}, {**LETTER, "surprise": 1}, {**LETTER, "expected_pay_minor": -5}):
        assert post(client, f"/listings/{listing.id}/applications", body).status_code == 422
    application = ApplicationFactory()
    owner = session_client(application.listing.poster)
    assert post(owner, f"/applications/{application.id}/transition", {"to_status": "hired"}).status_code == 422
    assert post(owner, f"/applications/{application.id}/messages", {"body": ""}).status_code == 422
    assert market_snapshot()["messages"] == 0
    assert market_snapshot()["events"] == before["events"]


def test_a_transition_not_allowed_is_409_and_changes_nothing() -> None:
    application = ApplicationFactory()
    client = session_client(application.listing.poster)
    before = market_snapshot()
    response = post(client, f"/applications/{application.id}/transition", {"to_status": "accepted"})
    problem(response, 409, "transition_not_allowed")
    assert response.json()["allowed"] == ["reviewing", "shortlisted", "rejected"]
    assert market_snapshot() == before


def test_strangers_get_404_on_every_application_route() -> None:
    application = ApplicationFactory()
    stranger = session_client(UserFactory())
    before = market_snapshot()
    problem(stranger.get(f"/api/v1/applications/{application.id}"), 404, "application_not_found")
    problem(
        post(stranger, f"/applications/{application.id}/transition", {"to_status": "withdrawn"}),
        404,
        "application_not_found",
    )
    problem(stranger.get(f"/api/v1/applications/{application.id}/messages"), 404, "application_not_found")
    problem(post(stranger, f"/applications/{application.id}/messages", {"body": "hi"}), 404, "application_not_found")
    problem(stranger.get(f"/api/v1/listings/{application.listing_id}/applications"), 404, "listing_not_found")
    assert market_snapshot() == before


def test_signed_out_callers_are_refused() -> None:
    listing = ListingFactory()
    anonymous = Client()
    assert anonymous.get("/api/v1/me/matches").status_code == 401
    assert post(anonymous, f"/listings/{listing.id}/applications", LETTER).status_code == 401


def test_my_matches_with_reasons_and_a_query_budget(django_assert_max_num_queries: Any) -> None:
    # 16 = the session (7 with its savepoints) + candidate 2 + pre-filter 2 + listing views 3-4; never per row.
    python = SkillFactory(name="Python")
    person = UserFactory()
    ProfileFactory(user=person)
    UserSkillFactory(user=person, skill=python, level=2, is_verified=True)
    job = ListingFactory()
    ListingSkillFactory(listing=job, skill=python, level=2)
    gig = GigFactory()
    ListingSkillFactory(listing=gig, skill=python, level=1)
    client = session_client(person)

    with django_assert_max_num_queries(16):
        response = client.get("/api/v1/me/matches")

    assert response.status_code == 200
    items = response.json()["items"]
    scores = [(item["listing"]["id"], item["match"]["score"]) for item in items]
    assert scores == [(str(job.id), 100), (str(gig.id), 89)]
    assert items[0]["match"]["reasons"] == [
        "1 of 1 required skill, 1 verified",
        "Meets the 2 years asked for",
        "Same place: Cape Town",
        "Pay meets your expectation",
    ]
    assert items[0]["listing"]["skills"] == [
        {"skill_id": str(python.id), "name": "Python", "level": 2, "level_name": "intermediate", "is_required": True}
    ]
    only_gigs = client.get("/api/v1/me/matches?kind=gig&limit=5").json()["items"]
    assert [item["listing"]["id"] for item in only_gigs] == [str(gig.id)]
    assert client.get("/api/v1/me/matches?limit=0").status_code == 422


def test_list_routes_keep_their_query_budget(django_assert_max_num_queries: Any) -> None:
    listing = ListingFactory()
    applications = [ApplicationFactory(listing=listing) for _ in range(5)]
    for application in applications:
        ApplicationFactory(applicant=application.applicant, listing=GigFactory())
    poster = session_client(listing.poster)
    with django_assert_max_num_queries(16):
        assert len(poster.get(f"/api/v1/listings/{listing.id}/applications").json()["items"]) == 5
    me = session_client(applications[0].applicant)
    with django_assert_max_num_queries(16):
        assert len(me.get("/api/v1/me/applications").json()["items"]) == 2
    assert Listing.objects.count() == 6


def test_the_thread_keeps_its_query_budget_and_admins_read_it(django_assert_max_num_queries: Any) -> None:
    from azora.accounts.public import platform_role_grant

    application = ApplicationFactory()
    for number in range(6):
        sender = application.applicant if number % 2 else application.listing.poster
        post(session_client(sender), f"/applications/{application.id}/messages", {"body": f"Message {number}"})
    admin = UserFactory()
    platform_role_grant(user_id=admin.id, role="platform_admin")
    client = session_client(admin)
    with django_assert_max_num_queries(16):
        thread = client.get(f"/api/v1/applications/{application.id}/messages").json()["items"]
    assert [message["body"] for message in thread] == [f"Message {number}" for number in range(6)]
    assert client.get(f"/api/v1/applications/{application.id}").json()["allowed_transitions"] == []
    problem(post(client, f"/applications/{application.id}/messages", {"body": "Hi"}), 403, "not_a_party")
