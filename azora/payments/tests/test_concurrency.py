"""Races on PostgreSQL's row locks: invoice numbers stay gapless and unique, refunds never exceed what was paid."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from azora.accounts.models import User
from azora.accounts.public import platform_role_grant
from azora.accounts.tests.factories import UserFactory
from azora.finance import public as finance
from azora.payments import services
from azora.payments.errors import RefundExceedsRemaining
from azora.payments.models import PaymentIntent, Receipt, Refund
from azora.payments.tests.conftest import SUCCESS_CARD
from azora.shared.money import Money
from azora.shared.testing.concurrency import race_errors

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def confirm_call(customer: User, intent_id: object) -> Callable[[], object]:
    return lambda: services.payment_intent_confirm(
        intent_id=intent_id,  # type: ignore[arg-type]
        customer_id=customer.id,
        payment_method=SUCCESS_CARD,
    )


def test_concurrent_successes_get_gapless_unique_invoice_numbers() -> None:
    customers = [UserFactory() for _ in range(8)]
    intents = [
        services.payment_intent_create(
            customer_id=customer.id, amount=Money(1000 + index, "ZAR"), purpose="wallet_top_up", description="Top-up"
        )
        for index, customer in enumerate(customers)
    ]
    outcomes = race_errors(
        *(confirm_call(customer, intent.id) for customer, intent in zip(customers, intents, strict=True))
    )
    assert outcomes == [None] * 8
    assert set(PaymentIntent.objects.values_list("status", flat=True)) == {"succeeded"}
    sequences = sorted(Receipt.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, 9))
    assert len(set(Receipt.objects.values_list("number", flat=True))) == 8
    clearing = finance.platform_account(code="clearing:sandbox", currency="ZAR")
    fees = finance.platform_account(code="provider_fees:sandbox", currency="ZAR")
    gross = sum(1000 + index for index in range(8))
    assert (
        finance.balance(account_id=clearing.id).posted.minor + finance.balance(account_id=fees.id).posted.minor == gross
    )


def test_concurrent_refunds_never_exceed_what_was_paid() -> None:
    customer = UserFactory()
    admins = [UserFactory() for _ in range(4)]
    for admin in admins:
        platform_role_grant(user_id=admin.id, role="finance_admin")
    intent = services.payment_intent_create(
        customer_id=customer.id, amount=Money(10000, "ZAR"), purpose="wallet_top_up", description="Top-up"
    )
    services.payment_intent_confirm(intent_id=intent.id, customer_id=customer.id, payment_method=SUCCESS_CARD)
    outcomes = race_errors(
        *(
            lambda admin=admin: services.refund_create(
                intent_id=intent.id, amount=Money(4000, "ZAR"), reason="race", requested_by=admin.id
            )
            for admin in admins
        )
    )
    assert sorted(type(outcome).__name__ for outcome in outcomes) == [
        "NoneType",
        "NoneType",
        "RefundExceedsRemaining",
        "RefundExceedsRemaining",
    ]
    assert all(outcome is None or isinstance(outcome, RefundExceedsRemaining) for outcome in outcomes)
    assert Refund.objects.filter(status="succeeded").count() == 2
    assert PaymentIntent.objects.get(pk=intent.id).amount_refunded_minor == 8000
    wallet = finance.user_wallet(user_id=customer.id, currency="ZAR")
    assert finance.balance(account_id=wallet.id).posted.minor == 2000
