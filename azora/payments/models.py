"""The Payment Service's tables: intents and their transitions, refunds, receipts and their counter, webhooks.

Also the sandbox provider's own side of the world (its payments and idempotency records), kept in the database
so that the embedded default behaves the same across threads and processes.
"""

from __future__ import annotations

from django.db import models

from azora.shared.ids import uuid7
from azora.shared.models import PublicModel, TimeStampedModel


class IntentStatus(models.TextChoices):
    REQUIRES_PAYMENT_METHOD = "requires_payment_method", "Requires payment method"
    REQUIRES_CONFIRMATION = "requires_confirmation", "Requires confirmation"
    PROCESSING = "processing", "Processing"
    REQUIRES_ACTION = "requires_action", "Requires action"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELED = "canceled", "Canceled"


class Purpose(models.TextChoices):
    COURSE_PURCHASE = "course_purchase", "Course purchase"
    SUBSCRIPTION = "subscription", "Subscription"
    MARKETPLACE_ORDER = "marketplace_order", "Marketplace order"
    WALLET_TOP_UP = "wallet_top_up", "Wallet top-up"


class PaymentIntent(PublicModel):
    """One attempt to collect an amount from a customer through a provider; its status follows state.TRANSITIONS."""

    customer_id = models.UUIDField(db_index=True)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=8)
    status = models.CharField(max_length=32, choices=IntentStatus.choices, default=IntentStatus.REQUIRES_PAYMENT_METHOD)
    purpose = models.CharField(max_length=32, choices=Purpose.choices)
    description = models.CharField(max_length=500)
    provider = models.CharField(max_length=32)
    provider_ref = models.CharField(max_length=200, blank=True, default="")
    credit_account_id = models.UUIDField()
    metadata = models.JSONField(default=dict, blank=True)
    next_action = models.JSONField(null=True, blank=True)
    failure_code = models.CharField(max_length=100, blank=True, default="")
    failure_message = models.CharField(max_length=500, blank=True, default="")
    fee_minor = models.BigIntegerField(default=0)
    amount_refunded_minor = models.BigIntegerField(default=0)
    # Chosen at creation so that the ledger transfer of a success is itself idempotent.
    ledger_transfer_id = models.UUIDField(default=uuid7, unique=True, editable=False)
    create_idempotency_key = models.CharField(max_length=255, blank=True, default="")
    create_fingerprint = models.CharField(max_length=64, blank=True, default="")
    confirm_idempotency_key = models.CharField(max_length=255, blank=True, default="")
    payment_method_brand = models.CharField(max_length=32, blank=True, default="")
    payment_method_last4 = models.CharField(max_length=4, blank=True, default="")
    succeeded_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer_id", "create_idempotency_key"],
                condition=~models.Q(create_idempotency_key=""),
                name="payments_intent_create_key_unique",
            ),
            models.UniqueConstraint(
                fields=["provider", "provider_ref"],
                condition=~models.Q(provider_ref=""),
                name="payments_intent_provider_ref_unique",
            ),
            models.CheckConstraint(condition=models.Q(amount_minor__gt=0), name="payments_intent_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(amount_refunded_minor__gte=0)
                & models.Q(amount_refunded_minor__lte=models.F("amount_minor")),
                name="payments_intent_refunded_within_amount",
            ),
        ]
        indexes = [models.Index(fields=["customer_id", "id"], name="payments_intent_customer_idx")]

    def __str__(self) -> str:
        return f"{self.id} {self.amount_minor} {self.currency} {self.status}"


class PaymentIntentTransition(models.Model):
    """Append-only history of an intent's status changes and what caused each one."""

    intent = models.ForeignKey(PaymentIntent, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=32)
    to_status = models.CharField(max_length=32)
    source = models.CharField(max_length=32)  # "api", "provider", "webhook"
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.intent_id}: {self.from_status} -> {self.to_status}"


class SavedPaymentMethod(PublicModel):
    """A customer's payment method kept at the provider for charges without them present (renewals).

    Holds the provider's token and what may be shown (brand, last four digits, expiry); never the card number
    or the CVC, which only the provider ever sees.
    """

    customer_id = models.UUIDField()
    provider = models.CharField(max_length=32)
    provider_token = models.CharField(max_length=200)
    provider_customer_ref = models.CharField(max_length=200, blank=True, default="")
    brand = models.CharField(max_length=32, blank=True, default="")
    last4 = models.CharField(max_length=4, blank=True, default="")
    exp_month = models.PositiveSmallIntegerField()
    exp_year = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "provider_token"], name="payments_saved_method_token_unique"),
        ]
        indexes = [models.Index(fields=["customer_id", "id"], name="payments_saved_method_idx")]

    def __str__(self) -> str:
        return f"{self.brand} ••{self.last4} of {self.customer_id}"


class RefundStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class Refund(PublicModel):
    """A full or partial refund; a pending one already counts against what may still be refunded."""

    intent = models.ForeignKey(PaymentIntent, on_delete=models.PROTECT, related_name="refunds")
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=8)
    reason = models.CharField(max_length=500)
    status = models.CharField(max_length=16, choices=RefundStatus.choices, default=RefundStatus.PENDING)
    requested_by = models.UUIDField()
    idempotency_key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    provider_ref = models.CharField(max_length=200, blank=True, default="")
    ledger_transfer_id = models.UUIDField(default=uuid7, unique=True, editable=False)
    failure_code = models.CharField(max_length=100, blank=True, default="")
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["requested_by", "idempotency_key"], name="payments_refund_key_unique"),
            models.CheckConstraint(condition=models.Q(amount_minor__gt=0), name="payments_refund_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"refund {self.id} of {self.intent_id}: {self.amount_minor} {self.currency}"


class InvoiceCounter(models.Model):
    """The last invoice number of a year; locked FOR UPDATE in the success transaction, so numbers are gapless."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Receipt(PublicModel):
    """What the customer paid for, numbered INV-<year>-<sequence>; written once, in the success transaction."""

    intent = models.OneToOneField(PaymentIntent, on_delete=models.PROTECT, related_name="receipt")
    number = models.CharField(max_length=32, unique=True)
    year = models.PositiveIntegerField()
    sequence = models.PositiveIntegerField()
    customer_id = models.UUIDField(db_index=True)
    customer_name = models.CharField(max_length=200, blank=True, default="")
    customer_email = models.CharField(max_length=254, blank=True, default="")
    issued_at = models.DateTimeField()
    currency = models.CharField(max_length=8)
    lines = models.JSONField()
    subtotal_minor = models.BigIntegerField()
    total_minor = models.BigIntegerField()
    provider = models.CharField(max_length=32)
    payment_method_brand = models.CharField(max_length=32, blank=True, default="")
    payment_method_last4 = models.CharField(max_length=4, blank=True, default="")
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["year", "sequence"], name="payments_receipt_sequence_unique")]

    def __str__(self) -> str:
        return self.number


class WebhookStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    PROCESSED = "processed", "Processed"
    IGNORED = "ignored", "Ignored"
    FAILED = "failed", "Failed"


class WebhookEvent(TimeStampedModel):
    """A verified provider event, stored once per provider event id and processed by a task."""

    provider = models.CharField(max_length=32)
    event_id = models.CharField(max_length=200)
    event_type = models.CharField(max_length=100)
    provider_ref = models.CharField(max_length=200, blank=True, default="")
    payload = models.JSONField()
    status = models.CharField(max_length=16, choices=WebhookStatus.choices, default=WebhookStatus.RECEIVED)
    deliveries = models.PositiveIntegerField(default=1)
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="payments_webhook_event_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id} {self.event_type}"


class SandboxPayment(TimeStampedModel):
    """The sandbox provider's record of a payment, as a real provider would keep it on its side."""

    id = models.CharField(primary_key=True, max_length=64)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=8)
    status = models.CharField(max_length=32)
    reference = models.CharField(max_length=200)
    metadata = models.JSONField(default=dict)
    card_brand = models.CharField(max_length=32, blank=True, default="")
    card_last4 = models.CharField(max_length=4, blank=True, default="")
    failure_code = models.CharField(max_length=100, blank=True, default="")
    refunded_minor = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.id} {self.status}"


class SandboxSavedCard(TimeStampedModel):
    """The sandbox's side of a saved card: its token remembers how the test card behaves, not its number."""

    id = models.CharField(primary_key=True, max_length=64)
    outcome = models.CharField(max_length=32)  # a SANDBOX_TEST_CARDS outcome ("succeeded", "card_declined", ...)
    brand = models.CharField(max_length=32)
    last4 = models.CharField(max_length=4)
    exp_month = models.PositiveSmallIntegerField()
    exp_year = models.PositiveSmallIntegerField()
    is_detached = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.id} {self.outcome}"


class SandboxIdempotencyRecord(models.Model):
    """The sandbox's stored answer per idempotency key, replayed like Stripe replays its Idempotency-Key."""

    key = models.CharField(primary_key=True, max_length=300)
    fingerprint = models.CharField(max_length=64)
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key
