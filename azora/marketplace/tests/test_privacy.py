"""The Marketplace's data protection: its export section, the blockers (an open dispute, money in escrow) and
what an approved deletion clears while contracts and amounts stay."""

from __future__ import annotations

import pytest

import azora.security.public as security
from azora.marketplace.models import Application, Contract, Dispute, Message, Milestone, Profile, Review
from azora.marketplace.privacy import anonymise_marketplace_data, export_marketplace_data
from azora.marketplace.public import milestone_dispute, milestone_fund, milestone_submit
from azora.marketplace.tests.contracts.conftest import make_deal, top_up
from azora.marketplace.tests.factories import ProfileFactory
from azora.security.errors import DeletionBlocked
from azora.security.models import DeletionRequest

pytestmark = pytest.mark.django_db


def test_money_in_escrow_blocks_both_parties_and_nothing_is_saved() -> None:
    deal = make_deal()
    top_up(deal.client, 200_000)
    milestone_fund(actor_id=deal.client.id, milestone_id=deal.first, source="wallet")

    for party in (deal.client, deal.seller):
        with pytest.raises(DeletionBlocked) as raised:
            security.deletion_request_create(user_id=party.id)
        assert raised.value.extra["blockers"] == [
            "A Marketplace contract of yours has money in escrow: it must be released or refunded first."
        ]
    assert DeletionRequest.objects.count() == 0


def test_an_open_dispute_blocks_a_deletion() -> None:
    deal = make_deal()
    top_up(deal.client, 200_000)
    milestone_fund(actor_id=deal.client.id, milestone_id=deal.first, source="wallet")
    milestone_submit(actor_id=deal.seller.id, milestone_id=deal.first, note="Done")
    milestone_dispute(actor_id=deal.client.id, milestone_id=deal.first, reason="Not what we agreed")

    with pytest.raises(DeletionBlocked) as raised:
        security.deletion_request_create(user_id=deal.seller.id)

    assert raised.value.extra["blockers"] == ["You have an open dispute in the Marketplace: it must be resolved first."]


def test_a_contract_without_money_held_does_not_block() -> None:
    deal = make_deal()

    assert security.deletion_request_blockers(user_id=deal.client.id) == []


def test_the_export_holds_what_the_person_wrote_and_their_contracts() -> None:
    deal = make_deal()
    ProfileFactory(user=deal.seller, headline="Python tutor")

    data = export_marketplace_data(deal.seller.id)

    assert [row["headline"] for row in data["profile"]] == ["Python tutor"]
    assert [row["id"] for row in data["contracts"]] == [deal.contract_id]
    assert len(data["applications"]) == 1
    assert data["listings"] == []
    assert [row["id"] for row in export_marketplace_data(deal.client.id)["contracts"]] == [deal.contract_id]


def test_anonymising_clears_texts_and_keeps_contracts_and_amounts() -> None:
    deal = make_deal()
    ProfileFactory(user=deal.seller, bio="I live in Cape Town")
    top_up(deal.client, 200_000)
    milestone_fund(actor_id=deal.client.id, milestone_id=deal.first, source="wallet")
    milestone_submit(actor_id=deal.seller.id, milestone_id=deal.first, note="Call me on 082 555 0101")
    application = Application.objects.get(applicant=deal.seller)
    Message.objects.create(application=application, sender=deal.seller, body="My address is ...")
    amounts = list(Milestone.objects.order_by("position").values_list("amount_minor", "status"))

    anonymise_marketplace_data(deal.seller.id)

    assert not Profile.objects.filter(user=deal.seller).exists()
    application.refresh_from_db()
    assert (application.cover_letter, application.portfolio_links) == ("[removed]", [])
    assert list(Message.objects.filter(sender=deal.seller).values_list("body", flat=True)) == ["[removed]"]
    assert Milestone.objects.get(pk=deal.first).submission_note == ""
    assert list(Milestone.objects.order_by("position").values_list("amount_minor", "status")) == amounts
    assert Contract.objects.filter(pk=deal.contract_id).exists()
    assert Review.objects.filter(author=deal.seller).count() == Dispute.objects.count() == 0
