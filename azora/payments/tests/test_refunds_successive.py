"""Successive partial refunds of one payment: the ledger reversals add up to exactly what the payment moved."""

from __future__ import annotations

import pytest

from azora.accounts.models import User
from azora.finance import public as finance
from azora.payments import public
from azora.payments.models import PaymentIntent, Refund
from azora.payments.tests.conftest import SUCCESS_CARD
from azora.shared.money import Money
from azora.shared.testing.concurrency import race_errors


def paid_intent(customer: User, minor: int) -> public.PaymentIntentView:
    intent = public.payment_intent_create(
        customer_id=customer.id, amount=Money(minor, "ZAR"), purpose="wallet_top_up", description="Top-up"
    )
    return public.payment_intent_confirm(intent_id=intent.id, customer_id=customer.id, payment_method=SUCCESS_CARD)


def balances(customer: User) -> dict[str, int]:
    def posted(account: finance.AccountView) -> int:
        return finance.balance(account_id=account.id).posted.minor

    return {
        "wallet": posted(finance.user_wallet(user_id=customer.id, currency="ZAR")),
        "clearing": posted(finance.platform_account(code="clearing:sandbox", currency="ZAR")),
        "fees": posted(finance.platform_account(code="provider_fees:sandbox", currency="ZAR")),
    }


@pytest.mark.django_db
def test_r50_then_the_rest_of_r200_refunds_every_leg_exactly(customer: User, finance_admin: User) -> None:
    intent = paid_intent(customer, 200_00)  # fee 2.9% + R0.30 = R6.10: legs 193.90 / 6.10
    assert balances(customer) == {"wallet": 200_00, "clearing": 193_90, "fees": 6_10}
    public.refund_create(intent_id=intent.id, amount=Money(50_00, "ZAR"), reason="Part", requested_by=finance_admin.id)
    assert balances(customer) == {"wallet": 150_00, "clearing": 145_42, "fees": 4_58}
    rest = public.refund_create(intent_id=intent.id, amount=None, reason="The rest", requested_by=finance_admin.id)
    # ¾ alone would round to 145.43 from clearing, a cent more than remained; cumulative rounding takes 145.42.
    assert (rest.status, rest.amount) == ("succeeded", Money(150_00, "ZAR"))
    assert balances(customer) == {"wallet": 0, "clearing": 0, "fees": 0}
    assert PaymentIntent.objects.get(pk=intent.id).amount_refunded_minor == 200_00
    assert finance.reconcile().is_clean


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_partial_refunds_at_once_are_serialised_and_add_up(customer: User, finance_admin: User) -> None:
    intent = paid_intent(customer, 200_00)
    public.refund_create(intent_id=intent.id, amount=Money(50_00, "ZAR"), reason="First", requested_by=finance_admin.id)
    outcomes = race_errors(
        *(
            (lambda: public.refund_create(
                intent_id=intent.id, amount=Money(75_00, "ZAR"), reason="Half the rest", requested_by=finance_admin.id
            ))
            for _ in range(2)
        )
    )  # fmt: skip
    assert outcomes == [None, None]
    assert Refund.objects.filter(intent_id=intent.id, status="succeeded").count() == 3
    assert balances(customer) == {"wallet": 0, "clearing": 0, "fees": 0}
    assert finance.reconcile().is_clean
