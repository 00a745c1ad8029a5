"""The contract page and its actions: funding a milestone (card or wallet), handing in, releasing, disputing,
cancelling and reviewing; another person's contract is a 404 on every route, and every refusal shows a clear
error with nothing written (no ledger transfer, no status change)."""

from __future__ import annotations

import re

import pytest

import azora.finance.public as finance
import azora.marketplace.public as market
from azora.accounts.models import User
from azora.marketplace.tests.factories import GigFactory
from azora.portals.marketplace.tests.conftest import (
    DECLINED_CARD,
    SignIn,
    card,
    fund_by_card,
    gig_contract,
    market_rows,
    states,
)
from azora.shared.money import Money

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(poster: User, seller: User) -> market.ContractView:
    return gig_contract(GigFactory(poster=poster, title="Landing page for a spaza shop").id, poster, seller)


def _url(contract: market.ContractView, suffix: str = "", position: int = 1) -> str:
    if suffix in ("fund", "submit", "release", "dispute"):
        return f"/market/contracts/{contract.id}/milestones/{contract.milestones[position - 1].id}/{suffix}/"
    return f"/market/contracts/{contract.id}/{suffix + '/' if suffix else ''}"


def _reconciled() -> None:
    report = finance.reconcile()
    assert report.is_clean, report


def test_accepting_a_gig_offer_opens_the_new_contract(sign_in: SignIn, poster: User, seller: User) -> None:
    gig = GigFactory(poster=poster, title="Logo for a co-op")
    application = market.application_create(applicant_id=seller.id, listing_id=gig.id, cover_letter="I draw logos.")
    market.application_transition(actor_id=poster.id, application_id=application.id, to_status="offered")

    response = sign_in(seller).post(f"/market/applications/{application.id}/transition/", {"to_status": "accepted"})

    contract_id = market.application_get(viewer_id=seller.id, application_id=application.id).contract_id
    assert contract_id is not None
    assert response.status_code == 302
    assert response["Location"] == f"/market/contracts/{contract_id}/"


def test_the_contract_page_shows_milestones_and_what_is_held(
    sign_in: SignIn, poster: User, contract: market.ContractView
) -> None:
    html = sign_in(poster).get(_url(contract)).content.decode()

    assert "<h1>Contract: Landing page for a spaza shop</h1>" in html
    assert "1. Design" in html
    assert "2. Build" in html
    assert '<dd class="escrow-held">0.00 ZAR</dd>' in html
    assert "Not funded yet" in html
    assert f'href="{_url(contract, "fund")}"' in html  # the client funds
    assert "2.5% of each released milestone" in html


def test_the_seller_sees_no_fund_button(sign_in: SignIn, seller: User, contract: market.ContractView) -> None:
    html = sign_in(seller).get(_url(contract)).content.decode()

    assert "Contract: Landing page for a spaza shop" in html
    assert _url(contract, "fund") not in html


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("get", ""),
        ("get", "fund"),
        ("post", "fund"),
        ("post", "submit"),
        ("post", "release"),
        ("get", "dispute"),
        ("post", "dispute"),
        ("post", "cancel"),
        ("post", "reviews"),
    ],
    ids=["page", "fund-page", "fund", "submit", "release", "dispute-page", "dispute", "cancel", "review"],
)
def test_a_third_person_gets_404_on_every_contract_route(
    sign_in: SignIn, stranger: User, contract: market.ContractView, method: str, suffix: str
) -> None:
    before, before_states = market_rows(), states()
    data = {"source": "wallet", "note": "x", "reason": "x", "rating": "5"}

    response = getattr(sign_in(stranger), method)(_url(contract, suffix), data)

    assert response.status_code == 404
    assert market_rows() == before
    assert states() == before_states


def test_funding_by_card_holds_the_money(sign_in: SignIn, poster: User, contract: market.ContractView) -> None:
    client = sign_in(poster)
    page = client.get(_url(contract, "fund")).content.decode()
    assert "Design" in page
    assert "2,000.00 ZAR" in page
    assert "4242 4242 4242 4242" in page  # the sandbox's test cards

    response = client.post(_url(contract, "fund"), {"source": "card", **card()})

    assert response.status_code == 302
    assert response["Location"] == _url(contract)
    after = market.contract_get(viewer_id=poster.id, contract_id=contract.id)
    assert [m.status for m in after.milestones] == ["funded", "pending"]
    assert after.held == Money(200_000, "ZAR")
    html = client.get(_url(contract)).content.decode()
    assert "2,000.00 ZAR is held in escrow for &quot;Design&quot;." in html
    assert '<dd class="escrow-held">2,000.00 ZAR</dd>' in html
    assert "Held in escrow" in html
    _reconciled()


def test_funding_twice_is_refused_and_writes_nothing(
    sign_in: SignIn, poster: User, contract: market.ContractView
) -> None:
    fund_by_card(contract, poster)
    before, before_states = market_rows(), states()

    response = sign_in(poster).post(_url(contract, "fund"), {"source": "card", **card()})

    assert response.status_code == 409
    html = response.content.decode()
    assert "Please correct the following:" in html
    assert market_rows() == before
    assert states() == before_states
    _reconciled()


def test_a_declined_card_leaves_the_milestone_unfunded(
    sign_in: SignIn, poster: User, contract: market.ContractView
) -> None:
    response = sign_in(poster).post(_url(contract, "fund"), {"source": "card", **card(DECLINED_CARD)})

    assert response.status_code == 422
    assert "Please correct the following:" in response.content.decode()
    after = market.contract_get(viewer_id=poster.id, contract_id=contract.id)
    assert [m.status for m in after.milestones] == ["pending", "pending"]
    assert after.held == Money(0, "ZAR")
    _reconciled()


def test_a_wallet_too_low_is_refused_beside_the_button(
    sign_in: SignIn, poster: User, contract: market.ContractView
) -> None:
    before, before_states = market_rows(), states()

    response = sign_in(poster).post(_url(contract, "fund"), {"source": "wallet"})

    assert response.status_code == 422
    html = response.content.decode()
    assert re.search(r'<p class="message message-error" role="alert" id="wallet-error">[^<]+</p>', html)
    assert "Available: <strong>0.00 ZAR</strong>." in html
    assert market_rows() == before
    assert states() == before_states


def test_an_invalid_card_form_writes_nothing(sign_in: SignIn, poster: User, contract: market.ContractView) -> None:
    before = market_rows()

    response = sign_in(poster).post(_url(contract, "fund"), {"source": "card", **card("1234"), "cvc": "abc"})

    assert response.status_code == 422
    html = response.content.decode()
    assert "Enter the card number: 12 to 19 digits." in html
    assert "Enter the 3 or 4 digits on the back of the card." in html
    assert market_rows() == before


def test_the_seller_hands_in_and_the_client_releases(
    sign_in: SignIn, poster: User, seller: User, contract: market.ContractView
) -> None:
    fund_by_card(contract, poster)
    seller_client, client = sign_in(seller), sign_in(poster)
    assert "Hand in the work" in seller_client.get(_url(contract)).content.decode()

    handed_in = seller_client.post(_url(contract, "submit"), {"note": "Designs are in the shared folder."})

    assert handed_in.status_code == 302
    page = client.get(_url(contract)).content.decode()
    assert "Designs are in the shared folder." in page
    assert "Released automatically on" in page

    released = client.post(_url(contract, "release"))

    assert released.status_code == 302
    after = market.contract_get(viewer_id=poster.id, contract_id=contract.id)
    assert [m.status for m in after.milestones] == ["released", "pending"]
    assert after.released == Money(200_000 - 5_000, "ZAR")  # less the 2.5% fee
    html = client.get(_url(contract)).content.decode()
    assert "&quot;Design&quot; is released: 1,950.00 ZAR paid to Sipho Dlamini." in html
    _reconciled()


def test_the_seller_cannot_release_their_own_milestone(
    sign_in: SignIn, poster: User, seller: User, contract: market.ContractView
) -> None:
    fund_by_card(contract, poster)
    market.milestone_submit(actor_id=seller.id, milestone_id=contract.milestones[0].id, note="Done")
    before, before_states = market_rows(), states()

    response = sign_in(seller).post(_url(contract, "release"))

    assert response.status_code == 403
    assert (
        '<p class="message message-error" role="alert">Only the other party can do that.</p>'
        in response.content.decode()
    )
    assert market_rows() == before
    assert states() == before_states


def test_handing_in_an_unfunded_milestone_is_refused(
    sign_in: SignIn, seller: User, contract: market.ContractView
) -> None:
    before, before_states = market_rows(), states()

    response = sign_in(seller).post(_url(contract, "submit"), {"note": "Early"})

    assert response.status_code == 409
    assert 'class="message message-error" role="alert"' in response.content.decode()
    assert market_rows() == before
    assert states() == before_states


def test_opening_a_dispute_keeps_the_money_held(
    sign_in: SignIn, poster: User, seller: User, contract: market.ContractView
) -> None:
    fund_by_card(contract, poster)
    market.milestone_submit(actor_id=seller.id, milestone_id=contract.milestones[0].id, note="Done")
    client = sign_in(poster)
    assert "The money stays held" in client.get(_url(contract, "dispute")).content.decode()

    response = client.post(_url(contract, "dispute"), {"reason": "The design is not what we agreed."})

    assert response.status_code == 302
    after = market.contract_get(viewer_id=poster.id, contract_id=contract.id)
    assert after.milestones[0].status == "disputed"
    assert after.held == Money(200_000, "ZAR")
    html = client.get(_url(contract)).content.decode()
    assert "Dispute open" in html
    assert "The design is not what we agreed." in html
    assert "Disputed: held" in html


def test_a_dispute_without_a_reason_is_refused(sign_in: SignIn, poster: User, contract: market.ContractView) -> None:
    fund_by_card(contract, poster)
    before, before_states = market_rows(), states()

    response = sign_in(poster).post(_url(contract, "dispute"), {"reason": "  "})

    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert market_rows() == before
    assert states() == before_states


def test_cancelling_voids_what_is_held(sign_in: SignIn, poster: User, contract: market.ContractView) -> None:
    fund_by_card(contract, poster)

    response = sign_in(poster).post(_url(contract, "cancel"), {"reason": "The shop closed."})

    assert response.status_code == 302
    after = market.contract_get(viewer_id=poster.id, contract_id=contract.id)
    assert after.status == "canceled"
    assert after.held == Money(0, "ZAR")
    _reconciled()


def test_a_review_before_the_contract_ends_is_refused(
    sign_in: SignIn, poster: User, contract: market.ContractView
) -> None:
    before = market_rows()

    response = sign_in(poster).post(_url(contract, "reviews"), {"rating": "5", "text": "Great"})

    assert response.status_code == 409
    html = response.content.decode()
    assert '<p class="message message-error" role="alert">Reviews open when the contract has ended.</p>' in html
    assert market_rows() == before


def _complete(contract: market.ContractView, client: User, seller: User) -> None:
    for position, milestone in enumerate(contract.milestones, 1):
        fund_by_card(contract, client, position)
        market.milestone_submit(actor_id=seller.id, milestone_id=milestone.id, note="Done")
        market.milestone_release(actor_id=client.id, milestone_id=milestone.id)


def test_both_sides_review_and_the_reviews_publish_together(
    sign_in: SignIn, poster: User, seller: User, contract: market.ContractView
) -> None:
    _complete(contract, poster, seller)
    client, seller_client = sign_in(poster), sign_in(seller)
    assert "Publish review" in client.get(_url(contract)).content.decode()

    first = client.post(_url(contract, "reviews"), {"rating": "5", "text": "Fast and careful work."})
    assert first.status_code == 302
    page = client.get(_url(contract)).content.decode()
    assert "Your review stays hidden until the other side reviews too" in page
    assert "hidden until both sides have reviewed" in page
    assert "Fast and careful work." not in sign_in(seller).get(_url(contract)).content.decode()

    second = seller_client.post(_url(contract, "reviews"), {"rating": "4", "text": "Clear brief, paid on time."})

    assert second.status_code == 302
    html = seller_client.get(_url(contract)).content.decode()
    assert "Thank you. Both reviews are in and now published." in html
    assert "Fast and careful work." in html
    assert "Clear brief, paid on time." in html
    profile = sign_in(poster).get(f"/market/people/{seller.id}/").content.decode()
    assert "5 out of 5" in profile


def test_a_second_review_is_refused(sign_in: SignIn, poster: User, seller: User, contract: market.ContractView) -> None:
    _complete(contract, poster, seller)
    market.review_create(author_id=poster.id, contract_id=contract.id, rating=5, text="Good")
    before = market_rows()

    response = sign_in(poster).post(_url(contract, "reviews"), {"rating": "1", "text": "Changed my mind"})

    assert response.status_code == 409
    assert "You have already reviewed this contract." in response.content.decode()
    assert market_rows() == before


def test_a_review_without_a_rating_is_refused(
    sign_in: SignIn, poster: User, seller: User, contract: market.ContractView
) -> None:
    _complete(contract, poster, seller)
    before = market_rows()

    response = sign_in(poster).post(_url(contract, "reviews"), {"text": "No stars"})

    assert response.status_code == 422
    assert "Rating: This field is required." in response.content.decode()
    assert market_rows() == before


def test_my_contracts_lists_both_sides(
    sign_in: SignIn, poster: User, seller: User, contract: market.ContractView
) -> None:
    client_html = sign_in(poster).get("/market/contracts/").content.decode()
    seller_html = sign_in(seller).get("/market/contracts/").content.decode()

    assert "Landing page for a spaza shop" in client_html
    assert "<td>Client</td>" in client_html
    assert "<td>Sipho Dlamini</td>" in client_html
    assert "<td>Seller</td>" in seller_html
    assert "<td>Thandi Mokoena</td>" in seller_html


def test_a_bank_challenge_goes_to_the_pay_uis_challenge_page(
    sign_in: SignIn, poster: User, contract: market.ContractView
) -> None:
    client = sign_in(poster)

    response = client.post(_url(contract, "fund"), {"source": "card", **card("4000000000003220")})

    after = market.contract_get(viewer_id=poster.id, contract_id=contract.id)
    intent_id = after.milestones[0].payment_intent_id
    assert response.status_code == 302
    assert response["Location"] == f"/pay/checkout/{intent_id}/"  # the Pay UI sends it on to the challenge
    assert after.milestones[0].status == "funding"
    assert after.held == Money(0, "ZAR")
    page = client.get(_url(contract)).content.decode()
    assert "Payment in progress" in page
    assert f'<a href="/pay/checkout/{intent_id}/">Continue the card payment' in page
