"""The revenue engine's handlers for the Payment Service's events: course sales split, failures and refunds reversed.

Each handler calls one service in azora.revenue.services.shares; the dispatcher runs it in a transaction and
dedupes by subscriber name and event id, and the services are idempotent on their own too (transfer ids derive
from the order and the refund). The bottom of the module registers the revenue demo loader (wiring imports this
module at start-up).
"""

from __future__ import annotations

import uuid

from azora.payments.events import PaymentFailed, PaymentRefunded, PaymentSucceeded
from azora.revenue import demo
from azora.revenue.services import shares
from azora.shared import demo as shared_demo
from azora.shared.events import subscriber

COURSE_PURCHASE = "course_purchase"
SUBSCRIPTION = "subscription"


def _order_id(metadata: dict[str, str]) -> uuid.UUID | None:
    try:
        return uuid.UUID(metadata.get("order_id", ""))
    except ValueError:
        return None


@subscriber(PaymentSucceeded, name="revenue.split_course_sale_on_payment_succeeded")
def split_course_sale_on_payment_succeeded(event: PaymentSucceeded) -> None:
    if event.purpose == SUBSCRIPTION:
        shares.plan_order_settle(payment_intent_id=event.payment_intent_id, succeeded=True, at=event.succeeded_at)
        return
    if event.purpose != COURSE_PURCHASE or _order_id(event.metadata) is None:
        return
    shares.order_pay(
        payment_intent_id=event.payment_intent_id,
        order_id=_order_id(event.metadata),
        fee=event.fee,
        succeeded_at=event.succeeded_at,
    )


@subscriber(PaymentFailed, name="revenue.fail_order_on_payment_failed")
def fail_order_on_payment_failed(event: PaymentFailed) -> None:
    if event.purpose == SUBSCRIPTION:
        shares.plan_order_settle(payment_intent_id=event.payment_intent_id, succeeded=False)
        return
    if event.purpose != COURSE_PURCHASE:
        return
    shares.order_fail(payment_intent_id=event.payment_intent_id)


@subscriber(PaymentRefunded, name="revenue.reverse_sale_on_payment_refunded")
def reverse_sale_on_payment_refunded(event: PaymentRefunded) -> None:
    shares.order_refund(
        payment_intent_id=event.payment_intent_id,
        refund_id=event.refund_id,
        amount=event.amount,
        is_full=event.is_full,
        reason=event.reason,
    )


shared_demo.register("revenue.checkout", demo.load_demo_data, order=60)
