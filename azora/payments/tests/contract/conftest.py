"""The three providers as contract-test cases: the sandbox in-process, Stripe and Paystack behind local servers."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import pytest
import stripe

from azora.payments.adapters.base import CreateRequest, PaymentProvider
from azora.payments.adapters.paystack import PaystackProvider
from azora.payments.adapters.retry import RetryPolicy
from azora.payments.adapters.sandbox import SandboxProvider
from azora.payments.adapters.stripe import StripeProvider
from azora.payments.tests.conftest import SUCCESS_CARD, Sleeps, card
from azora.payments.tests.contract.servers import (
    PAYSTACK_KEY,
    STRIPE_KEY,
    FakeProvider,
    PaystackHandler,
    StripeHandler,
    serve,
)
from azora.shared.money import Money

SANDBOX_SECRET = "whsec_sandbox_contract"
STRIPE_WEBHOOK_SECRET = "whsec_stripe_contract"
OUTCOMES = ("succeeded", "card_declined", "insufficient_funds", "expired_card", "requires_action", "processing")
SANDBOX_NUMBERS = {
    "succeeded": "4242424242424242",
    "card_declined": "4000000000000002",
    "insufficient_funds": "4000000000009995",
    "expired_card": "4000000000000069",
    "requires_action": "4000000000003220",
    "processing": "4000000000000077",
}
STRIPE_METHODS = {
    "succeeded": "pm_card_visa",
    "card_declined": "pm_card_chargeDeclined",
    "insufficient_funds": "pm_card_chargeDeclinedInsufficientFunds",
    "expired_card": "pm_card_chargeDeclinedExpiredCard",
    "requires_action": "pm_card_authenticationRequired",
    "processing": "pm_card_async_settlement",
}


@dataclass
class Case:
    """One provider, and how the world outside us (the customer, the bank) acts on it in a test."""

    name: str
    provider: PaymentProvider
    methods: Mapping[str, Mapping[str, str]]  # outcome -> payment method
    customer_passes_challenge: Callable[[str], None]
    bank_settles: Callable[[str], None]
    signed_webhook: Callable[[str], tuple[bytes, dict[str, str]]]  # for the payment's current status
    server: FakeProvider | None
    sleeps: Sleeps
    # "succeeded", "card_declined" (saves, fails when charged later), "authentication_required" (needs 3-D Secure)
    # -> what save_payment_method takes for such a card; Paystack's needs a paid transaction of the customer first.
    method_to_save: Callable[[str], Mapping[str, str]]


SAVED_SANDBOX_NUMBERS = {
    "succeeded": "4242424242424242",
    "card_declined": "4000000000000002",
    "authentication_required": "4000000000003220",
}
SAVED_STRIPE_METHODS = {
    "succeeded": "pm_card_visa",
    "card_declined": "pm_card_chargeCustomerFail",
    "authentication_required": "pm_card_authenticationRequired",
}
# Paystack saves the authorization of a first, successful charge; servers.PAYSTACK_RECURRING fails the later ones.
SAVED_PAYSTACK_NUMBERS = {
    "succeeded": "4242424242424242",
    "card_declined": "4000000000000341",
    "authentication_required": "4000002760003184",
}
CUSTOMER_EMAIL = "thandi@example.test"


def sandbox_case(sleeps: Sleeps) -> Case:
    provider = SandboxProvider(webhook_secret=SANDBOX_SECRET)
    return Case(
        name="sandbox",
        provider=provider,
        methods={outcome: card(number) for outcome, number in SANDBOX_NUMBERS.items()},
        customer_passes_challenge=lambda ref: None,  # the sandbox's complete_action is the challenge itself
        bank_settles=lambda ref: provider.settle(provider_ref=ref),
        signed_webhook=lambda ref: provider.signed_event(provider_ref=ref),
        server=None,
        sleeps=sleeps,
        method_to_save=lambda outcome: card(SAVED_SANDBOX_NUMBERS[outcome]),
    )


def stripe_case(server: FakeProvider, sleeps: Sleeps) -> Case:
    provider = StripeProvider(
        secret_key=STRIPE_KEY,
        webhook_secret=STRIPE_WEBHOOK_SECRET,
        api_base=server.url,
        timeout=5,
        retry=RetryPolicy(sleep=sleeps, jitter=lambda: 1.0),
    )

    def set_status(ref: str, status: str) -> None:
        intent = server.objects[ref]
        intent["status"], intent["next_action"] = status, None

    def signed_webhook(ref: str) -> tuple[bytes, dict[str, str]]:
        intent = {key: value for key, value in server.objects[ref].items() if key not in {"card", "refunded"}}
        event = {
            "id": f"evt_{secrets.token_hex(12)}",
            "object": "event",
            "type": f"payment_intent.{intent['status']}",
            "created": int(dt.datetime.now(dt.UTC).timestamp()),
            "data": {"object": intent},
        }
        body = json.dumps(event).encode()
        timestamp = int(dt.datetime.now(dt.UTC).timestamp())
        # Signed with the official package's own routine, so our verifier is checked against Stripe's scheme.
        signature = stripe.WebhookSignature._compute_signature(f"{timestamp}.{body.decode()}", STRIPE_WEBHOOK_SECRET)
        return body, {"Stripe-Signature": f"t={timestamp},v1={signature}"}

    return Case(
        name="stripe",
        provider=provider,
        methods={outcome: {"type": "card", "payment_method": pm} for outcome, pm in STRIPE_METHODS.items()},
        customer_passes_challenge=lambda ref: set_status(ref, "succeeded"),
        bank_settles=lambda ref: set_status(ref, "succeeded"),
        signed_webhook=signed_webhook,
        server=server,
        sleeps=sleeps,
        method_to_save=lambda outcome: {"type": "card", "payment_method": SAVED_STRIPE_METHODS[outcome]},
    )


def paystack_case(server: FakeProvider, sleeps: Sleeps) -> Case:
    provider = PaystackProvider(
        secret_key=PAYSTACK_KEY, api_base=server.url, timeout=5, retry=RetryPolicy(sleep=sleeps, jitter=lambda: 1.0)
    )

    def succeed(ref: str) -> None:
        server.objects[ref]["status"] = "success"

    def signed_webhook(ref: str) -> tuple[bytes, dict[str, str]]:
        transaction = {key: value for key, value in server.objects[ref].items() if key not in {"refunded", "refunds"}}
        event_name = {"success": "charge.success", "failed": "charge.failed"}.get(
            transaction["status"], "charge.pending"
        )
        body = json.dumps({"event": event_name, "data": transaction}).encode()
        signature = hmac.new(PAYSTACK_KEY.encode(), body, hashlib.sha512).hexdigest()
        return body, {"x-paystack-signature": signature}

    def paid_transaction(outcome: str) -> Mapping[str, str]:
        reference = f"first-{secrets.token_hex(6)}"
        first = CreateRequest(
            amount=Money(100, "ZAR"), reference=reference, description="First payment", customer_email=CUSTOMER_EMAIL,
            metadata={}, idempotency_key=reference,
        )  # fmt: skip
        provider.create_intent(first)
        paid = provider.confirm_intent(
            provider_ref=reference, payment_method=card(SAVED_PAYSTACK_NUMBERS[outcome]), idempotency_key=reference
        )
        assert paid.status == "succeeded"
        return {"type": "paystack_transaction", "reference": reference}

    return Case(
        name="paystack",
        provider=provider,
        methods={outcome: card(number) for outcome, number in SANDBOX_NUMBERS.items()},
        customer_passes_challenge=succeed,
        bank_settles=succeed,
        signed_webhook=signed_webhook,
        server=server,
        sleeps=sleeps,
        method_to_save=paid_transaction,
    )


def rebuilt(case: Case, *, api_base: str, secret_key: str) -> PaymentProvider:
    """The same HTTP adapter as `case`'s, pointed elsewhere or holding another key, with the same retry policy."""
    retry = RetryPolicy(sleep=case.sleeps, jitter=lambda: 1.0)
    if case.name == "stripe":
        return StripeProvider(secret_key=secret_key, webhook_secret="x", api_base=api_base, timeout=2, retry=retry)
    return PaystackProvider(secret_key=secret_key, api_base=api_base, timeout=2, retry=retry)


@pytest.fixture
def stripe_only(db: None) -> Iterator[Case]:
    with serve(StripeHandler) as server:
        yield stripe_case(server, Sleeps())


@pytest.fixture(params=["sandbox", "stripe", "paystack"])
def case(request: pytest.FixtureRequest, db: None) -> Iterator[Case]:
    sleeps = Sleeps()
    if request.param == "sandbox":
        yield sandbox_case(sleeps)
    elif request.param == "stripe":
        with serve(StripeHandler) as server:
            yield stripe_case(server, sleeps)
    else:
        with serve(PaystackHandler) as server:
            yield paystack_case(server, sleeps)


@pytest.fixture(params=["stripe", "paystack"])
def http_case(request: pytest.FixtureRequest, db: None) -> Iterator[Case]:
    """The adapters that talk HTTP: their retries and error handling."""
    sleeps = Sleeps()
    if request.param == "stripe":
        with serve(StripeHandler) as server:
            yield stripe_case(server, sleeps)
    else:
        with serve(PaystackHandler) as server:
            yield paystack_case(server, sleeps)


__all__ = ["OUTCOMES", "SUCCESS_CARD", "Case"]
