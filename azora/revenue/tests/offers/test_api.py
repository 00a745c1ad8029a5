"""GET /api/v1/me/offers and POST /api/v1/offers/{id}/accept: problems for bad input, and nothing changed."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from azora.accounts.models import User
from azora.accounts.tests.conftest import session_client
from azora.accounts.tests.factories import UserFactory
from azora.revenue.models import UpgradeOffer
from azora.revenue.public.offers import OfferView
from azora.revenue.services import offers
from azora.revenue.tests.offers.conftest import offers_snapshot

pytestmark = pytest.mark.django_db


def accept(client: Client, offer_id: object) -> Any:
    """POST with no body, as a JSON client sends it."""
    return client.post(f"/api/v1/offers/{offer_id}/accept", content_type="application/json")


def make(user: User, kind: str) -> OfferView:
    view = offers.offer_make(user_id=user.id, kind=kind, event_id=uuid.uuid4())
    assert view is not None
    return view


def stamp(value: dt.datetime) -> str:
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def test_the_list_shows_the_callers_offers(learner: User) -> None:
    offer = make(learner, "progress")
    make(UserFactory(), "progress")
    response = session_client(learner).get("/api/v1/me/offers")
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": str(offer.id),
            "kind": "progress",
            "status": "active",
            "plan_code": "pro",
            "percent_off_bp": 5000,
            "trial_days": 0,
            "course_id": None,
            "expires_at": stamp(offer.expires_at),
            "accepted_at": None,
            "is_used": False,
            "created_at": stamp(offer.created_at),
        }
    ]


def test_accepting_a_trial_offer_answers_the_accepted_offer(learner: User) -> None:
    offer = make(learner, "first_pass")
    response = accept(session_client(learner), offer.id)
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["status"], body["trial_days"], body["is_used"]) == (str(offer.id), "accepted", 7, True)
    assert UpgradeOffer.objects.get(id=offer.id).status == "accepted"


def _problem(response: Any, status: int, code: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == code


def test_someone_elses_or_an_unknown_offer_is_404_and_nothing_changes(learner: User) -> None:
    offer = make(learner, "first_pass")
    client = session_client(UserFactory())
    before = offers_snapshot()
    _problem(accept(client, offer.id), 404, "offer_not_found")
    _problem(accept(client, uuid.uuid4()), 404, "offer_not_found")
    assert offers_snapshot() == before


def test_an_expired_offer_is_409_and_nothing_changes(learner: User) -> None:
    offer = make(learner, "progress")
    UpgradeOffer.objects.filter(id=offer.id).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    before = offers_snapshot()
    _problem(accept(session_client(learner), offer.id), 409, "offer_expired")
    assert offers_snapshot() == before


def test_a_malformed_id_is_a_problem_and_anonymous_callers_are_refused(learner: User, client: Any) -> None:
    make(learner, "progress")
    before = offers_snapshot()
    response = accept(session_client(learner), "not-an-id")
    assert response.status_code in (404, 422)
    assert response["Content-Type"].startswith("application/problem+json")
    assert client.get("/api/v1/me/offers").status_code == 401
    assert accept(client, uuid.uuid4()).status_code == 401
    assert offers_snapshot() == before
