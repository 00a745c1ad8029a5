"""AZR redeemed on a plan: quoted like a course's, burned with the order, given back when the first charge is
declined; the first charge is the list price less the AZR discount."""

from __future__ import annotations

import pytest

from azora.accounts.models import User
from azora.accounts.public import platform_role_grant
from azora.accounts.tests.factories import UserFactory
from azora.education.tests.certificate_factories import issued_certificate
from azora.finance import public as finance
from azora.finance.models import Posting, Transfer
from azora.finance.tests.factories import fund
from azora.payments import public as payments
from azora.revenue.models import Order, OrderStatus, Plan, Redemption, SubscriptionCharge
from azora.revenue.public import RedemptionExceedsPrice, checkout_create, checkout_preview, revenue_report
from azora.revenue.public.subscriptions import SubscriptionPaymentFailed
from azora.revenue.services import shares
from azora.revenue.tests.checkout.factories import DECLINED_CARD, SUCCESS_CARD
from azora.revenue.tests.checkout.helpers import dispatch_all
from azora.shared.money import Money

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder(learner: User) -> User:
    """The learner with a valid certificate and exactly 500.00 AZR."""
    Plan.objects.filter(code="free").update(azr_earn_per_month_minor=0)
    issued_certificate(user=learner)
    dispatch_all()
    fund(finance.user_wallet(user_id=learner.id), 500_00)
    return learner


def _wallet(user: User) -> tuple[int, int]:
    view = finance.balance(account_id=finance.user_wallet(user_id=user.id, currency="AZR").id)
    return view.posted.minor, view.available.minor


def _subscription_credits() -> list[int]:
    account = finance.platform_account(code="revenue:subscriptions", currency="ZAR")
    return list(
        Posting.objects.filter(account_id=account.id, side="credit", phase="posted")
        .order_by("id")
        .values_list("amount", flat=True)
    )


def test_azr_on_a_plan_is_quoted_burned_with_the_order_and_taken_off_the_first_charge(holder: User) -> None:
    # 200 AZR at ZAR:10 = R20.00 off PRO's R149.00 = R129.00.
    preview = checkout_preview(
        user_id=holder.id, item="plan", plan_code="pro", currency="ZAR", redeem_azr=Money(200_00, "AZR")
    )
    assert (preview.azr_redeemed.minor, preview.azr_discount.minor, preview.total.minor) == (200_00, 20_00, 129_00)
    method = payments.payment_method_save(customer_id=holder.id, payment_method=SUCCESS_CARD)
    view = checkout_create(
        user_id=holder.id,
        item="plan",
        plan_code="pro",
        currency="ZAR",
        redeem_azr=Money(200_00, "AZR"),
        payment_method_id=method.id,
    )
    assert (view.status, view.azr_discount.minor, view.total.minor) == ("active", 20_00, 129_00)
    order = Order.objects.get()
    assert (order.status, order.azr_redeemed_minor, order.azr_discount_minor, order.total_minor) == (
        OrderStatus.PAID,
        200_00,
        20_00,
        129_00,
    )
    assert SubscriptionCharge.objects.get().amount_minor == 129_00
    assert _subscription_credits() == [129_00]
    redemption = Redemption.objects.get()
    assert (redemption.reference, redemption.azr_minor) == (f"order:{order.id}", 200_00)
    assert _wallet(holder) == (300_00, 300_00)


def test_a_declined_first_charge_gives_the_burned_azr_back(holder: User) -> None:
    method = payments.payment_method_save(customer_id=holder.id, payment_method=DECLINED_CARD)
    with pytest.raises(SubscriptionPaymentFailed):
        checkout_create(
            user_id=holder.id,
            item="plan",
            plan_code="pro",
            currency="ZAR",
            redeem_azr=Money(200_00, "AZR"),
            payment_method_id=method.id,
        )
    assert Order.objects.get().status == OrderStatus.FAILED
    assert _wallet(holder) == (500_00, 500_00)
    assert Transfer.objects.filter(metadata__order_id=str(Order.objects.get().id)).count() == 1  # the give-back
    assert _subscription_credits() == []
    admin = UserFactory()
    platform_role_grant(user_id=admin.id, role="finance_admin")
    summary = revenue_report(viewer_id=admin.id, group_by="plan", start=None, end=None, currency="ZAR").summary
    assert summary.azr_burned == Money(0, "AZR")  # burned and given back: nothing burned in the report


def test_more_azr_than_the_plan_costs_is_refused_and_changes_nothing(holder: User) -> None:
    fund(finance.user_wallet(user_id=holder.id), 1_000_00)  # 1 500 AZR in all
    method = payments.payment_method_save(customer_id=holder.id, payment_method=SUCCESS_CARD)
    before = (Order.objects.count(), Transfer.objects.count(), Redemption.objects.count(), _wallet(holder))
    with pytest.raises(RedemptionExceedsPrice):
        checkout_create(
            user_id=holder.id,
            item="plan",
            plan_code="pro",
            currency="ZAR",
            redeem_azr=Money(1_500_00, "AZR"),  # R150.00 > R149.00
            payment_method_id=method.id,
        )
    assert (Order.objects.count(), Transfer.objects.count(), Redemption.objects.count(), _wallet(holder)) == before


def test_a_first_charge_that_fails_after_processing_gives_the_burned_azr_back(holder: User) -> None:
    method = payments.payment_method_save(customer_id=holder.id, payment_method=SUCCESS_CARD)
    checkout_create(
        user_id=holder.id,
        item="plan",
        plan_code="pro",
        currency="ZAR",
        redeem_azr=Money(200_00, "AZR"),
        payment_method_id=method.id,
    )
    # The state a slow provider leaves: the order waits on its first charge's intent, the AZR already burned.
    Order.objects.update(status=OrderStatus.PENDING, paid_at=None)
    order = Order.objects.get()
    assert order.payment_intent_id is not None
    assert _wallet(holder) == (300_00, 300_00)

    shares.plan_order_settle(payment_intent_id=order.payment_intent_id, succeeded=False)
    shares.plan_order_settle(payment_intent_id=order.payment_intent_id, succeeded=False)  # redelivered: no more

    assert Order.objects.get().status == OrderStatus.FAILED
    assert _wallet(holder) == (500_00, 500_00)
