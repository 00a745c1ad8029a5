"""The Payment Service's /api/v1 endpoints: payment intents, saved payment methods, refunds, receipts and provider
webhooks."""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import HttpRequest
from ninja import Body, Router, Status

import azora.security.public as security
from azora.accounts.public import request_user_id
from azora.payments import selectors, services
from azora.payments.errors import WebhookSignatureInvalid
from azora.payments.schemas import (
    PaymentIntentChallengeIn,
    PaymentIntentConfirmIn,
    PaymentIntentCreateIn,
    PaymentIntentOut,
    PaymentIntentPageOut,
    PaymentMethodCreateIn,
    PaymentMethodListOut,
    PaymentMethodOut,
    ReceiptOut,
    RefundCreateIn,
    RefundOut,
    WebhookAcceptedOut,
)
from azora.shared.errors import ValidationFailed
from azora.shared.money import CURRENCY_EXPONENTS, Money, UnknownCurrency

router = Router(tags=["payments"])
IDEMPOTENCY_HEADER = "Idempotency-Key"


def _user_id(request: HttpRequest, scope: str) -> uuid.UUID:
    """The signed-in user calling; API keys need the payments scope, organisation keys cannot pay."""
    return request_user_id(request, scope=scope)


def _money(amount: str, currency: str, *, field: str = "amount") -> Money:
    if currency not in CURRENCY_EXPONENTS:
        raise UnknownCurrency(
            f"Unknown currency {currency!r}.", extra={"errors": [{"field": "body.currency", "message": "Unknown."}]}
        )
    try:
        value = Decimal(amount.strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        message = 'A decimal number such as "12.50".'
        raise ValidationFailed(message, extra={"errors": [{"field": f"body.{field}", "message": message}]})
    try:
        return Money.from_decimal(value, currency)
    except ValidationFailed as error:
        raise ValidationFailed(
            error.detail, extra={"errors": [{"field": f"body.{field}", "message": error.detail}]}
        ) from error


@router.post("/payment-intents", response={201: PaymentIntentOut}, summary="Create a payment intent")
def payment_intent_create(request: HttpRequest, payload: PaymentIntentCreateIn) -> Status[PaymentIntentOut]:
    user_id = _user_id(request, "payments:write")
    view = services.payment_intent_create(
        customer_id=user_id,
        amount=_money(payload.amount, payload.currency),
        purpose=payload.purpose,
        description=payload.description,
        metadata=payload.metadata,
        provider=payload.provider,
        idempotency_key=request.headers.get(IDEMPOTENCY_HEADER),
    )
    return Status(201, PaymentIntentOut.of(view))


@router.get("/payment-intents", response=PaymentIntentPageOut, summary="The caller's payment intents, newest first")
def payment_intent_list(request: HttpRequest, cursor: str | None = None, limit: int = 20) -> PaymentIntentPageOut:
    user_id = _user_id(request, "payments:read")
    page = selectors.payment_intents_of(customer_id=user_id, cursor=cursor, limit=limit)
    return PaymentIntentPageOut(items=[PaymentIntentOut.of(view) for view in page.items], next_cursor=page.next_cursor)


@router.get("/payment-intents/{intent_id}", response=PaymentIntentOut, summary="One payment intent")
def payment_intent_get(request: HttpRequest, intent_id: uuid.UUID) -> PaymentIntentOut:
    user_id = _user_id(request, "payments:read")
    return PaymentIntentOut.of(selectors.payment_intent_get(intent_id=intent_id, viewer_id=user_id))


@router.post("/payment-intents/{intent_id}/confirm", response=PaymentIntentOut, summary="Confirm (charge) an intent")
def payment_intent_confirm(
    request: HttpRequest, intent_id: uuid.UUID, payload: PaymentIntentConfirmIn
) -> PaymentIntentOut:
    user_id = _user_id(request, "payments:write")
    view = services.payment_intent_confirm(
        intent_id=intent_id,
        customer_id=user_id,
        payment_method=payload.payment_method,
        idempotency_key=request.headers.get(IDEMPOTENCY_HEADER),
    )
    return PaymentIntentOut.of(view)


@router.post(
    "/payment-intents/{intent_id}/challenge", response=PaymentIntentOut, summary="Answer a requires_action challenge"
)
def payment_intent_challenge(
    request: HttpRequest, intent_id: uuid.UUID, payload: PaymentIntentChallengeIn
) -> PaymentIntentOut:
    user_id = _user_id(request, "payments:write")
    view = services.payment_intent_complete_action(intent_id=intent_id, customer_id=user_id, outcome=payload.outcome)
    return PaymentIntentOut.of(view)


@router.post("/payment-intents/{intent_id}/cancel", response=PaymentIntentOut, summary="Cancel an intent")
def payment_intent_cancel(request: HttpRequest, intent_id: uuid.UUID) -> PaymentIntentOut:
    user_id = _user_id(request, "payments:write")
    return PaymentIntentOut.of(services.payment_intent_cancel(intent_id=intent_id, customer_id=user_id))


@router.post("/payment-methods", response={201: PaymentMethodOut}, summary="Save a payment method for later charges")
def payment_method_create(request: HttpRequest, payload: PaymentMethodCreateIn) -> Status[PaymentMethodOut]:
    # No Idempotency-Key: the save is keyed at the provider per new method, and a repeat only adds a second
    # method the caller can list and delete (at most 10 are kept).
    user_id = _user_id(request, "payments:write")
    view = services.payment_method_save(
        customer_id=user_id, payment_method=payload.payment_method, provider=payload.provider
    )
    return Status(201, PaymentMethodOut.of(view))


@router.get("/payment-methods", response=PaymentMethodListOut, summary="The caller's saved payment methods")
def payment_method_list(request: HttpRequest) -> PaymentMethodListOut:
    # Not paginated: a customer keeps at most 10 (services.MAX_SAVED_METHODS).
    user_id = _user_id(request, "payments:read")
    return PaymentMethodListOut(
        items=[PaymentMethodOut.of(view) for view in selectors.payment_methods_of(customer_id=user_id)]
    )


@router.delete("/payment-methods/{method_id}", response={204: None}, summary="Delete a saved payment method")
def payment_method_delete(request: HttpRequest, method_id: uuid.UUID) -> Status[None]:
    user_id = _user_id(request, "payments:write")
    services.payment_method_delete(customer_id=user_id, method_id=method_id)
    return Status(204, None)


@router.post("/refunds", response={201: RefundOut}, summary="Refund a payment in full or in part (finance admins)")
def refund_create(request: HttpRequest, payload: RefundCreateIn) -> Status[RefundOut]:
    user_id = _user_id(request, "payments:write")
    amount = None
    if payload.amount is not None:
        intent = selectors.payment_intent_get(intent_id=payload.payment_intent_id, viewer_id=user_id)
        amount = _money(payload.amount, intent.amount.currency)
    view = services.refund_create(
        intent_id=payload.payment_intent_id,
        amount=amount,
        reason=payload.reason,
        requested_by=user_id,
        idempotency_key=request.headers.get(IDEMPOTENCY_HEADER),
    )
    return Status(201, RefundOut.of(view))


@router.get("/receipts/{receipt_id}", response=ReceiptOut, summary="One receipt")
def receipt_get(request: HttpRequest, receipt_id: uuid.UUID) -> ReceiptOut:
    user_id = _user_id(request, "payments:read")
    return ReceiptOut.of(selectors.receipt_get(receipt_id=receipt_id, viewer_id=user_id))


@router.post(
    "/webhooks/{provider}",
    auth=None,
    response=WebhookAcceptedOut,
    summary="Provider webhooks (signed; no other authentication)",
)
def webhook_receive(request: HttpRequest, provider: str, event: Body[dict[str, Any]]) -> WebhookAcceptedOut:
    # No credential and no CSRF: the provider's signature over the RAW body is the authentication. `event` is
    # declared so the gateway knows this operation takes a body; it is not used: the service verifies the
    # signature over request.body before it reads anything.
    headers = {name: value for name, value in request.headers.items()}
    try:
        receipt = services.webhook_receive(provider=provider, body=request.body, headers=headers)
    except WebhookSignatureInvalid:
        _record_invalid_signature(request, provider)
        raise
    return WebhookAcceptedOut(received=True, duplicate=receipt.is_duplicate)


def _record_invalid_signature(request: HttpRequest, provider: str) -> None:
    """Forged or replayed provider calls are evidence; the event names the provider, never the signature."""
    security.security_event_record(
        kind="webhook_signature_invalid",
        summary=f"A {provider} webhook with a missing, wrong or stale signature was refused.",
        request=request,
        detail={"provider": provider, "body_bytes": len(request.body)},
    )
