"""Payments demo data: the demo learner's card top-up of their ZAR wallet, with its receipt."""

from __future__ import annotations

from azora.accounts.public import active_user_id_by_email
from azora.payments import services
from azora.payments.adapters.cards import SANDBOX_TEST_CARDS
from azora.payments.config import payments_config
from azora.shared.money import Money

DEMO_CUSTOMER = "learner@azora.local"
DEMO_CARD = next(number for number, outcome in SANDBOX_TEST_CARDS.items() if outcome == "succeeded")


def load_demo_data() -> None:
    """Idempotent: the same idempotency keys every run, so a second run returns the first payment."""
    customer_id = active_user_id_by_email(email=DEMO_CUSTOMER)
    if customer_id is None or "sandbox" not in payments_config().enabled_providers:
        return
    intent = services.payment_intent_create(
        customer_id=customer_id,
        amount=Money(150_00, "ZAR"),
        purpose="wallet_top_up",
        description="Wallet top-up (demo)",
        provider="sandbox",
        idempotency_key="demo:top-up",
    )
    services.payment_intent_confirm(
        intent_id=intent.id,
        customer_id=customer_id,
        payment_method={"type": "card", "number": DEMO_CARD, "exp_month": "12", "exp_year": "2040", "cvc": "123"},
        idempotency_key="demo:top-up",
    )
