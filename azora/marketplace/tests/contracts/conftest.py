"""Fixtures of the contracts and escrow tests: the parties of a gig contract, a stranger, an admin, wallet money,
snapshots that prove a refused action changed nothing, and the ledger's reconcile check."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import pytest

from azora.accounts.models import User
from azora.accounts.public import platform_role_grant
from azora.accounts.tests.factories import UserFactory
from azora.finance import public as finance
from azora.finance.models import Posting, Transfer
from azora.marketplace.models import Contract, Dispute, Milestone, Review
from azora.marketplace.public import contract_create_for_application
from azora.marketplace.tests.factories import ApplicationFactory, GigFactory
from azora.payments.models import PaymentIntent
from azora.shared.events import dispatch_pending_events
from azora.shared.models import OutboxEvent
from azora.shared.money import Money

type Capture = Callable[..., AbstractContextManager[Any]]

SUCCESS_CARD = {"type": "card", "number": "4242424242424242", "exp_month": "12", "exp_year": "2030", "cvc": "123"}
DECLINED_CARD = {**SUCCESS_CARD, "number": "4000000000000002"}
CHALLENGE_CARD = {**SUCCESS_CARD, "number": "4000000000003220"}


@dataclass(frozen=True)
class Deal:
    """A gig contract between `client` and `seller`: R2,000.00 and R3,000.00 milestones, fee 250 bp."""

    client: User
    seller: User
    contract_id: uuid.UUID
    first: uuid.UUID  # milestone 1 (R2,000.00)
    second: uuid.UUID  # milestone 2 (R3,000.00)


def make_deal(client: User | None = None, seller: User | None = None) -> Deal:
    client = client or UserFactory(display_name="Cleo Client")
    seller = seller or UserFactory(display_name="Sipho Seller")
    application = ApplicationFactory(listing=GigFactory(poster=client), applicant=seller, status="accepted")
    contract_id = contract_create_for_application(application_id=application.id)
    first, second = Milestone.objects.filter(contract_id=contract_id).order_by("position").values_list("id", flat=True)
    return Deal(client=client, seller=seller, contract_id=contract_id, first=first, second=second)


@pytest.fixture
def deal(db: None) -> Deal:
    return make_deal()


@pytest.fixture
def stranger(db: None) -> User:
    user: User = UserFactory(display_name="Sam Stranger")
    return user


@pytest.fixture
def admin(db: None) -> User:
    user: User = UserFactory(display_name="Ada Admin")
    platform_role_grant(user_id=user.id, role="platform_admin")
    return user


def top_up(user: User, minor: int, currency: str = "ZAR") -> None:
    """Puts money in the user's wallet as a card top-up would: from the sandbox provider's clearing account."""
    clearing = finance.platform_account(code="clearing:sandbox", currency=currency)
    wallet = finance.user_wallet(user_id=user.id, currency=currency)
    finance.transfer_post(
        transfer_id=uuid.uuid4(),
        kind="test_top_up",
        reason="Test top-up",
        reference="test",
        postings=[
            finance.Posting(account_id=clearing.id, side="debit", amount=Money(minor, currency)),
            finance.Posting(account_id=wallet.id, side="credit", amount=Money(minor, currency)),
        ],
    )


def balance_of(account: finance.AccountView) -> tuple[int, int, int]:
    """(posted, held, available) in minor units."""
    view = finance.balance(account_id=account.id)
    return (view.posted.minor, view.held.minor, view.available.minor)


def wallet(user: User) -> tuple[int, int, int]:
    return balance_of(finance.user_wallet(user_id=user.id, currency="ZAR"))


def earnings(user: User) -> tuple[int, int, int]:
    return balance_of(finance.user_earnings_account(user_id=user.id, currency="ZAR"))


def fees() -> tuple[int, int, int]:
    return balance_of(finance.platform_account(code="fees:marketplace", currency="ZAR"))


def milestone_status(milestone_id: uuid.UUID) -> str:
    return str(Milestone.objects.values_list("status", flat=True).get(id=milestone_id))


def snapshot() -> dict[str, Any]:
    """Everything a contract use case may write: equal before and after = nothing changed, no ledger entry."""
    return {
        "contracts": sorted((str(r[0]), *r[1:]) for r in Contract.objects.values_list("id", "status", "ended_at")),
        "milestones": sorted(
            (str(r[0]), *r[1:])
            for r in Milestone.objects.values_list(
                "id", "status", "funding_source", "payment_intent_id", "hold_transfer_id", "fee_minor", "updated_at"
            )
        ),
        "disputes": sorted((str(r[0]), *r[1:]) for r in Dispute.objects.values_list("id", "status", "resolution")),
        "reviews": Review.objects.count(),
        "transfers": sorted((str(r[0]), r[1]) for r in Transfer.objects.values_list("id", "status")),
        "postings": Posting.objects.count(),
        "intents": PaymentIntent.objects.count(),
        "events": OutboxEvent.objects.count(),
    }


def assert_reconciled() -> None:
    report = finance.reconcile()
    assert report.differences == ()
    assert report.is_clean


def dispatch_all() -> None:
    """Runs every pending event's subscribers in this process, including events those subscribers publish."""
    for _ in range(10):
        if not OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING).exists():
            return
        dispatch_pending_events()


def events(event_type: str) -> list[dict[str, Any]]:
    return [
        {key: value for key, value in payload.items() if key not in {"event_id", "occurred_at"}}
        for payload in OutboxEvent.objects.filter(event_type=event_type)
        .order_by("id")
        .values_list("payload", flat=True)
    ]


@pytest.fixture
def reconciled(db: None) -> Iterator[None]:
    """The ledger reconciles cleanly after the test, whatever it did."""
    yield
    assert_reconciled()
