"""Fixtures for the Payment Service's tests: people, a retry policy that never sleeps, and helpers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import override_settings

from azora.accounts.models import User
from azora.accounts.public import platform_role_grant
from azora.accounts.tests.factories import UserFactory
from azora.payments import services
from azora.payments.adapters.retry import RetryPolicy
from azora.payments.models import PaymentIntent, PaymentIntentTransition, Receipt, Refund, WebhookEvent
from azora.payments.tests.contract.servers import (
    PAYSTACK_KEY,
    STRIPE_KEY,
    FakeProvider,
    PaystackHandler,
    StripeHandler,
    serve,
)
from azora.shared.models import OutboxEvent

SUCCESS_CARD = {"type": "card", "number": "4242424242424242", "exp_month": "12", "exp_year": "2040", "cvc": "123"}


def card(number: str) -> dict[str, str]:
    return {**SUCCESS_CARD, "number": number}


@dataclass
class Sleeps:
    """The delays a RetryPolicy asked for, instead of sleeping them."""

    delays: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture(autouse=True)
def sleeps(monkeypatch: pytest.MonkeyPatch) -> Sleeps:
    recorder = Sleeps()
    monkeypatch.setattr(services, "retry_policy", RetryPolicy(sleep=recorder, jitter=lambda: 1.0))
    return recorder


@pytest.fixture
def customer(db: None) -> User:
    return UserFactory(email="thandi@example.test", display_name="Thandi Nkosi")


@pytest.fixture
def other_user(db: None) -> User:
    return UserFactory(email="other@example.test")


@pytest.fixture
def finance_admin(db: None) -> User:
    user: User = UserFactory(email="finance@example.test", display_name="Fin Admin")
    platform_role_grant(user_id=user.id, role="finance_admin")
    return user


def payments_snapshot() -> dict[str, Any]:
    """Everything the Payment Service writes, to prove that a refused request changed nothing."""
    return {
        "intents": list(
            PaymentIntent.objects.order_by("id").values_list(
                "id", "status", "amount_refunded_minor", "failure_code", "confirm_idempotency_key"
            )
        ),
        "transitions": PaymentIntentTransition.objects.count(),
        "refunds": list(Refund.objects.order_by("id").values_list("id", "status")),
        "receipts": Receipt.objects.count(),
        "webhooks": list(WebhookEvent.objects.order_by("id").values_list("id", "status", "deliveries")),
        "events": OutboxEvent.objects.count(),
    }


def published(event_type: str) -> list[dict[str, Any]]:
    return list(OutboxEvent.objects.filter(event_type=event_type).order_by("id").values_list("payload", flat=True))


@pytest.fixture
def stripe_server() -> Iterator[FakeProvider]:
    """The local Stripe API server, with Stripe enabled beside the sandbox and pointed at it."""
    with (
        serve(StripeHandler) as server,
        override_settings(
            AZORA_PAYMENTS_ENABLED_PROVIDERS=["sandbox", "stripe"],
            AZORA_STRIPE_SECRET_KEY=STRIPE_KEY,
            AZORA_STRIPE_WEBHOOK_SECRET="whsec_api_test",
            AZORA_STRIPE_API_BASE=server.url,
        ),
    ):
        yield server


@pytest.fixture
def paystack_server() -> Iterator[FakeProvider]:
    """The local Paystack API server, with Paystack enabled beside the sandbox and pointed at it."""
    with (
        serve(PaystackHandler) as server,
        override_settings(
            AZORA_PAYMENTS_ENABLED_PROVIDERS=["sandbox", "paystack"],
            AZORA_PAYSTACK_SECRET_KEY=PAYSTACK_KEY,
            AZORA_PAYSTACK_API_BASE=server.url,
        ),
    ):
        yield server
