"""Checkout: pricing a course or plan for one buyer (coupon, AZR redemption) and creating the order and its intent.

Decisions (docs/revenue.md "Checkout and revenue shares"):
- Everything is checked before anything is written, so a refused checkout leaves no order, intent or transfer.
- A coupon is consumed only when the payment succeeds (shares.order_pay redeems it); a payment that fails or is
  abandoned uses nothing. A coupon that reached its limit in between is honoured for an order already paid.
- AZR to redeem is RESERVED at checkout by a pending ledger transfer (wallet -> treasury, expiring with the
  intent's window) so it cannot be spent twice; on success the reservation is voided and the AZR redeemed (burned)
  in the same transaction, on failure it is voided. Hence "reserve and release" for AZR, "consume on success"
  for coupons.
- A course total of 0 (a 100% coupon, or AZR covering all) completes at once: no intent, no split transfer.
- A plan's discounts come in a fixed order, each on what the one before left: the student discount (of the list
  price), the learner's accepted upgrade offer (percent of what is left, first charge only), the coupon, then AZR.
  The offer is used (offer_mark_accepted) in the transaction that writes the order, BEFORE the first charge is
  asked for, so one offer discounts one order; the first charge is exactly the quoted total.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

import azora.education.public as education
import azora.finance.public as finance
import azora.payments.public as payments
from azora.payments.errors import InvalidTransition
from azora.revenue.models import Order, OrderItem, OrderStatus, Plan
from azora.revenue.pricing import percent_of
from azora.revenue.pricing import quote as price_quote
from azora.revenue.public import offers as offers_public
from azora.revenue.public import pricing as pricing_public
from azora.revenue.public import rewards as rewards_public
from azora.revenue.public import subscriptions as subscriptions_public
from azora.revenue.public.checkout import (
    CheckoutInProgress,
    CheckoutItemInvalid,
    CheckoutView,
    CourseAlreadyOwned,
    CourseIsFree,
    CourseNotForSale,
    RedemptionExceedsPrice,
)
from azora.shared.errors import DomainError, ValidationFailed
from azora.shared.money import Money

AZR = "AZR"
SALES_CLEARING_CODE = "clearing:course_sales"
# How long reserved AZR stays reserved for an unpaid order; a payment after that redeems without the reservation.
AZR_RESERVATION_LIFETIME = dt.timedelta(days=1)
INTERVALS = ("month", "year")


@dataclass(frozen=True, slots=True)
class CheckoutQuote:
    """The priced order before anything is written (checkout_preview shows it; checkout_create writes it)."""

    item: str
    course_id: uuid.UUID | None
    course_title: str
    plan_code: str | None
    interval: str
    currency: str
    country: str
    list_amount: Money
    coupon_id: uuid.UUID | None
    coupon_discount: Money
    student_discount: Money
    azr_redeemed: Money
    azr_discount: Money
    seller_id: uuid.UUID | None
    seller_share_bp: int | None
    offer_id: uuid.UUID | None = None
    offer_discount: Money | None = None  # None: no offer (a course); read through `offer_amount`

    @property
    def offer_amount(self) -> Money:
        return self.offer_discount if self.offer_discount is not None else Money.zero(self.currency)

    @property
    def total(self) -> Money:
        return self.list_amount - self.student_discount - self.offer_amount - self.coupon_discount - self.azr_discount


def _check_item(item: str, course_id: uuid.UUID | None, plan_code: str | None) -> None:
    if item == "course" and course_id is not None and plan_code is None:
        return
    if item == "plan" and plan_code and course_id is None:
        return
    raise CheckoutItemInvalid()


def _check_azr(redeem_azr: Money | None) -> None:
    if redeem_azr is None:
        return
    if redeem_azr.currency != AZR or redeem_azr.minor <= 0:
        raise ValidationFailed(
            "The AZR to redeem is a positive amount of AZR.",
            extra={"errors": [{"field": "body.redeem_azr", "message": "A positive AZR amount."}]},
        )


def _azr_discount(
    *, user_id: uuid.UUID, redeem_azr: Money | None, currency: str, remaining: Money
) -> tuple[Money, Money]:
    """(AZR given up, discount in the order's currency); refused when the discount exceeds what is left to pay."""
    if redeem_azr is None:
        return Money.zero(AZR), Money.zero(currency)
    preview = rewards_public.azr_redemption_preview(user_id=user_id, azr=redeem_azr, currency=currency)
    if remaining < preview.discount:
        raise RedemptionExceedsPrice(
            f"{preview.azr} AZR is worth {preview.discount}; only {remaining} is left to pay.",
            extra={"discount": str(preview.discount), "remaining": str(remaining)},
        )
    return preview.azr, preview.discount


def _course_quote(
    *,
    user_id: uuid.UUID,
    course_id: uuid.UUID,
    currency: str,
    coupon_code: str | None,
    redeem_azr: Money | None,
    country: str | None,
) -> CheckoutQuote:
    facts = education.course_facts(course_id=course_id)
    if user_id in facts.instructor_ids or education.is_enrolled(user_id=user_id, course_id=course_id):
        raise CourseAlreadyOwned(extra={"course_id": str(course_id)})
    if facts.status != "published":
        raise CourseNotForSale("Only published courses are sold.", extra={"course_id": str(course_id)})
    if not pricing_public.course_prices(course_id=course_id):
        raise CourseIsFree(extra={"course_id": str(course_id)})
    price = pricing_public.course_price(course_id=course_id, currency=currency)
    if price is None:  # the contract raises PriceNotAvailable; a None is treated the same way
        raise CourseIsFree(extra={"course_id": str(course_id)})
    seller_id = facts.created_by_id
    share_bp = pricing_public.seller_share_bp(user_id=seller_id)
    if share_bp is None:
        raise CourseNotForSale(
            "The course's owner is not on a plan that may sell.", extra={"course_id": str(course_id)}
        )
    coupon_id, coupon_discount = None, Money.zero(currency)
    if coupon_code:
        preview = pricing_public.coupon_apply_preview(
            code=coupon_code, user_id=user_id, plan_code=None, course_id=course_id, amount=price
        )
        coupon_id, coupon_discount = preview.coupon_id, preview.discount
    azr, azr_discount = _azr_discount(
        user_id=user_id, redeem_azr=redeem_azr, currency=currency, remaining=price - coupon_discount
    )
    return CheckoutQuote(
        item="course",
        course_id=course_id,
        course_title=facts.title,
        plan_code=None,
        interval="",
        currency=currency,
        country=(country or "").upper(),
        list_amount=price,
        coupon_id=coupon_id,
        coupon_discount=coupon_discount,
        student_discount=Money.zero(currency),
        azr_redeemed=azr,
        azr_discount=azr_discount,
        seller_id=seller_id,
        seller_share_bp=share_bp,
    )


def _plan_quote(
    *,
    user_id: uuid.UUID,
    plan_code: str,
    interval: str,
    currency: str,
    coupon_code: str | None,
    redeem_azr: Money | None,
    country: str | None,
) -> CheckoutQuote:
    if interval not in INTERVALS:
        raise ValidationFailed(
            "The interval is month or year.", extra={"errors": [{"field": "body.interval", "message": "month|year"}]}
        )
    plan = pricing_public.plan_get(code=plan_code)
    price = pricing_public.plan_price(plan_code=plan.code, interval=interval, currency=currency, country=country)
    student_bp = pricing_public.student_discount_bp(user_id=user_id, plan_code=plan.code)
    # The pure quote rounds the student discount as the pricing page and subscription_start do (half up).
    student_discount = price_quote(list_price=price, student_discount_bp=student_bp).student_discount
    remaining = price - student_discount
    offer_id, offer_discount = None, Money.zero(currency)
    offer = offers_public.offer_discount_for(user_id=user_id, plan_code=plan.code)
    if offer is not None:
        offer_id, offer_discount = offer[0], percent_of(remaining, offer[1])
        remaining -= offer_discount
    coupon_id, coupon_discount = None, Money.zero(currency)
    if coupon_code:
        preview = pricing_public.coupon_apply_preview(
            code=coupon_code, user_id=user_id, plan_code=plan.code, course_id=None, amount=remaining
        )
        coupon_id, coupon_discount = preview.coupon_id, preview.discount
    azr, azr_discount = _azr_discount(
        user_id=user_id, redeem_azr=redeem_azr, currency=currency, remaining=remaining - coupon_discount
    )
    return CheckoutQuote(
        item="plan",
        course_id=None,
        course_title="",
        plan_code=plan.code,
        interval=interval,
        currency=currency,
        country=(country or "").upper(),
        list_amount=price,
        coupon_id=coupon_id,
        coupon_discount=coupon_discount,
        student_discount=student_discount,
        azr_redeemed=azr,
        azr_discount=azr_discount,
        seller_id=None,
        seller_share_bp=None,
        offer_id=offer_id,
        offer_discount=offer_discount,
    )


def checkout_quote(
    *,
    user_id: uuid.UUID,
    item: str,
    course_id: uuid.UUID | None = None,
    plan_code: str | None = None,
    interval: str = "month",
    currency: str,
    coupon_code: str | None = None,
    redeem_azr: Money | None = None,
    country: str | None = None,
) -> CheckoutQuote:
    """Prices the checkout with every check checkout_create makes, writing nothing."""
    _check_item(item, course_id, plan_code)
    _check_azr(redeem_azr)
    if item == "course":
        assert course_id is not None  # _check_item
        return _course_quote(
            user_id=user_id,
            course_id=course_id,
            currency=currency,
            coupon_code=coupon_code,
            redeem_azr=redeem_azr,
            country=country,
        )
    assert plan_code is not None  # _check_item
    return _plan_quote(
        user_id=user_id,
        plan_code=plan_code,
        interval=interval,
        currency=currency,
        coupon_code=coupon_code,
        redeem_azr=redeem_azr,
        country=country,
    )


def checkout_url(intent_id: uuid.UUID) -> str:
    """The Pay UI's checkout page for the intent (named route, so the domain never imports the portal)."""
    return reverse("pay:checkout", kwargs={"intent_id": intent_id})


def _cancel_pending_orders(*, user_id: uuid.UUID, course_id: uuid.UUID) -> None:
    """An earlier unpaid checkout of the same course is abandoned: cancel its intent so it cannot be paid twice.

    An intent already in flight (processing, or its challenge answered) cannot be canceled: the new checkout is
    refused (CheckoutInProgress, 409) and everything rolls back; the earlier payment decides.
    """
    pending = Order.objects.select_for_update().filter(
        buyer_id=user_id, course_id=course_id, status=OrderStatus.PENDING
    )
    for order in pending.order_by("pk"):
        if order.payment_intent_id is not None:
            try:
                payments.payment_intent_cancel(intent_id=order.payment_intent_id, customer_id=user_id)
            except InvalidTransition as error:
                raise CheckoutInProgress(extra={"order_id": str(order.id)}) from error
        _release_reservation(order, reason="Checkout replaced by a new one")
        order.status = OrderStatus.CANCELED
        order.save(update_fields=["status", "updated_at"])


def _release_reservation(order: Order, *, reason: str) -> None:
    if order.azr_reservation_id is None:
        return
    reservation = finance.transfer_get(transfer_id=order.azr_reservation_id)
    if reservation is not None and reservation.status == "pending":
        finance.transfer_void(transfer_id=order.azr_reservation_id, reason=reason)


def _reserve_azr(order: Order, *, user_id: uuid.UUID, azr: Money) -> uuid.UUID:
    wallet = finance.user_wallet(user_id=user_id, currency=AZR)
    treasury = finance.platform_account(code="treasury", currency=AZR)
    reservation_id = uuid.uuid5(uuid.NAMESPACE_URL, f"https://azora.local/revenue/orders/{order.id}/azr-reservation")
    finance.transfer_hold(
        transfer_id=reservation_id,
        kind="azr_redemption_reserve",
        reason="AZR reserved for a checkout",
        reference=f"order:{order.id}",
        postings=[
            finance.Posting(account_id=wallet.id, side="debit", amount=azr),
            finance.Posting(account_id=treasury.id, side="credit", amount=azr),
        ],
        expires_at=timezone.now() + AZR_RESERVATION_LIFETIME,
        metadata={"order_id": str(order.id)},
    )
    return reservation_id


def _view(
    order: Order | None, quote: CheckoutQuote, *, status: str, subscription_id: uuid.UUID | None = None
) -> CheckoutView:
    intent_id = order.payment_intent_id if order is not None else None
    return CheckoutView(
        order_id=order.id if order is not None else None,
        item="course" if quote.item == "course" else "plan",
        status=status,
        course_id=quote.course_id,
        plan_code=quote.plan_code,
        list_amount=quote.list_amount,
        coupon_discount=quote.coupon_discount,
        student_discount=quote.student_discount,
        offer_discount=quote.offer_amount,
        azr_redeemed=quote.azr_redeemed,
        azr_discount=quote.azr_discount,
        total=quote.total,
        payment_intent_id=intent_id,
        checkout_url=checkout_url(intent_id) if intent_id is not None else None,
        subscription_id=subscription_id,
    )


def checkout_create(
    *,
    user_id: uuid.UUID,
    item: str,
    course_id: uuid.UUID | None = None,
    plan_code: str | None = None,
    interval: str = "month",
    currency: str,
    coupon_code: str | None = None,
    redeem_azr: Money | None = None,
    country: str | None = None,
    payment_method_id: uuid.UUID | None = None,
) -> CheckoutView:
    quote = checkout_quote(
        user_id=user_id,
        item=item,
        course_id=course_id,
        plan_code=plan_code,
        interval=interval,
        currency=currency,
        coupon_code=coupon_code,
        redeem_azr=redeem_azr,
        country=country,
    )
    if quote.item == "plan":
        return _plan_checkout(
            user_id=user_id, quote=quote, coupon_code=coupon_code, payment_method_id=payment_method_id
        )
    return _course_checkout(user_id=user_id, quote=quote)


def _course_checkout(*, user_id: uuid.UUID, quote: CheckoutQuote) -> CheckoutView:
    """Writes the order and its intent. Two checkouts of one course at once (a double click) meet at the unique
    pending order: the second waits for the first, fails on the constraint, and tries again, replacing it."""
    try:
        return _course_checkout_once(user_id=user_id, quote=quote)
    except IntegrityError:
        return _course_checkout_once(user_id=user_id, quote=quote)


def _course_checkout_once(*, user_id: uuid.UUID, quote: CheckoutQuote) -> CheckoutView:
    from azora.revenue.services import shares

    assert quote.course_id is not None
    with transaction.atomic():
        _cancel_pending_orders(user_id=user_id, course_id=quote.course_id)
        order = Order.objects.create(
            buyer_id=user_id,
            item=OrderItem.COURSE,
            course_id=quote.course_id,
            currency=quote.currency,
            country=quote.country,
            list_amount_minor=quote.list_amount.minor,
            coupon_id=quote.coupon_id,
            coupon_discount_minor=quote.coupon_discount.minor,
            student_discount_minor=quote.student_discount.minor,
            azr_redeemed_minor=quote.azr_redeemed.minor,
            azr_discount_minor=quote.azr_discount.minor,
            total_minor=quote.total.minor,
            seller_id=quote.seller_id,
            seller_share_bp=quote.seller_share_bp,
        )
        if quote.total.is_zero():
            shares.order_complete_without_payment(order_id=order.id)
            order.refresh_from_db()
            return _view(order, quote, status=order.status)
        if quote.azr_redeemed.minor > 0:
            order.azr_reservation_id = _reserve_azr(order, user_id=user_id, azr=quote.azr_redeemed)
        intent = payments.payment_intent_create(
            customer_id=user_id,
            amount=quote.total,
            purpose="course_purchase",
            description=f"Course: {quote.course_title}"[:200],
            credit_account_id=finance.platform_account(code=SALES_CLEARING_CODE, currency=quote.currency).id,
            metadata={"order_id": str(order.id), "course_id": str(quote.course_id)},
            idempotency_key=f"revenue-order:{order.id}",
        )
        order.payment_intent_id = intent.id
        order.save(update_fields=["payment_intent_id", "azr_reservation_id", "updated_at"])
    return _view(order, quote, status=OrderStatus.PENDING)


def _first_charge_discount(*, user_id: uuid.UUID, quote: CheckoutQuote, coupon_code: str | None) -> Money | None:
    """What subscription_start must take off beyond its own figures so the first charge is the quoted total.

    subscription_start applies the student discount and the coupon itself (the coupon on the amount after the student
    discount, as it redeems it on success); checkout's offer comes before the coupon, so the coupon there is figured
    on a smaller amount. Passing the difference makes the first charge exactly `quote.total`.
    """
    after_student = quote.list_amount - quote.student_discount
    coupon_there = Money.zero(quote.currency)
    if coupon_code and quote.coupon_id is not None:
        assert quote.plan_code is not None
        coupon_there = pricing_public.coupon_apply_preview(
            code=coupon_code, user_id=user_id, plan_code=quote.plan_code, course_id=None, amount=after_student
        ).discount
    difference = after_student - coupon_there - quote.total
    return difference if difference.minor > 0 else None


def _plan_order_fields(quote: CheckoutQuote) -> dict[str, object]:
    assert quote.plan_code is not None
    return {
        "item": OrderItem.PLAN,
        "plan": Plan.objects.get(code=quote.plan_code),
        "interval": quote.interval,
        "currency": quote.currency,
        "country": quote.country,
        "list_amount_minor": quote.list_amount.minor,
        "coupon_id": quote.coupon_id,
        "coupon_discount_minor": quote.coupon_discount.minor,
        "student_discount_minor": quote.student_discount.minor,
        "offer_id": quote.offer_id,
        "offer_discount_minor": quote.offer_amount.minor,
        "azr_redeemed_minor": quote.azr_redeemed.minor,
        "azr_discount_minor": quote.azr_discount.minor,
    }


def _azr_burn_id(order_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"https://azora.local/revenue/orders/{order_id}/azr-redemption")


def _azr_return_id(order_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"https://azora.local/revenue/orders/{order_id}/azr-redemption-return")


def _burn_plan_azr(order: Order, *, user_id: uuid.UUID, quote: CheckoutQuote) -> None:
    """A plan's AZR is burned when its order is written (in the caller's transaction), not on the payment's success
    as for a course: the first charge is H2's, settled inside subscription_start, with no hook of ours between.
    A declined first charge gives it back (`plan_order_fail`)."""
    rewards_public.azr_redeem(
        user_id=user_id,
        azr=quote.azr_redeemed,
        currency=quote.currency,
        reference=f"order:{order.id}",
        transfer_id=_azr_burn_id(order.id),
    )


def plan_order_fail(*, order_id: uuid.UUID) -> None:
    """The first charge was refused (at once, or later after processing): the order fails, AZR burned for it is
    given back (the burn reversed) and the upgrade offer it used is released for the next order. A paid or already
    failed order is left alone."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order_id)
        if locked.status != OrderStatus.PENDING:
            return
        locked.status = OrderStatus.FAILED
        locked.save(update_fields=["status", "updated_at"])
        if locked.offer_id is not None:
            offers_public.offer_release(
                offer_id=locked.offer_id, user_id=locked.buyer_id, reference=f"order:{order_id}"
            )
        if locked.azr_redeemed_minor > 0 and finance.transfer_get(transfer_id=_azr_return_id(order_id)) is None:
            finance.transfer_reverse(
                transfer_id=_azr_return_id(order_id),
                original_transfer_id=_azr_burn_id(order_id),
                reason=f"First charge of order {order_id} declined: AZR given back"[:200],
                metadata={"order_id": str(order_id)},
            )


def _plan_checkout(
    *, user_id: uuid.UUID, quote: CheckoutQuote, coupon_code: str | None, payment_method_id: uuid.UUID | None
) -> CheckoutView:
    """A plan is a subscription: H2's subscription_start prices and charges it (the saved payment method, or a trial
    when the plan has one); the order records the hand-over and the first charge's intent.

    With an upgrade offer the order is written first, in one transaction with the offer's use, so a second order
    cannot use the same offer (OfferAlreadyUsed, 409, and nothing written); the first charge follows. A first charge
    that is refused then fails the order and gives the offer back (`plan_order_fail`).
    """
    assert quote.plan_code is not None
    discount = _first_charge_discount(user_id=user_id, quote=quote, coupon_code=coupon_code)
    order: Order | None = None
    if quote.offer_id is not None or quote.azr_redeemed.minor > 0:
        if payment_method_id is None:  # subscription_start refuses it: refuse before the offer is used
            raise subscriptions_public.PaymentMethodRequired(
                extra={"errors": [{"field": "payment_method_id", "message": "Required."}]}
            )
        with transaction.atomic():
            order = Order.objects.create(
                buyer_id=user_id, total_minor=quote.total.minor, status=OrderStatus.PENDING, **_plan_order_fields(quote)
            )
            if quote.offer_id is not None:
                offers_public.offer_mark_accepted(
                    offer_id=quote.offer_id, user_id=user_id, reference=f"order:{order.id}"
                )
            if quote.azr_redeemed.minor > 0:
                _burn_plan_azr(order, user_id=user_id, quote=quote)
    try:
        subscription = subscriptions_public.subscription_start(
            user_id=user_id,
            plan_code=quote.plan_code,
            interval="year" if quote.interval == "year" else "month",
            currency=quote.currency,
            payment_method_id=payment_method_id,
            coupon_code=coupon_code,
            trial=False,
            country=quote.country or None,
            first_charge_discount=discount,
        )
    except DomainError:
        if order is not None:
            plan_order_fail(order_id=order.id)
        raise
    charge = subscription.latest_charge
    intent_id = charge.payment_intent_id if charge is not None else None
    paid = charge is not None and charge.status == "paid"
    total_minor = charge.amount.minor if charge is not None and charge.amount.minor >= 0 else quote.total.minor
    with transaction.atomic():
        if order is None:
            order = Order(buyer_id=user_id, **_plan_order_fields(quote))
        order.total_minor = total_minor
        order.payment_intent_id = intent_id
        order.subscription_id = subscription.id
        order.status = OrderStatus.PAID if paid else OrderStatus.PENDING
        order.paid_at = timezone.now() if paid else None
        order.save()
    return _view(order, quote, status=str(subscription.status), subscription_id=subscription.id)
