"""Refunds: full or partial, never above what remains, within the window, reversed in the ledger."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from azora.accounts.models import User
from azora.finance import public as finance
from azora.payments import services
from azora.payments.errors import (
    IdempotencyKeyReused,
    InvalidAmount,
    PaymentIntentNotFound,
    PaymentNotRefundable,
    RefundExceedsRemaining,
    RefundNotPermitted,
    RefundWindowClosed,
)
from azora.payments.models import PaymentIntent, Refund, SandboxPayment
from azora.payments.public import PaymentIntentView
from azora.payments.tests.conftest import SUCCESS_CARD, card, payments_snapshot, published
from azora.shared.money import Money

pytestmark = pytest.mark.django_db


def paid_intent(customer: User, minor: int = 10000) -> PaymentIntentView:
    intent = services.payment_intent_create(
        customer_id=customer.id, amount=Money(minor, "ZAR"), purpose="wallet_top_up", description="Top-up"
    )
    return services.payment_intent_confirm(intent_id=intent.id, customer_id=customer.id, payment_method=SUCCESS_CARD)


def ledger_balances(customer: User) -> dict[str, int]:
    return {
        "wallet": finance.balance(account_id=finance.user_wallet(user_id=customer.id, currency="ZAR").id).posted.minor,
        "clearing": finance.balance(
            account_id=finance.platform_account(code="clearing:sandbox", currency="ZAR").id
        ).posted.minor,
        "fees": finance.balance(
            account_id=finance.platform_account(code="provider_fees:sandbox", currency="ZAR").id
        ).posted.minor,
    }


def test_a_partial_refund_reverses_the_postings_in_proportion(customer: User, finance_admin: User) -> None:
    intent = paid_intent(customer)  # 100.00, fee 2.90 + 0.30 = 3.20
    assert ledger_balances(customer) == {"wallet": 10000, "clearing": 9680, "fees": 320}
    refund = services.refund_create(
        intent_id=intent.id, amount=Money(2500, "ZAR"), reason="Partial refund", requested_by=finance_admin.id
    )
    assert (refund.status, refund.amount) == ("succeeded", Money(2500, "ZAR"))
    # A quarter of each posting is reversed: 25.00 from the wallet, 24.20 from clearing, 0.80 from fees.
    assert ledger_balances(customer) == {"wallet": 7500, "clearing": 7260, "fees": 240}
    row = Refund.objects.get(pk=refund.id)
    reversal = finance.transfer_get(transfer_id=row.ledger_transfer_id)
    assert reversal is not None
    assert reversal.reverses_id == PaymentIntent.objects.get(pk=intent.id).ledger_transfer_id
    assert PaymentIntent.objects.get(pk=intent.id).amount_refunded_minor == 2500
    assert SandboxPayment.objects.get(reference=str(intent.id)).refunded_minor == 2500
    [event] = published("payments.payment_refunded")
    assert (event["is_full"], event["amount"]["minor"], event["amount_refunded_total"]["minor"]) == (False, 2500, 2500)


def test_a_full_refund_of_what_remains(customer: User, finance_admin: User) -> None:
    intent = paid_intent(customer)
    services.refund_create(
        intent_id=intent.id, amount=Money(3000, "ZAR"), reason="First", requested_by=finance_admin.id
    )
    rest = services.refund_create(intent_id=intent.id, amount=None, reason="The rest", requested_by=finance_admin.id)
    assert rest.amount == Money(7000, "ZAR")
    assert ledger_balances(customer) == {"wallet": 0, "clearing": 0, "fees": 0}
    assert [event["is_full"] for event in published("payments.payment_refunded")] == [False, True]


def test_a_refund_above_what_remains_is_refused_and_writes_nothing(customer: User, finance_admin: User) -> None:
    intent = paid_intent(customer)
    services.refund_create(intent_id=intent.id, amount=Money(6000, "ZAR"), reason="a", requested_by=finance_admin.id)
    before, balances = payments_snapshot(), ledger_balances(customer)
    with pytest.raises(RefundExceedsRemaining) as caught:
        services.refund_create(
            intent_id=intent.id, amount=Money(4001, "ZAR"), reason="b", requested_by=finance_admin.id
        )
    assert caught.value.extra == {"remaining": "40.00", "currency": "ZAR"}
    assert payments_snapshot() == before
    assert ledger_balances(customer) == balances


def test_only_finance_admins_may_refund(customer: User) -> None:
    intent = paid_intent(customer)
    before, balances = payments_snapshot(), ledger_balances(customer)
    with pytest.raises(RefundNotPermitted):
        services.refund_create(intent_id=intent.id, amount=None, reason="mine", requested_by=customer.id)
    assert payments_snapshot() == before
    assert ledger_balances(customer) == balances


def test_refund_window(customer: User, finance_admin: User) -> None:
    intent = paid_intent(customer)
    PaymentIntent.objects.filter(pk=intent.id).update(succeeded_at=timezone.now() - dt.timedelta(days=91))
    before = payments_snapshot()
    with pytest.raises(RefundWindowClosed):
        services.refund_create(intent_id=intent.id, amount=None, reason="late", requested_by=finance_admin.id)
    assert payments_snapshot() == before
    with override_settings(AZORA_PAYMENTS_REFUND_WINDOW_DAYS=120):
        refund = services.refund_create(intent_id=intent.id, amount=None, reason="ok", requested_by=finance_admin.id)
    assert refund.status == "succeeded"


def test_only_succeeded_payments_are_refundable(customer: User, finance_admin: User) -> None:
    intent = services.payment_intent_create(
        customer_id=customer.id, amount=Money(100, "ZAR"), purpose="wallet_top_up", description="x"
    )
    declined = services.payment_intent_confirm(
        intent_id=intent.id, customer_id=customer.id, payment_method=card("4000000000000002")
    )
    with pytest.raises(PaymentNotRefundable):
        services.refund_create(intent_id=declined.id, amount=None, reason="x", requested_by=finance_admin.id)
    with pytest.raises(PaymentIntentNotFound):
        services.refund_create(intent_id=finance_admin.id, amount=None, reason="x", requested_by=finance_admin.id)
    assert Refund.objects.count() == 0


def test_zero_and_other_currency_refunds_are_refused(customer: User, finance_admin: User) -> None:
    intent = paid_intent(customer)
    with pytest.raises(InvalidAmount):
        services.refund_create(intent_id=intent.id, amount=Money(0, "ZAR"), reason="x", requested_by=finance_admin.id)
    with pytest.raises(Exception, match="currency"):
        services.refund_create(intent_id=intent.id, amount=Money(10, "USD"), reason="x", requested_by=finance_admin.id)
    assert Refund.objects.count() == 0


def test_the_same_key_refunds_once(customer: User, finance_admin: User) -> None:
    intent = paid_intent(customer)
    first = services.refund_create(
        intent_id=intent.id, amount=Money(1000, "ZAR"), reason="r", requested_by=finance_admin.id, idempotency_key="k"
    )
    again = services.refund_create(
        intent_id=intent.id, amount=Money(1000, "ZAR"), reason="r", requested_by=finance_admin.id, idempotency_key="k"
    )
    assert again.id == first.id
    assert Refund.objects.count() == 1
    assert ledger_balances(customer)["wallet"] == 9000
    with pytest.raises(IdempotencyKeyReused):
        services.refund_create(
            intent_id=intent.id,
            amount=Money(999, "ZAR"),
            reason="r",
            requested_by=finance_admin.id,
            idempotency_key="k",
        )
