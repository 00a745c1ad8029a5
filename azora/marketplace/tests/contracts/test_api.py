"""The contracts API: every route works for the parties (admins for disputes), a third user gets 404 on every
contract route, and refused requests are RFC 9457 problems that change nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from azora.accounts.models import User
from azora.accounts.tests.conftest import session_client
from azora.marketplace.public import milestone_dispute, milestone_fund, review_create
from azora.marketplace.tests.contracts.conftest import (
    SUCCESS_CARD,
    Capture,
    Deal,
    assert_reconciled,
    dispatch_all,
    earnings,
    snapshot,
    top_up,
    wallet,
)

pytestmark = pytest.mark.django_db
JSON = "application/json"


def send(client: Client, method: str, path: str, body: Any = None) -> Any:
    call = getattr(client, method.lower())
    if method == "GET":
        return call(f"/api/v1{path}")
    return call(f"/api/v1{path}", data=json.dumps(body if body is not None else {}), content_type=JSON)


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert (body["status"], body["code"]) == (status, code)
    return body


def zar(minor: int) -> dict[str, Any]:
    return {"amount": f"{minor // 100}.{minor % 100:02d}", "currency": "ZAR", "minor": minor}


def test_the_whole_journey_through_the_api(deal: Deal, admin: User) -> None:
    client, seller = session_client(deal.client), session_client(deal.seller)
    top_up(deal.client, 200_000)

    got = send(client, "GET", f"/contracts/{deal.contract_id}")
    assert got.status_code == 200
    body = got.json()
    assert (body["status"], body["total"], body["fee_bp"], body["client_name"], body["seller_name"]) == (
        "active",
        zar(500_000),
        250,
        "Cleo Client",
        "Sipho Seller",
    )
    assert [(m["position"], m["status"], m["amount"]) for m in body["milestones"]] == [
        (1, "pending", zar(200_000)),
        (2, "pending", zar(300_000)),
    ]

    funded = send(client, "POST", f"/milestones/{deal.first}/fund", {"source": "wallet"})
    assert funded.status_code == 200, funded.content
    assert (funded.json()["milestone"]["status"], funded.json()["payment_status"]) == ("funded", "")

    card = {key: value for key, value in SUCCESS_CARD.items() if key != "type"}
    by_card = send(client, "POST", f"/milestones/{deal.second}/fund", {"source": "card", "card": card})
    assert by_card.status_code == 200, by_card.content
    assert (by_card.json()["milestone"]["status"], by_card.json()["payment_status"]) == ("funded", "succeeded")
    dispatch_all()

    submitted = send(seller, "POST", f"/milestones/{deal.first}/submit", {"note": "Designs in the shared folder"})
    assert (submitted.status_code, submitted.json()["status"]) == (200, "submitted")
    released = send(client, "POST", f"/milestones/{deal.first}/release")
    assert (released.status_code, released.json()["status"], released.json()["fee"]) == (200, "released", zar(5_000))

    disputed = send(seller, "POST", f"/milestones/{deal.second}/dispute", {"reason": "The client went quiet"})
    assert disputed.status_code == 201, disputed.content
    dispute_id = disputed.json()["id"]
    listed = send(session_client(admin), "GET", "/disputes")
    assert [item["id"] for item in listed.json()["items"]] == [dispute_id]
    resolved = send(
        session_client(admin),
        "POST",
        f"/disputes/{dispute_id}/resolve",
        {"resolution": "split", "seller_amount": "1500.00", "note": "Half the build was delivered"},
    )
    assert resolved.status_code == 200, resolved.content
    assert (resolved.json()["resolution"], resolved.json()["seller_amount"]) == ("split", zar(150_000))

    after = send(client, "GET", f"/contracts/{deal.contract_id}").json()
    assert (after["status"], after["held"], after["released"], after["viewer_may_review"]) == (
        "completed",
        zar(0),
        zar(195_000 + 146_250),
        True,
    )
    assert earnings(deal.seller) == (341_250, 0, 341_250)
    assert wallet(deal.client) == (500_000 - 200_000 - 150_000, 0, 150_000)

    review = send(client, "POST", f"/contracts/{deal.contract_id}/reviews", {"rating": 4, "text": "Good designs."})
    assert (review.status_code, review.json()["is_published"]) == (201, False)
    send(seller, "POST", f"/contracts/{deal.contract_id}/reviews", {"rating": 5, "text": "Fair client."})
    reviews = send(client, "GET", f"/users/{deal.seller.id}/reviews").json()
    assert reviews["rating"] == {"average": 4.0, "count": 1}
    assert [(item["rating"], item["text"], item["author_name"]) for item in reviews["items"]] == [
        (4, "Good designs.", "Cleo Client")
    ]
    mine = send(seller, "GET", "/me/contracts").json()
    assert [item["id"] for item in mine["items"]] == [str(deal.contract_id)]
    assert_reconciled()


def test_a_third_user_gets_404_on_every_contract_route(deal: Deal, stranger: User) -> None:
    top_up(deal.client, 500_000)
    milestone_fund(actor_id=deal.client.id, milestone_id=deal.first, source="wallet")
    dispute = milestone_dispute(actor_id=deal.client.id, milestone_id=deal.first, reason="Late")
    other = session_client(stranger)
    top_up(stranger, 500_000)
    before = snapshot()

    checks = [
        ("GET", f"/contracts/{deal.contract_id}", None, "contract_not_found"),
        ("POST", f"/contracts/{deal.contract_id}/cancel", {"reason": "x"}, "contract_not_found"),
        ("POST", f"/milestones/{deal.second}/fund", {"source": "wallet"}, "milestone_not_found"),
        ("POST", f"/milestones/{deal.first}/submit", {}, "milestone_not_found"),
        ("POST", f"/milestones/{deal.first}/release", {}, "milestone_not_found"),
        ("POST", f"/milestones/{deal.second}/dispute", {"reason": "x"}, "milestone_not_found"),
        ("POST", f"/disputes/{dispute.id}/resolve", {"resolution": "refund"}, "dispute_not_found"),
        ("POST", f"/contracts/{deal.contract_id}/reviews", {"rating": 1}, "contract_not_found"),
    ]
    for method, path, body, code in checks:
        assert_problem(send(other, method, path, body), 404, code)
    assert send(other, "GET", "/me/contracts").json() == {"items": [], "next_cursor": None}
    assert_problem(send(other, "GET", "/disputes"), 403, "disputes_admin_only")

    assert snapshot() == before


def test_an_admin_sees_any_contract(deal: Deal, admin: User) -> None:
    response = send(session_client(admin), "GET", f"/contracts/{deal.contract_id}")
    assert (response.status_code, response.json()["id"]) == (200, str(deal.contract_id))


def test_refused_requests_are_problems_and_write_nothing(deal: Deal) -> None:
    client, seller = session_client(deal.client), session_client(deal.seller)
    top_up(deal.client, 100_000)
    before = snapshot()

    assert_problem(send(client, "POST", f"/milestones/{deal.first}/fund", {"source": "wallet"}), 422,
                   "wallet_balance_too_low")  # fmt: skip
    assert_problem(send(seller, "POST", f"/milestones/{deal.first}/fund", {"source": "wallet"}), 403, "not_a_party")
    assert_problem(send(client, "POST", f"/milestones/{deal.first}/release"), 409, "milestone_state_invalid")
    assert_problem(send(client, "POST", f"/contracts/{deal.contract_id}/reviews", {"rating": 5}), 409,
                   "contract_not_ended")  # fmt: skip
    assert send(client, "POST", f"/milestones/{deal.first}/fund", {"source": "cash"}).status_code == 422
    assert send(client, "POST", f"/milestones/{deal.first}/fund", {"source": "wallet", "extra": 1}).status_code == 422
    assert send(client, "POST", f"/contracts/{deal.contract_id}/reviews", {"rating": 9}).status_code == 422

    assert snapshot() == before
    assert_reconciled()


def test_funding_twice_through_the_api_is_a_conflict(deal: Deal) -> None:
    client = session_client(deal.client)
    top_up(deal.client, 500_000)
    assert send(client, "POST", f"/milestones/{deal.first}/fund", {"source": "wallet"}).status_code == 200
    before = snapshot()

    assert_problem(send(client, "POST", f"/milestones/{deal.first}/fund", {"source": "wallet"}), 409,
                   "milestone_state_invalid")  # fmt: skip

    assert snapshot() == before


def test_signed_out_callers_are_refused(deal: Deal) -> None:
    response = send(Client(), "GET", f"/contracts/{deal.contract_id}")
    assert response.status_code == 401


def test_the_contract_list_has_a_query_budget(deal: Deal, django_assert_max_num_queries: Capture) -> None:
    from azora.marketplace.tests.contracts.conftest import make_deal

    for _ in range(3):
        make_deal(client=deal.client)
    top_up(deal.client, 200_000)
    milestone_fund(actor_id=deal.client.id, milestone_id=deal.first, source="wallet")
    client = session_client(deal.client)
    with django_assert_max_num_queries(12):
        response = send(client, "GET", "/me/contracts")
    assert len(response.json()["items"]) == 4

    first = send(client, "GET", "/me/contracts?limit=3").json()
    assert first["next_cursor"] is not None
    rest = send(client, "GET", f"/me/contracts?limit=3&cursor={first['next_cursor']}").json()
    assert (len(first["items"]), len(rest["items"]), rest["next_cursor"]) == (3, 1, None)
    assert rest["items"][0]["id"] == str(deal.contract_id)  # the oldest last


def test_a_review_through_the_api_refuses_abuse(deal: Deal) -> None:
    top_up(deal.client, 500_000)
    for milestone_id in (deal.first, deal.second):
        milestone_fund(actor_id=deal.client.id, milestone_id=milestone_id, source="wallet")
        send(session_client(deal.client), "POST", f"/milestones/{milestone_id}/release")
    before = snapshot()

    response = send(
        session_client(deal.seller),
        "POST",
        f"/contracts/{deal.contract_id}/reviews",
        {"rating": 1, "text": "You are a fucking idiot."},
    )

    assert_problem(response, 422, "review_rejected")
    assert snapshot() == before
    review_create(author_id=deal.seller.id, contract_id=deal.contract_id, rating=3)
