"""Orders for courses and plans, the split of each course sale, and co-instructors' shares of a course."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from azora.revenue.models.plans import BillingInterval, Coupon, Plan
from azora.shared.models import PublicModel

__all__ = [
    "CourseRevenueSplit",
    "Order",
    "OrderItem",
    "OrderShare",
    "OrderStatus",
]


class OrderItem(models.TextChoices):
    COURSE = "course", _("Course")
    PLAN = "plan", _("Plan")


class OrderStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting payment")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Payment failed")
    CANCELED = "canceled", _("Canceled")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partly refunded")
    REFUNDED = "refunded", _("Refunded")


class Order(PublicModel):
    """One checkout: what was bought, the price and every discount, and the payment that settles it.

    Amounts are minor units of `currency`; `azr_redeemed_minor` is AZR (2 decimals) the buyer gave up for
    `azr_discount_minor`. total = list - student discount - offer discount - coupon discount - AZR discount.
    """

    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    item = models.CharField(max_length=8, choices=OrderItem.choices)
    course_id = models.UUIDField(null=True, blank=True)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    interval = models.CharField(max_length=8, choices=BillingInterval.choices, blank=True, default="")
    currency = models.CharField(max_length=8)
    country = models.CharField(max_length=2, blank=True, default="")
    list_amount_minor = models.BigIntegerField()
    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    coupon_discount_minor = models.BigIntegerField(default=0)
    student_discount_minor = models.BigIntegerField(default=0)
    # A plan's accepted upgrade offer (H4's), taken off the first charge; the offer records this order as its use.
    offer_id = models.UUIDField(null=True, blank=True)
    offer_discount_minor = models.BigIntegerField(default=0)
    azr_redeemed_minor = models.BigIntegerField(default=0)
    azr_discount_minor = models.BigIntegerField(default=0)
    total_minor = models.BigIntegerField()
    status = models.CharField(max_length=24, choices=OrderStatus.choices, default=OrderStatus.PENDING)
    payment_intent_id = models.UUIDField(null=True, blank=True, unique=True)
    fee_minor = models.BigIntegerField(default=0)
    split_transfer_id = models.UUIDField(null=True, blank=True, unique=True)
    release_at = models.DateTimeField(null=True, blank=True)
    release_transfer_id = models.UUIDField(null=True, blank=True, unique=True)
    refunded_minor = models.BigIntegerField(default=0)
    paid_at = models.DateTimeField(null=True, blank=True)
    # The course's owner and their plan's instructor share when the order was placed: a later plan change does
    # not change what this sale pays.
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    seller_share_bp = models.PositiveIntegerField(null=True, blank=True)
    # The pending ledger transfer that reserves the AZR to redeem until the payment settles (voided either way).
    azr_reservation_id = models.UUIDField(null=True, blank=True, unique=True)
    # A plan checkout's subscription (H2's), when the order is for a plan.
    subscription_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(total_minor__gte=0), name="rev_order_total_not_negative"),
            models.CheckConstraint(
                condition=(
                    models.Q(item="course", course_id__isnull=False, plan__isnull=True)
                    | models.Q(item="plan", course_id__isnull=True, plan__isnull=False)
                ),
                name="rev_order_item_matches",
            ),
            # One unpaid checkout per buyer and course: a second one (a double click) replaces the first.
            models.UniqueConstraint(
                fields=["buyer", "course_id"],
                condition=models.Q(status="pending", item="course"),
                name="rev_order_one_pending_per_course",
            ),
        ]
        indexes = [
            models.Index(fields=["buyer", "course_id"], name="rev_order_buyer_course_idx"),
            models.Index(fields=["status", "release_at"], name="rev_order_release_idx"),
            models.Index(fields=["course_id", "status"], name="rev_order_course_idx"),
        ]


class OrderShare(PublicModel):
    """One instructor's part of a course sale (held, then released): the figures the split transfer posted."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="shares")
    instructor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    amount_minor = models.BigIntegerField()
    refunded_minor = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["order", "instructor"], name="rev_order_share_unique")]
        indexes = [models.Index(fields=["instructor", "order"], name="rev_share_instructor_idx")]


class CourseRevenueSplit(PublicModel):
    """A co-taught course's split of the instructor share among its instructors (basis points summing to 10000)."""

    course_id = models.UUIDField()
    instructor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    share_bp = models.PositiveIntegerField()

    class Meta:
        ordering = ["course_id", "instructor"]
        constraints = [
            models.UniqueConstraint(fields=["course_id", "instructor"], name="rev_course_split_unique"),
            models.CheckConstraint(condition=models.Q(share_bp__gte=1, share_bp__lte=10000), name="rev_split_range"),
        ]
