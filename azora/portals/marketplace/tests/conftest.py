"""Fixtures of the Marketplace UI's view tests: people, signed-in clients, listings from the factories, and a gig
contract reached the real way (proposal, offer, acceptance through `azora.marketplace.public`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

import azora.marketplace.public as market
from azora.accounts.models import User
from azora.accounts.public import platform_role_grant
from azora.accounts.tests.factories import UserFactory
from azora.finance.models import Posting, Transfer
from azora.marketplace.models import (
    Application,
    ApplicationTransition,
    Contract,
    Dispute,
    Listing,
    Message,
    Milestone,
    Review,
)
from azora.marketplace.tests.factories import SkillFactory
from azora.payments.models import PaymentIntent
from azora.shared.models import OutboxEvent

SUCCESS_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000002"
HTMX = {"HX-Request": "true"}

SignIn = Callable[[User], Client]


@pytest.fixture(autouse=True)
def catalogue(db: None) -> None:
    """The catalogue skills these tests name, as the seed migration writes them (found by slug when seeded; made
    again after a transactional test elsewhere flushed the seed)."""
    for name, slug, aliases in (
        ("Python", "python", ["py", "python3"]),
        ("SQL", "sql", ["structured query language"]),
        ("HTML", "html", ["html5"]),
        ("CSS", "css", ["css3"]),
        ("Microsoft Excel", "microsoft-excel", ["excel", "spreadsheets"]),
    ):
        SkillFactory(name=name, slug=slug, aliases=aliases)


@pytest.fixture
def poster(db: None) -> User:
    return UserFactory(email="thandi@example.test", display_name="Thandi Mokoena")


@pytest.fixture
def seller(db: None) -> User:
    return UserFactory(email="sipho@example.test", display_name="Sipho Dlamini")


@pytest.fixture
def stranger(db: None) -> User:
    return UserFactory(email="kwame@example.test", display_name="Kwame Mensah")


@pytest.fixture
def admin(db: None) -> User:
    person = UserFactory(email="zanele@example.test", display_name="Zanele Admin")
    platform_role_grant(user_id=person.id, role="platform_admin")
    return person


@pytest.fixture
def sign_in(db: None) -> SignIn:
    """A fresh test client signed in as `person` (several people act in one test)."""

    def make(person: User) -> Client:
        client = Client()
        client.force_login(person)
        return client

    return make


def card(number: str = SUCCESS_CARD) -> dict[str, str]:
    return {"number": number, "exp_month": "12", "exp_year": "2035", "cvc": "123"}


def propose(listing_id: uuid.UUID, seller: User, **fields: Any) -> market.ApplicationView:
    arguments = {"cover_letter": "I have built six landing pages this year; links below.", **fields}
    return market.application_create(applicant_id=seller.id, listing_id=listing_id, **arguments)


def gig_contract(listing_id: uuid.UUID, client: User, seller: User) -> market.ContractView:
    """A proposal, the client's offer and the seller's acceptance: the contract the marketplace then creates."""
    application = propose(listing_id, seller)
    market.application_transition(actor_id=client.id, application_id=application.id, to_status="offered")
    accepted = market.application_transition(actor_id=seller.id, application_id=application.id, to_status="accepted")
    assert accepted.contract_id is not None
    return market.contract_get(viewer_id=client.id, contract_id=accepted.contract_id)


def fund_by_card(contract: market.ContractView, client: User, position: int = 1) -> market.FundResult:
    milestone = contract.milestones[position - 1]
    return market.milestone_fund(
        actor_id=client.id, milestone_id=milestone.id, source="card", payment_method={"type": "card", **card()}
    )


def market_rows() -> dict[str, int]:
    """How many rows every marketplace and money table holds: unchanged means nothing was written."""
    return {
        "listings": Listing.objects.count(),
        "applications": Application.objects.count(),
        "transitions": ApplicationTransition.objects.count(),
        "messages": Message.objects.count(),
        "contracts": Contract.objects.count(),
        "milestones": Milestone.objects.count(),
        "disputes": Dispute.objects.count(),
        "reviews": Review.objects.count(),
        "transfers": Transfer.objects.count(),
        "postings": Posting.objects.count(),
        "payment_intents": PaymentIntent.objects.count(),
        "events": OutboxEvent.objects.count(),
    }


def states() -> list[tuple[str, str]]:
    """Every application's and milestone's status, so a refused action can be shown to have changed none."""
    return sorted(
        [(str(pk), status) for pk, status in Application.objects.values_list("id", "status")]
        + [(str(pk), status) for pk, status in Milestone.objects.values_list("id", "status")]
    )
