"""Subscriptions to plans: their periods and status, each charge they made, and the seats of organisations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from azora.revenue.models.plans import BillingInterval, Coupon, Plan
from azora.shared.models import PublicModel

__all__ = [
    "HELD_STATUSES",
    "LIVE_STATUSES",
    "ChargeKind",
    "ChargeStatus",
    "SeatAssignment",
    "Subscription",
    "SubscriptionCharge",
    "SubscriptionStatus",
]


class SubscriptionStatus(models.TextChoices):
    INCOMPLETE = "incomplete", _("Awaiting the first payment")
    TRIALING = "trialing", _("Trial")
    ACTIVE = "active", _("Active")
    PAST_DUE = "past_due", _("Past due")
    CANCELED = "canceled", _("Canceled")


# The statuses that give the plan's entitlements.
LIVE_STATUSES = (SubscriptionStatus.TRIALING, SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE)
# The statuses that hold the one-per-user (or organisation) slot: a start whose first payment is still in flight
# keeps a concurrent second start out, as Stripe's "incomplete" subscription does.
HELD_STATUSES = (SubscriptionStatus.INCOMPLETE, *LIVE_STATUSES)


class Subscription(PublicModel):
    """A user's (or an organisation's, per seat) subscription to a paid plan; FREE needs none.

    At most one live subscription per user and per organisation.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation_id = models.UUIDField(null=True, blank=True)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="+")
    interval = models.CharField(max_length=8, choices=BillingInterval.choices)
    currency = models.CharField(max_length=8)
    country = models.CharField(max_length=2, blank=True, default="")
    unit_amount_minor = models.BigIntegerField(help_text="The price per period (per seat) after lasting discounts.")
    seats = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=16, choices=SubscriptionStatus.choices)
    current_period_start = models.DateTimeField()
    current_period_end = models.DateTimeField()
    billing_anchor_day = models.PositiveSmallIntegerField(
        default=1, help_text="The day of the month periods end on (the month's last day when it is shorter)."
    )
    trial_end = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    canceled_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    payment_method_id = models.UUIDField(null=True, blank=True, help_text="A saved method of the Payment Service.")
    coupon = models.ForeignKey(Coupon, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    discount_bp = models.PositiveIntegerField(default=0, help_text="A lasting discount (student pricing).")
    dunning_attempts = models.PositiveSmallIntegerField(default=0)
    next_retry_at = models.DateTimeField(null=True, blank=True)
    credit_minor = models.BigIntegerField(
        default=0, help_text="Credit from downgrades and removed seats, taken off the next charges (never negative)."
    )
    cancel_reason = models.CharField(max_length=32, blank=True, default="")
    next_charges_discount_bp = models.PositiveIntegerField(
        default=0, help_text="A discount on the next renewals only (an upgrade offer), in basis points."
    )
    next_charges_discount_count = models.PositiveSmallIntegerField(default=0)
    next_charges_discount_reason = models.CharField(max_length=200, blank=True, default="")
    granted_reason = models.CharField(
        max_length=200, blank=True, default="", help_text="Why a trial was granted without a card (an offer)."
    )

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status__in=HELD_STATUSES, organisation_id__isnull=True),
                name="rev_one_live_subscription_per_user",
            ),
            models.UniqueConstraint(
                fields=["organisation_id"],
                condition=models.Q(status__in=HELD_STATUSES, organisation_id__isnull=False),
                name="rev_one_live_subscription_per_organisation",
            ),
            models.CheckConstraint(
                condition=models.Q(credit_minor__gte=0), name="rev_subscription_credit_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "current_period_end"], name="rev_subscription_due_idx"),
            models.Index(fields=["status", "next_retry_at"], name="rev_subscription_retry_idx"),
        ]


class ChargeKind(models.TextChoices):
    START = "start", _("First period")
    RENEWAL = "renewal", _("Renewal")
    PRORATION = "proration", _("Plan change (prorated)")
    SEATS = "seats", _("Added seats (prorated)")


class ChargeStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    CREDITED = "credited", _("Credited")


class SubscriptionCharge(PublicModel):
    """One amount a subscription asked the Payment Service for (or, for a downgrade, credited)."""

    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="charges")
    kind = models.CharField(max_length=16, choices=ChargeKind.choices)
    status = models.CharField(max_length=16, choices=ChargeStatus.choices, default=ChargeStatus.PENDING)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=8)
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    payment_intent_id = models.UUIDField(null=True, blank=True, unique=True)
    attempt = models.PositiveSmallIntegerField(default=1)
    failure_code = models.CharField(max_length=100, blank=True, default="")
    change = models.JSONField(
        default=dict,
        blank=True,
        help_text="For a prorated charge: the plan, interval and seats it pays for, applied once it is paid.",
    )

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="rev_charge_status_idx")]


class SeatAssignment(PublicModel):
    """A member of the organisation who holds one of its subscription's seats."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="seat_assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["subscription", "user"], name="rev_seat_unique")]
