"""Revenue shares of course sales: paying an order (the one split transfer), failing it, reversing refunds in
proportion, releasing held earnings after the refund hold, and the co-instructors' split of a course.

Ledger flows (docs/revenue.md "Checkout and revenue shares"; REVENUE.md "Ledger flows"):
- sale: ONE transfer kind "course_sale_split" debits "clearing:course_sales" the gross and credits
  "revenue:fee_recovery" (provider fee), each instructor's "earnings_held" and "revenue:courses" (platform);
- release: kind "earnings_release", earnings_held -> earnings, once the hold (AZORA_REVENUE_HOLD_DAYS) is over;
- refund: transfer_reverse of the split in proportion refund / total; after a release the instructors' part is
  first brought back from earnings (kind "earnings_clawback").
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Mapping

from django.conf import settings
from django.db import transaction
from django.utils import timezone

import azora.education.public as education
import azora.finance.public as finance
from azora.revenue.models import CourseRevenueSplit, Order, OrderItem, OrderShare, OrderStatus
from azora.revenue.public import pricing as pricing_public
from azora.revenue.public import rewards as rewards_public
from azora.revenue.public.checkout import (
    OrderNotFound,
    OrderNotYetPaid,
    RevenueSplitInvalid,
    RevenueSplitNotPermitted,
    RevenueSplitView,
)
from azora.revenue.splits import BASIS_POINTS, sale_split
from azora.shared.money import Money

logger = logging.getLogger(__name__)

AZR = "AZR"
HOLD_DAYS: int = int(getattr(settings, "AZORA_REVENUE_HOLD_DAYS", 14))
SALES_CLEARING_CODE = "clearing:course_sales"
PLATFORM_REVENUE_CODE = "revenue:courses"
FEE_RECOVERY_CODE = "revenue:fee_recovery"
SPLIT_KIND = "course_sale_split"
RELEASE_KIND = "earnings_release"
CLAWBACK_KIND = "earnings_clawback"
PURCHASE_SOURCE = "purchase"


def hold_days() -> int:
    """AZORA_REVENUE_HOLD_DAYS, read per call so tests (and operators) may change it."""
    return int(getattr(settings, "AZORA_REVENUE_HOLD_DAYS", HOLD_DAYS))


def _transfer_id(order_id: uuid.UUID, what: str) -> uuid.UUID:
    """A transfer id derived from the order, so a redelivered event posts the same transfer (finance dedupes)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"https://azora.local/revenue/orders/{order_id}/{what}")


# --- Co-instructors' split -------------------------------------------------------------------------------------


def split_weights(*, course_id: uuid.UUID, seller_id: uuid.UUID) -> list[tuple[uuid.UUID, int]]:
    """The configured split (instructor, bp) in id order, or the seller alone when none is configured."""
    rows = list(
        CourseRevenueSplit.objects.filter(course_id=course_id)
        .order_by("instructor_id")
        .values_list("instructor_id", "share_bp")
    )
    return rows or [(seller_id, BASIS_POINTS)]


def course_revenue_split_set(
    *, course_id: uuid.UUID, user_id: uuid.UUID, shares: Mapping[uuid.UUID, int]
) -> RevenueSplitView:
    facts = education.course_facts(course_id=course_id)
    instructors = set(facts.instructor_ids)
    if user_id not in instructors:
        raise RevenueSplitNotPermitted()
    problems = []
    for instructor_id, share_bp in shares.items():
        if instructor_id not in instructors:
            problems.append({"field": f"body.shares.{instructor_id}", "message": "Not an instructor of the course."})
        if isinstance(share_bp, bool) or not isinstance(share_bp, int) or not 1 <= share_bp <= BASIS_POINTS:
            problems.append({"field": f"body.shares.{instructor_id}", "message": "Between 1 and 10000 basis points."})
    total = sum(shares.values())
    if not shares or total != BASIS_POINTS:
        problems.append({"field": "body.shares", "message": f"The shares add up to {total}, not 10000 (100%)."})
    if problems:
        raise RevenueSplitInvalid(extra={"errors": problems})
    with transaction.atomic():
        CourseRevenueSplit.objects.filter(course_id=course_id).delete()
        CourseRevenueSplit.objects.bulk_create(
            CourseRevenueSplit(course_id=course_id, instructor_id=instructor_id, share_bp=share_bp)
            for instructor_id, share_bp in sorted(shares.items())
        )
    return RevenueSplitView(course_id=course_id, shares=tuple(sorted(shares.items())), is_default=False)


# --- Paying an order -------------------------------------------------------------------------------------------


def _locked_order(*, order_id: uuid.UUID) -> Order:
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise OrderNotFound(extra={"order_id": str(order_id)})
    return order


def _consume_discounts(order: Order) -> None:
    """The coupon and the reserved AZR are used now that the order is paid (docs: consume on success)."""
    reference = f"order:{order.id}"
    if order.coupon_id is not None:
        try:
            pricing_public.coupon_redeem(coupon_id=order.coupon_id, user_id=order.buyer_id, reference=reference)
        except pricing_public.CouponInvalid as error:
            # The buyer paid the discounted price already; honour it and leave a trace for the operators.
            logger.warning("Coupon %s over its limits honoured for paid order %s: %s", order.coupon_id, order.id, error)
    if order.azr_redeemed_minor > 0:
        if order.azr_reservation_id is not None:
            reservation = finance.transfer_get(transfer_id=order.azr_reservation_id)
            if reservation is not None and reservation.status == "pending":
                finance.transfer_void(transfer_id=order.azr_reservation_id, reason="Reserved AZR redeemed")
        rewards_public.azr_redeem(
            user_id=order.buyer_id,
            azr=Money(order.azr_redeemed_minor, AZR),
            currency=order.currency,
            reference=reference,
            transfer_id=_transfer_id(order.id, "azr-redemption"),
        )


def _enrol(order: Order) -> None:
    assert order.course_id is not None
    education.enrollment_create(course_id=order.course_id, user_id=order.buyer_id, source=PURCHASE_SOURCE)


def order_complete_without_payment(*, order_id: uuid.UUID) -> None:
    """A course order with nothing left to pay (100% coupon, AZR): paid at once, no intent and no split transfer."""
    with transaction.atomic():
        order = _locked_order(order_id=order_id)
        if order.status == OrderStatus.PAID:
            return
        order.status = OrderStatus.PAID
        order.paid_at = timezone.now()
        order.save(update_fields=["status", "paid_at", "updated_at"])
        _consume_discounts(order)
        _enrol(order)


def order_pay(
    *, payment_intent_id: uuid.UUID, order_id: uuid.UUID | None, fee: Money, succeeded_at: dt.datetime
) -> None:
    """The order's payment succeeded: mark it paid, use the discounts, post the split and enrol the buyer.

    Idempotent: a redelivered event finds the order paid and does nothing (and every transfer id is derived from
    the order, so even a retry after a partial failure posts each transfer once).
    """
    with transaction.atomic():
        lookup = Order.objects.select_for_update().filter(payment_intent_id=payment_intent_id)
        order = lookup.first()
        if order is None and order_id is not None:
            order = Order.objects.select_for_update().filter(pk=order_id, payment_intent_id=payment_intent_id).first()
        if order is None:
            raise OrderNotFound(extra={"payment_intent_id": str(payment_intent_id)})
        if order.paid_at is not None:
            return
        order.status = OrderStatus.PAID
        order.paid_at = succeeded_at
        order.fee_minor = fee.minor
        if order.item == OrderItem.PLAN:
            order.save(update_fields=["status", "paid_at", "fee_minor", "updated_at"])
            return
        order.release_at = succeeded_at + dt.timedelta(days=hold_days())
        _consume_discounts(order)
        order.split_transfer_id = _post_split(order, fee=fee)
        order.save(update_fields=["status", "paid_at", "fee_minor", "release_at", "split_transfer_id", "updated_at"])
        _enrol(order)


def _post_split(order: Order, *, fee: Money) -> uuid.UUID:
    assert order.course_id is not None
    assert order.seller_id is not None
    assert order.seller_share_bp is not None
    currency = order.currency
    split = sale_split(
        gross=order.total_minor,
        fee=fee.minor,
        share_bp=order.seller_share_bp,
        instructors=split_weights(course_id=order.course_id, seller_id=order.seller_id),
    )
    clearing = finance.platform_account(code=SALES_CLEARING_CODE, currency=currency)
    postings = [finance.Posting(account_id=clearing.id, side="debit", amount=Money(split.gross, currency))]
    if split.fee:
        recovery = finance.platform_account(code=FEE_RECOVERY_CODE, currency=currency)
        postings.append(finance.Posting(account_id=recovery.id, side="credit", amount=Money(split.fee, currency)))
    shares = []
    for instructor_id, amount in split.instructor_parts:
        shares.append(OrderShare(order=order, instructor_id=instructor_id, amount_minor=amount))
        if amount:
            held = finance.user_held_earnings_account(user_id=instructor_id, currency=currency)
            postings.append(finance.Posting(account_id=held.id, side="credit", amount=Money(amount, currency)))
    if split.platform:
        platform = finance.platform_account(code=PLATFORM_REVENUE_CODE, currency=currency)
        postings.append(finance.Posting(account_id=platform.id, side="credit", amount=Money(split.platform, currency)))
    transfer_id = _transfer_id(order.id, "split")
    finance.transfer_post(
        transfer_id=transfer_id,
        kind=SPLIT_KIND,
        reason="Course sale: fee, instructor share and platform share",
        reference=f"order:{order.id}",
        postings=postings,
        metadata={
            "order_id": str(order.id),
            "course_id": str(order.course_id),
            "fee_minor": split.fee,
            "instructor_share_bp": order.seller_share_bp,
            "instructor_shares": {str(key): value for key, value in split.instructor_parts},
            "platform_share_minor": split.platform,
        },
    )
    OrderShare.objects.bulk_create(shares)
    return transfer_id


def plan_order_settle(*, payment_intent_id: uuid.UUID, succeeded: bool, at: dt.datetime | None = None) -> None:
    """A plan checkout's first charge settled after the checkout answered (a challenge, a slow provider): its order
    follows. Renewals and other charges have no order and are left alone (the subscription is H2's)."""
    pending = Order.objects.filter(payment_intent_id=payment_intent_id, item=OrderItem.PLAN, status=OrderStatus.PENDING)
    if not succeeded:
        order_id = pending.values_list("id", flat=True).first()
        if order_id is not None:
            from azora.revenue.services.checkout import plan_order_fail  # checkout's give-back of burned AZR

            plan_order_fail(order_id=order_id)
        return
    with transaction.atomic():
        order = pending.select_for_update().first()
        if order is None:
            return
        order.status = OrderStatus.PAID
        order.paid_at = at or timezone.now()
        order.save(update_fields=["status", "paid_at", "updated_at"])


def order_fail(*, payment_intent_id: uuid.UUID) -> None:
    """The payment failed: the order fails and the reserved AZR is released (the coupon was never used)."""
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(payment_intent_id=payment_intent_id).first()
        if order is None or order.status != OrderStatus.PENDING:
            return
        order.status = OrderStatus.FAILED
        order.save(update_fields=["status", "updated_at"])
        if order.azr_reservation_id is not None:
            reservation = finance.transfer_get(transfer_id=order.azr_reservation_id)
            if reservation is not None and reservation.status == "pending":
                finance.transfer_void(transfer_id=order.azr_reservation_id, reason="Payment failed")


# --- Refunds ---------------------------------------------------------------------------------------------------


def order_refund(
    *, payment_intent_id: uuid.UUID, refund_id: uuid.UUID, amount: Money, is_full: bool, reason: str
) -> None:
    """A (partial) refund: reverse the split in proportion refund / total and record it; a full one revokes access.

    Idempotent per refund: the reversal's id is derived from the refund, and the order keeps the refunds it has
    applied in the reversal transfers themselves (a redelivery finds the reversal posted and stops).
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(payment_intent_id=payment_intent_id).first()
        if order is None:
            return  # not a revenue order (a plan's charge is H2's, a top-up finance's)
        if order.item != OrderItem.COURSE:
            order.refunded_minor = min(order.total_minor, order.refunded_minor + amount.minor)
            order.status = OrderStatus.REFUNDED if is_full else OrderStatus.PARTIALLY_REFUNDED
            order.save(update_fields=["refunded_minor", "status", "updated_at"])
            return
        if order.split_transfer_id is None:
            raise OrderNotYetPaid(extra={"order_id": str(order.id)})
        reversal_id = uuid.uuid5(uuid.NAMESPACE_URL, f"https://azora.local/revenue/refunds/{refund_id}/split")
        if finance.transfer_get(transfer_id=reversal_id) is not None:
            return
        shares = list(order.shares.select_for_update().order_by("pk"))
        held_accounts = {
            finance.user_held_earnings_account(user_id=share.instructor_id, currency=order.currency).id: share
            for share in shares
            if share.amount_minor
        }
        if order.release_transfer_id is not None:
            _claw_back(order, shares, refund_id=refund_id, amount=amount)
        reversal = finance.transfer_reverse(
            transfer_id=reversal_id,
            original_transfer_id=order.split_transfer_id,
            reason=f"Refund of order {order.id}"[:200],
            numerator=amount.minor,
            denominator=order.total_minor,
            metadata={"order_id": str(order.id), "refund_id": str(refund_id)},
        )
        for posting in reversal.postings:
            share = held_accounts.get(posting.account_id)
            if share is not None and posting.side == "debit":
                share.refunded_minor += posting.amount.minor
                share.save(update_fields=["refunded_minor", "updated_at"])
        if order.release_transfer_id is not None:
            _return_clawback_excess(order, shares, refund_id=refund_id)
        order.refunded_minor = min(order.total_minor, order.refunded_minor + amount.minor)
        order.status = OrderStatus.REFUNDED if is_full else OrderStatus.PARTIALLY_REFUNDED
        order.save(update_fields=["refunded_minor", "status", "updated_at"])
        if is_full:
            assert order.course_id is not None
            education.enrollment_revoke(
                course_id=order.course_id, user_id=order.buyer_id, reason=f"Refunded: {reason}"[:200] or "Refunded"
            )


def _claw_back(order: Order, shares: list[OrderShare], *, refund_id: uuid.UUID, amount: Money) -> None:
    """After the release the instructors' part sits in "earnings": bring back (rounded up) what the reversal will
    take from "earnings_held"; `_return_clawback_excess` returns the at most one cent per instructor left over.

    What "earnings" no longer holds (it was paid out) becomes a debt in the instructor's "earnings_owed" account,
    which the next released shares pay off (`earnings_release`); the refund itself never waits for it, as on
    Stripe Connect, where a connected account's balance goes negative and future earnings cover it."""
    postings = []
    for share in shares:
        # Rounded up, but never more than this order still has with the instructor (a leg is never over-reversed).
        rounded_up = -(-share.amount_minor * amount.minor // order.total_minor)
        need = min(rounded_up, share.amount_minor - share.refunded_minor)
        if need <= 0:
            continue
        earnings = finance.user_earnings_account(user_id=share.instructor_id, currency=order.currency)
        held = finance.user_held_earnings_account(user_id=share.instructor_id, currency=order.currency)
        from_earnings = min(need, max(0, finance.balance(account_id=earnings.id).available.minor))
        owed = need - from_earnings
        if from_earnings:
            postings.append(
                finance.Posting(account_id=earnings.id, side="debit", amount=Money(from_earnings, order.currency))
            )
        if owed:
            owed_account = finance.user_owed_earnings_account(user_id=share.instructor_id, currency=order.currency)
            postings.append(
                finance.Posting(account_id=owed_account.id, side="debit", amount=Money(owed, order.currency))
            )
        postings.append(finance.Posting(account_id=held.id, side="credit", amount=Money(need, order.currency)))
    if postings:
        finance.transfer_post(
            transfer_id=uuid.uuid5(uuid.NAMESPACE_URL, f"https://azora.local/revenue/refunds/{refund_id}/clawback"),
            kind=CLAWBACK_KIND,
            reason=f"Refund after release of order {order.id}"[:200],
            reference=f"order:{order.id}",
            postings=postings,
            metadata={"order_id": str(order.id), "refund_id": str(refund_id)},
        )


def _return_clawback_excess(order: Order, shares: list[OrderShare], *, refund_id: uuid.UUID) -> None:
    postings = []
    for share in shares:
        held = finance.user_held_earnings_account(user_id=share.instructor_id, currency=order.currency)
        left = finance.balance(account_id=held.id).posted
        # Only this order's leftover goes back: other orders' shares that are still on hold stay held.
        excess = left.minor - _held_of_other_orders(share.instructor_id, order)
        if excess <= 0:
            continue
        postings += [
            finance.Posting(account_id=held.id, side="debit", amount=Money(excess, order.currency)),
            *_pay_off_then_credit(share.instructor_id, Money(excess, order.currency)),
        ]
    if postings:
        finance.transfer_post(
            transfer_id=uuid.uuid5(uuid.NAMESPACE_URL, f"https://azora.local/revenue/refunds/{refund_id}/excess"),
            kind=RELEASE_KIND,
            reason=f"Rounding left over from a refund of order {order.id}"[:200],
            reference=f"order:{order.id}",
            postings=postings,
            metadata={"order_id": str(order.id), "refund_id": str(refund_id)},
        )


def _pay_off_then_credit(instructor_id: uuid.UUID, money: Money) -> list[finance.Posting]:
    """Credit legs for `money` coming to the instructor: first what they owe back ("earnings_owed", from a refund
    after a payout), then the rest into "earnings". The owed account exists only once something was owed."""
    owed_id = next(
        (
            account.id
            for account in finance.accounts_of_user(user_id=instructor_id)
            if account.code == "earnings_owed" and account.currency == money.currency
        ),
        None,
    )
    owed = max(0, finance.balance(account_id=owed_id).available.minor) if owed_id is not None else 0
    paid_off = min(owed, money.minor)
    legs = []
    if paid_off:
        assert owed_id is not None
        legs.append(finance.Posting(account_id=owed_id, side="credit", amount=Money(paid_off, money.currency)))
    if money.minor - paid_off:
        earnings = finance.user_earnings_account(user_id=instructor_id, currency=money.currency)
        legs.append(
            finance.Posting(account_id=earnings.id, side="credit", amount=Money(money.minor - paid_off, money.currency))
        )
    return legs


def _held_of_other_orders(instructor_id: uuid.UUID, order: Order) -> int:
    """What the instructor's other, not yet released sales keep in earnings_held."""
    total = 0
    rows = OrderShare.objects.filter(
        instructor_id=instructor_id,
        order__currency=order.currency,
        order__release_transfer_id__isnull=True,
        order__split_transfer_id__isnull=False,
    ).exclude(order=order)
    for amount, refunded in rows.values_list("amount_minor", "refunded_minor"):
        total += amount - refunded
    return total


# --- Release after the hold ------------------------------------------------------------------------------------


def earnings_release_due(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """Releases the held shares of every paid order whose hold is over; returns how many orders it released."""
    now = now or timezone.now()
    due = list(
        Order.objects.filter(
            item=OrderItem.COURSE,
            split_transfer_id__isnull=False,
            release_transfer_id__isnull=True,
            release_at__lte=now,
            status__in=[OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED],
        )
        .order_by("release_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    released = 0
    for order_id in due:
        if earnings_release(order_id=order_id, now=now):
            released += 1
    return released


def earnings_release(*, order_id: uuid.UUID, now: dt.datetime | None = None) -> bool:
    """Moves the order's remaining held shares into the instructors' earnings; False when nothing was due."""
    now = now or timezone.now()
    with transaction.atomic():
        order = _locked_order(order_id=order_id)
        if order.release_transfer_id is not None or order.release_at is None or order.release_at > now:
            return False
        postings = []
        for share in order.shares.order_by("pk"):
            remaining = share.amount_minor - share.refunded_minor
            if remaining <= 0:
                continue
            money = Money(remaining, order.currency)
            held = finance.user_held_earnings_account(user_id=share.instructor_id, currency=order.currency)
            postings += [
                finance.Posting(account_id=held.id, side="debit", amount=money),
                *_pay_off_then_credit(share.instructor_id, money),
            ]
        transfer_id = _transfer_id(order.id, "release")
        if postings:
            finance.transfer_post(
                transfer_id=transfer_id,
                kind=RELEASE_KIND,
                reason="Instructor earnings released after the refund hold",
                reference=f"order:{order.id}",
                postings=postings,
                metadata={"order_id": str(order.id)},
            )
        order.release_transfer_id = transfer_id
        order.save(update_fields=["release_transfer_id", "updated_at"])
        return True
