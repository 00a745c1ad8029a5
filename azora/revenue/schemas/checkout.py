"""Request and response schemas of checkout, orders, course revenue splits and instructors' earnings."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from azora.revenue.public.checkout import (
    CheckoutView,
    EarningsView,
    OrderShareView,
    OrderView,
    RevenueSplitView,
    SaleLine,
)
from azora.shared.schemas import AmountOut, StrictIn, amount_out


class CheckoutCreateIn(StrictIn):
    item: Literal["course", "plan"]
    course_id: uuid.UUID | None = None
    plan_code: str | None = Field(default=None, max_length=32)
    interval: Literal["month", "year"] = "month"
    currency: str = Field(min_length=3, max_length=8, description="ISO code, e.g. ZAR.")
    coupon_code: str | None = Field(default=None, max_length=40)
    redeem_azr: str | None = Field(default=None, description='AZR to redeem for a discount, e.g. "50.00".')
    country: str | None = Field(default=None, min_length=2, max_length=2)
    payment_method_id: uuid.UUID | None = Field(default=None, description="A saved payment method (plans).")


class CheckoutOut(Schema):
    order_id: uuid.UUID | None
    item: str
    status: str
    course_id: uuid.UUID | None
    plan_code: str | None
    list_amount: AmountOut
    coupon_discount: AmountOut
    student_discount: AmountOut
    offer_discount: AmountOut = Field(description="A plan's accepted upgrade offer, taken off the first charge.")
    azr_redeemed: AmountOut
    azr_discount: AmountOut
    total: AmountOut
    payment_intent_id: uuid.UUID | None
    checkout_url: str | None = Field(description="The Pay UI page that confirms the payment intent.")
    subscription_id: uuid.UUID | None

    @staticmethod
    def of(view: CheckoutView) -> CheckoutOut:
        return CheckoutOut(
            order_id=view.order_id,
            item=view.item,
            status=view.status,
            course_id=view.course_id,
            plan_code=view.plan_code,
            list_amount=amount_out(view.list_amount),
            coupon_discount=amount_out(view.coupon_discount),
            student_discount=amount_out(view.student_discount),
            offer_discount=amount_out(view.offer_discount),
            azr_redeemed=amount_out(view.azr_redeemed),
            azr_discount=amount_out(view.azr_discount),
            total=amount_out(view.total),
            payment_intent_id=view.payment_intent_id,
            checkout_url=view.checkout_url,
            subscription_id=view.subscription_id,
        )


class OrderShareOut(Schema):
    instructor_id: uuid.UUID
    amount: AmountOut
    refunded: AmountOut

    @staticmethod
    def of(view: OrderShareView) -> OrderShareOut:
        return OrderShareOut(
            instructor_id=view.instructor_id, amount=amount_out(view.amount), refunded=amount_out(view.refunded)
        )


class OrderOut(Schema):
    id: uuid.UUID
    item: str
    course_id: uuid.UUID | None
    plan_code: str | None
    status: str
    list_amount: AmountOut
    coupon_code: str | None
    coupon_discount: AmountOut
    student_discount: AmountOut
    azr_redeemed: AmountOut
    azr_discount: AmountOut
    total: AmountOut
    fee: AmountOut
    refunded: AmountOut
    payment_intent_id: uuid.UUID | None
    paid_at: datetime | None
    release_at: datetime | None
    created_at: datetime
    shares: list[OrderShareOut]

    @staticmethod
    def of(view: OrderView) -> OrderOut:
        return OrderOut(
            id=view.id,
            item=view.item,
            course_id=view.course_id,
            plan_code=view.plan_code,
            status=view.status,
            list_amount=amount_out(view.list_amount),
            coupon_code=view.coupon_code,
            coupon_discount=amount_out(view.coupon_discount),
            student_discount=amount_out(view.student_discount),
            azr_redeemed=amount_out(view.azr_redeemed),
            azr_discount=amount_out(view.azr_discount),
            total=amount_out(view.total),
            fee=amount_out(view.fee),
            refunded=amount_out(view.refunded),
            payment_intent_id=view.payment_intent_id,
            paid_at=view.paid_at,
            release_at=view.release_at,
            created_at=view.created_at,
            shares=[OrderShareOut.of(share) for share in view.shares],
        )


class RevenueSplitShareIn(StrictIn):
    instructor_id: uuid.UUID
    share_bp: int = Field(description="Basis points of the instructor share: 5000 = 50%.")


class RevenueSplitIn(StrictIn):
    shares: list[RevenueSplitShareIn] = Field(min_length=1, max_length=20)


class RevenueSplitShareOut(Schema):
    instructor_id: uuid.UUID
    share_bp: int


class RevenueSplitOut(Schema):
    course_id: uuid.UUID
    is_default: bool = Field(description="True when nothing is configured: the course's owner takes the share.")
    shares: list[RevenueSplitShareOut]

    @staticmethod
    def of(view: RevenueSplitView) -> RevenueSplitOut:
        return RevenueSplitOut(
            course_id=view.course_id,
            is_default=view.is_default,
            shares=[RevenueSplitShareOut(instructor_id=who, share_bp=bp) for who, bp in view.shares],
        )


class EarningsBalanceOut(Schema):
    currency: str
    held: AmountOut = Field(description="Shares of sales still in the refund hold.")
    released: AmountOut = Field(description="Released earnings that may be paid out now.")
    paid_out: AmountOut
    owed: AmountOut | None = Field(
        default=None, description="Owed back after a refund of a sale already paid out; later sales pay it off."
    )


class SaleLineOut(Schema):
    order_id: uuid.UUID
    course_id: uuid.UUID
    course_title: str
    status: str
    paid_at: datetime | None
    release_at: datetime | None
    is_released: bool
    total: AmountOut
    fee: AmountOut
    refunded: AmountOut
    my_share: AmountOut
    lines: list[OrderShareOut]

    @staticmethod
    def of(view: SaleLine) -> SaleLineOut:
        return SaleLineOut(
            order_id=view.order_id,
            course_id=view.course_id,
            course_title=view.course_title,
            status=view.status,
            paid_at=view.paid_at,
            release_at=view.release_at,
            is_released=view.is_released,
            total=amount_out(view.total),
            fee=amount_out(view.fee),
            refunded=amount_out(view.refunded),
            my_share=amount_out(view.my_share),
            lines=[OrderShareOut.of(line) for line in view.lines],
        )


class EarningsOut(Schema):
    balances: list[EarningsBalanceOut]
    recent_sales: list[SaleLineOut]
    payouts_url: str = Field(description="Ask for a payout of released earnings here (finance's POST /payouts).")

    @staticmethod
    def of(view: EarningsView) -> EarningsOut:
        return EarningsOut(
            balances=[
                EarningsBalanceOut(
                    currency=line.currency,
                    held=amount_out(line.held),
                    released=amount_out(line.released),
                    paid_out=amount_out(line.paid_out),
                    owed=amount_out(line.owed) if line.owed is not None else None,
                )
                for line in view.balances
            ],
            recent_sales=[SaleLineOut.of(sale) for sale in view.recent_sales],
            payouts_url=view.payouts_url,
        )
