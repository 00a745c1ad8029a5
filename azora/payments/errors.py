"""The Payment Service's domain errors; each becomes an RFC 9457 problem with a stable code at the API edge."""

from __future__ import annotations

from azora.shared.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed


class PaymentIntentNotFound(NotFound):
    code = "payment_intent_not_found"
    title = "The payment intent does not exist."


class ReceiptNotFound(NotFound):
    code = "receipt_not_found"
    title = "The receipt does not exist."


class PaymentMethodNotFound(NotFound):
    code = "payment_method_not_found"
    title = "The saved payment method does not exist."


class PaymentMethodDeclined(ValidationFailed):
    """The provider refused to keep the card (declined, expired, wrong number); `failure_code` says why."""

    code = "payment_method_declined"
    title = "The card cannot be saved."


class PaymentMethodLimitReached(Conflict):
    code = "payment_method_limit_reached"
    title = "No more payment methods can be saved; delete one first."


class InvalidTransition(Conflict):
    code = "invalid_transition"
    title = "The payment intent cannot make that change in its current state."


class InvalidAmount(ValidationFailed):
    code = "invalid_amount"
    title = "The amount must be more than zero."


class InvalidPurpose(ValidationFailed):
    code = "invalid_purpose"
    title = "The purpose is not one the platform knows."


class UnknownProvider(ValidationFailed):
    code = "unknown_provider"
    title = "The payment provider is not configured."


class InvalidPaymentMethod(ValidationFailed):
    code = "invalid_payment_method"
    title = "The payment method is not valid for this provider."


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
    title = "The idempotency key was already used with different parameters."


class RefundNotPermitted(PermissionDenied):
    code = "refund_not_permitted"
    title = "Only finance administrators may refund payments."


class RefundExceedsRemaining(Conflict):
    code = "refund_exceeds_remaining"
    title = "The refund is more than what remains of the payment."


class RefundWindowClosed(Conflict):
    code = "refund_window_closed"
    title = "The payment is too old to be refunded."


class PaymentNotRefundable(Conflict):
    code = "payment_not_refundable"
    title = "Only a succeeded payment can be refunded."


class WebhookSignatureInvalid(DomainError):
    code = "webhook_signature_invalid"
    status = 400
    title = "The webhook signature is missing, wrong or stale."


class WebhookPayloadInvalid(DomainError):
    code = "webhook_payload_invalid"
    status = 400
    title = "The webhook body is not an event this provider sends."


class ProviderUnavailable(DomainError):
    """The provider could not be reached (or kept failing) after every retry; the outcome may still arrive."""

    code = "provider_unavailable"
    status = 503
    title = "The payment provider is not answering; try again shortly."


class ProviderRejected(DomainError):
    """The provider refused the request itself (not a card decline): a configuration or request problem."""

    code = "provider_rejected"
    status = 502
    title = "The payment provider refused the request."
