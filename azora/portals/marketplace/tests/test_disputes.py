"""The admins' dispute desk: only platform admins see it; a dispute resolved as a split posts the seller's part
(less the fee) and returns the rest; a split that is not a real part, or a second decision, changes nothing."""

from __future__ import annotations

import pytest

import azora.finance.public as finance
import azora.marketplace.public as market
from azora.accounts.models import User
from azora.marketplace.tests.factories import GigFactory
from azora.portals.marketplace.tests.conftest import SignIn, fund_by_card, gig_contract, market_rows, states
from azora.shared.money import Money

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispute(poster: User, seller: User) -> market.DisputeView:
    contract = gig_contract(GigFactory(poster=poster, title="Brochure for a clinic").id, poster, seller)
    fund_by_card(contract, poster)
    milestone = contract.milestones[0]
    market.milestone_submit(actor_id=seller.id, milestone_id=milestone.id, note="Draft brochure attached")
    return market.milestone_dispute(actor_id=poster.id, milestone_id=milestone.id, reason="Half the pages are missing.")


def test_only_platform_admins_see_the_desk(
    sign_in: SignIn, poster: User, admin: User, dispute: market.DisputeView
) -> None:
    assert sign_in(poster).get("/market/disputes/").status_code == 403
    assert sign_in(poster).get(f"/market/disputes/{dispute.id}/").status_code == 403

    html = sign_in(admin).get("/market/disputes/").content.decode()

    assert "Half the pages are missing." in html
    assert f'href="/market/disputes/{dispute.id}/"' in html
    assert 'aria-current="page">Disputes</a>' in html


def test_the_resolve_page_shows_both_sides(sign_in: SignIn, admin: User, dispute: market.DisputeView) -> None:
    html = sign_in(admin).get(f"/market/disputes/{dispute.id}/").content.decode()

    assert "<h1>Resolve a dispute</h1>" in html
    assert "Brochure for a clinic" in html
    assert "<dd>Design: 2,000.00 ZAR</dd>" in html
    assert "<dd>Thandi Mokoena</dd>" in html  # opened by the client
    assert "Draft brochure attached" in html


def test_a_split_pays_the_seller_part_and_returns_the_rest(
    sign_in: SignIn, poster: User, seller: User, admin: User, dispute: market.DisputeView
) -> None:
    client = sign_in(admin)

    response = client.post(
        f"/market/disputes/{dispute.id}/",
        {"resolution": "split", "seller_amount": "1200", "note": "Half the pages were delivered well."},
    )

    assert response.status_code == 302
    contract = market.contract_get(viewer_id=admin.id, contract_id=dispute.contract_id)
    milestone = contract.milestones[0]
    assert milestone.status == "split"
    assert milestone.dispute is not None
    assert (milestone.dispute.resolution, milestone.dispute.seller_amount) == ("split", Money(120_000, "ZAR"))
    assert contract.held == Money(0, "ZAR")
    assert contract.released == Money(120_000 - 3_000, "ZAR")  # the fee is 2.5% of the seller's part only
    html = client.get(response["Location"]).content.decode()
    assert "The dispute is resolved and the decision is posted to the ledger." in html
    assert "Split: 1,200.00 ZAR to the seller" in html
    assert "Half the pages were delivered well." in html
    assert finance.reconcile().is_clean
    seller_view = sign_in(seller).get(f"/market/contracts/{contract.id}/").content.decode()
    assert "Dispute resolved" in seller_view
    assert "1,200.00 ZAR to the seller" in seller_view


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"resolution": "split", "note": "x"}, "Enter the seller&#x27;s part of a split."),
        (
            {"resolution": "split", "seller_amount": "2000", "note": "x"},
            "A split gives the seller more than nothing and less than the whole milestone.",
        ),
        (
            {"resolution": "split", "seller_amount": "5000", "note": "x"},
            "A split gives the seller more than nothing and less than the whole milestone.",
        ),
        ({"resolution": "refund"}, "Decision note: This field is required."),
        ({"resolution": "halve", "note": "x"}, "Select a valid choice."),
    ],
    ids=["split-no-amount", "split-whole", "split-more", "no-note", "unknown"],
)
def test_a_refused_decision_changes_nothing(
    sign_in: SignIn, admin: User, dispute: market.DisputeView, data: dict[str, str], message: str
) -> None:
    before, before_states = market_rows(), states()

    response = sign_in(admin).post(f"/market/disputes/{dispute.id}/", data)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert market_rows() == before
    assert states() == before_states


def test_a_second_decision_is_refused(sign_in: SignIn, admin: User, dispute: market.DisputeView) -> None:
    market.dispute_resolve(admin_id=admin.id, dispute_id=dispute.id, resolution="refund", note="Not delivered")
    before, before_states = market_rows(), states()

    response = sign_in(admin).post(f"/market/disputes/{dispute.id}/", {"resolution": "release", "note": "Oops"})

    assert response.status_code == 409
    assert "This dispute is already resolved." in response.content.decode()
    assert market_rows() == before
    assert states() == before_states
