"""Fixtures of the Pay UI's view tests: people, signed-in clients, and money put in a wallet the real way."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

import azora.finance.public as finance
import azora.payments.public as payments
from azora.accounts.models import User
from azora.accounts.tests.factories import UserFactory
from azora.finance.models import Posting, Transfer
from azora.payments.models import PaymentIntent, Refund
from azora.shared.money import Money

SUCCESS_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000002"
CHALLENGE_CARD = "4000000000003220"
PROCESSING_CARD = "4000000000000077"

TopUp = Callable[..., payments.PaymentIntentView]


@pytest.fixture
def person(db: None) -> User:
    return UserFactory(email="lindiwe@example.test", display_name="Lindiwe")


@pytest.fixture
def other(db: None) -> User:
    return UserFactory(email="sipho@example.test", display_name="Sipho")


@pytest.fixture
def signed_in(client: Client, person: User) -> Client:
    client.force_login(person)
    return client


def card(number: str = SUCCESS_CARD) -> dict[str, str]:
    return {"type": "card", "number": number, "exp_month": "12", "exp_year": "2035", "cvc": "123"}


@pytest.fixture
def top_up(db: None) -> TopUp:
    """Pays `minor` AZR into a person's wallet by sandbox card, through the Payment Service as the page does."""

    def pay(user: User, minor: int, number: str = SUCCESS_CARD) -> payments.PaymentIntentView:
        intent = payments.payment_intent_create(
            customer_id=user.id, amount=Money(minor, "AZR"), purpose="wallet_top_up", description="Wallet top-up"
        )
        return payments.payment_intent_confirm(intent_id=intent.id, customer_id=user.id, payment_method=card(number))

    return pay


def available(user: User, currency: str = "AZR") -> Money:
    wallet = finance.user_wallet(user_id=user.id, currency=currency)
    return finance.balance(account_id=wallet.id).available


def money_rows() -> tuple[int, int, int, int]:
    """How many transfers, postings, payment intents and refunds exist: unchanged means nothing was written."""
    return (Transfer.objects.count(), Posting.objects.count(), PaymentIntent.objects.count(), Refund.objects.count())
