"""The Payment Service's read side: intents, refunds and receipts, scoped to their customer or a finance admin."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import cast

from django.utils import timezone

from azora.accounts.public import user_has_platform_role
from azora.payments.errors import PaymentIntentNotFound, ReceiptNotFound
from azora.payments.models import PaymentIntent, Receipt, Refund, SavedPaymentMethod, WebhookEvent
from azora.payments.public import (
    IntentStatus,
    PaymentIntentView,
    Purpose,
    ReceiptLine,
    ReceiptView,
    RefundStatus,
    RefundView,
    SavedPaymentMethodView,
)
from azora.shared.money import Money
from azora.shared.pagination import Page, paginate_queryset

FINANCE_ADMIN = "finance_admin"


def is_finance_admin(*, user_id: uuid.UUID) -> bool:
    return user_has_platform_role(user_id=user_id, role=FINANCE_ADMIN)


def intent_view(intent: PaymentIntent, *, receipt_id: uuid.UUID | None = None) -> PaymentIntentView:
    if receipt_id is None and intent.status == "succeeded":
        if PaymentIntent.receipt.related.is_cached(intent):  # set by the success that just issued it
            receipt_id = intent.receipt.id
        else:
            receipt_id = Receipt.objects.filter(intent_id=intent.id).values_list("id", flat=True).first()
    return PaymentIntentView(
        id=intent.id,
        customer_id=intent.customer_id,
        amount=Money(intent.amount_minor, intent.currency),
        status=cast(IntentStatus, intent.status),
        purpose=cast(Purpose, intent.purpose),
        description=intent.description,
        provider=intent.provider,
        metadata=dict(intent.metadata),
        next_action=intent.next_action,
        failure_code=intent.failure_code or None,
        failure_message=intent.failure_message or None,
        amount_refunded=Money(intent.amount_refunded_minor, intent.currency),
        receipt_id=receipt_id,
        created_at=intent.created_at,
        succeeded_at=intent.succeeded_at,
        fee=Money(intent.fee_minor, intent.currency) if intent.status == "succeeded" else None,
        credit_account_id=intent.credit_account_id,
        payment_method_brand=intent.payment_method_brand,
        payment_method_last4=intent.payment_method_last4,
    )


def refund_view(refund: Refund) -> RefundView:
    return RefundView(
        id=refund.id,
        payment_intent_id=refund.intent_id,
        amount=Money(refund.amount_minor, refund.currency),
        status=cast(RefundStatus, refund.status),
        reason=refund.reason,
        requested_by=refund.requested_by,
        failure_code=refund.failure_code or None,
        created_at=refund.created_at,
        succeeded_at=refund.succeeded_at,
    )


def receipt_view(receipt: Receipt) -> ReceiptView:
    intent = receipt.intent
    currency = receipt.currency
    lines = tuple(
        ReceiptLine(
            description=str(line["description"]),
            quantity=int(line["quantity"]),
            unit_amount=Money(int(line["unit_amount_minor"]), currency),
            amount=Money(int(line["amount_minor"]), currency),
        )
        for line in receipt.lines
    )
    return ReceiptView(
        id=receipt.id,
        number=receipt.number,
        payment_intent_id=receipt.intent_id,
        customer_id=receipt.customer_id,
        customer_name=receipt.customer_name,
        customer_email=receipt.customer_email,
        issued_at=receipt.issued_at,
        lines=lines,
        subtotal=Money(receipt.subtotal_minor, currency),
        total=Money(receipt.total_minor, currency),
        amount_refunded=Money(intent.amount_refunded_minor, currency),
        provider=receipt.provider,
        payment_method_brand=receipt.payment_method_brand,
        payment_method_last4=receipt.payment_method_last4,
        purpose=cast(Purpose, intent.purpose),
        description=intent.description,
    )


def payment_intent_get(*, intent_id: uuid.UUID, viewer_id: uuid.UUID) -> PaymentIntentView:
    intent = PaymentIntent.objects.filter(pk=intent_id).first()
    if intent is None or (intent.customer_id != viewer_id and not is_finance_admin(user_id=viewer_id)):
        raise PaymentIntentNotFound()
    return intent_view(intent)


def payment_intents_of(
    *, customer_id: uuid.UUID, cursor: str | None = None, limit: int = 50
) -> Page[PaymentIntentView]:
    page = paginate_queryset(
        PaymentIntent.objects.filter(customer_id=customer_id).select_related("receipt"),
        cursor=cursor,
        limit=limit,
        ordering=("-id",),
        to_item=lambda intent: intent,
    )
    # select_related fetched each intent's receipt (a reverse one-to-one) in the same query: no N+1.
    return Page(
        items=[intent_view(intent, receipt_id=_receipt_id(intent)) for intent in page.items],
        next_cursor=page.next_cursor,
    )


def _receipt_id(intent: PaymentIntent) -> uuid.UUID | None:
    try:
        return intent.receipt.id
    except Receipt.DoesNotExist:
        return None


def refunds_of_intent(*, intent_id: uuid.UUID, viewer_id: uuid.UUID) -> list[RefundView]:
    payment_intent_get(intent_id=intent_id, viewer_id=viewer_id)
    return [refund_view(refund) for refund in Refund.objects.filter(intent_id=intent_id).order_by("id")]


def receipt_get(*, receipt_id: uuid.UUID, viewer_id: uuid.UUID) -> ReceiptView:
    receipt = Receipt.objects.select_related("intent").filter(pk=receipt_id).first()
    if receipt is None or (receipt.customer_id != viewer_id and not is_finance_admin(user_id=viewer_id)):
        raise ReceiptNotFound()
    return receipt_view(receipt)


def receipt_for_intent(*, intent_id: uuid.UUID, viewer_id: uuid.UUID) -> ReceiptView | None:
    receipt = Receipt.objects.select_related("intent").filter(intent_id=intent_id).first()
    if receipt is None or (receipt.customer_id != viewer_id and not is_finance_admin(user_id=viewer_id)):
        return None
    return receipt_view(receipt)


def saved_method_view(method: SavedPaymentMethod) -> SavedPaymentMethodView:
    return SavedPaymentMethodView(
        id=method.id,
        provider=method.provider,
        brand=method.brand,
        last4=method.last4,
        exp_month=method.exp_month,
        exp_year=method.exp_year,
        created_at=method.created_at,
    )


def payment_methods_of(*, customer_id: uuid.UUID) -> list[SavedPaymentMethodView]:
    return [saved_method_view(method) for method in SavedPaymentMethod.objects.filter(customer_id=customer_id)]


WEBHOOK_BACKLOG_AGE = dt.timedelta(minutes=5)
STUCK_PROCESSING_AGE = dt.timedelta(hours=1)


def payments_health(*, now: dt.datetime | None = None) -> str:
    """Empty when healthy; otherwise what is wrong (no ids, amounts or secrets), for operators and a future
    readiness probe (health's tests pin the list of probes today, so none is registered yet)."""
    now = now or timezone.now()
    problems = []
    waiting = WebhookEvent.objects.filter(status="received", created_at__lt=now - WEBHOOK_BACKLOG_AGE).count()
    if waiting:
        problems.append(f"{waiting} webhook event(s) unprocessed for over 5 minutes")
    stuck = PaymentIntent.objects.filter(status="processing", updated_at__lt=now - STUCK_PROCESSING_AGE).count()
    if stuck:
        problems.append(f"{stuck} payment intent(s) processing for over an hour")
    return "; ".join(problems)
