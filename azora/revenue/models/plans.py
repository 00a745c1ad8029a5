"""The plan catalogue and what things cost: plans, their prices per currency and country, student status, coupons."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from azora.shared.models import PublicModel

__all__ = [
    "BillingInterval",
    "CountryPrice",
    "Coupon",
    "CouponKind",
    "CouponRedemption",
    "CoursePrice",
    "Plan",
    "PlanPrice",
    "StudentVerification",
    "StudentVerificationMethod",
]


class BillingInterval(models.TextChoices):
    MONTH = "month", _("Monthly")
    YEAR = "year", _("Annual")


class Plan(PublicModel):
    """A plan (FREE, PRO, ENTERPRISE) with its limits and features; held as data, edited by platform admins.

    A limit of None means unlimited. Shares are basis points (7000 = 70%).
    """

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=80)
    description = models.TextField(blank=True, default="")
    rank = models.PositiveSmallIntegerField(default=0, help_text="Higher is a bigger plan: upgrades go up the ranks.")
    is_per_seat = models.BooleanField(default=False, help_text="Priced per seat for organisations.")
    is_active = models.BooleanField(default=True)
    trial_days = models.PositiveSmallIntegerField(default=0)
    enrolments_per_month = models.PositiveIntegerField(null=True, blank=True)
    elara_questions_per_month = models.PositiveIntegerField(null=True, blank=True)
    azr_earn_per_month_minor = models.BigIntegerField(default=0)
    may_sell = models.BooleanField(default=False)
    instructor_share_bp = models.PositiveIntegerField(default=0)
    certificates = models.BooleanField(default=True)
    offline_access = models.BooleanField(default=False)

    class Meta:
        ordering = ["rank", "code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(instructor_share_bp__lte=10000), name="rev_plan_share_max"),
        ]

    def __str__(self) -> str:
        return self.name


class PlanPrice(PublicModel):
    """The base price of a plan per billing interval and currency (per seat when the plan is per seat)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="prices")
    interval = models.CharField(max_length=8, choices=BillingInterval.choices)
    currency = models.CharField(max_length=8)
    amount_minor = models.BigIntegerField()

    class Meta:
        ordering = ["plan", "interval", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "interval", "currency"], name="rev_plan_price_unique"),
            models.CheckConstraint(condition=models.Q(amount_minor__gte=0), name="rev_plan_price_not_negative"),
        ]


class CountryPrice(PublicModel):
    """An explicit local price of a plan in one country; it wins over converting the base price."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="country_prices")
    interval = models.CharField(max_length=8, choices=BillingInterval.choices)
    country = models.CharField(max_length=2)
    currency = models.CharField(max_length=8)
    amount_minor = models.BigIntegerField()

    class Meta:
        ordering = ["plan", "interval", "country"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "interval", "country"], name="rev_country_price_unique"),
            models.CheckConstraint(condition=models.Q(amount_minor__gte=0), name="rev_country_price_not_negative"),
        ]


class StudentVerificationMethod(models.TextChoices):
    EMAIL_DOMAIN = "email_domain", _("Email domain")
    MANUAL = "manual", _("Manual verification by an admin")


class StudentVerification(PublicModel):
    """A user verified as a student, by their email's domain or by an admin; it can expire."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    method = models.CharField(max_length=16, choices=StudentVerificationMethod.choices)
    evidence = models.CharField(max_length=200, blank=True, default="")
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]


class CouponKind(models.TextChoices):
    PERCENT = "percent", _("Percent off")
    FIXED = "fixed", _("Fixed amount off")


class Coupon(PublicModel):
    """A discount code: percent (basis points) or a fixed amount in one currency, with expiry and limits.

    Restrictions: when `plan_codes` or `course_ids` hold anything, the coupon applies only to those.
    Codes are stored upper-case and matched case-insensitively; no two codes differ only by case.
    """

    code = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=8, choices=CouponKind.choices)
    percent_off_bp = models.PositiveIntegerField(null=True, blank=True)
    amount_off_minor = models.BigIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=8, blank=True, default="")
    expires_at = models.DateTimeField(null=True, blank=True)
    max_redemptions = models.PositiveIntegerField(null=True, blank=True)
    max_redemptions_per_user = models.PositiveIntegerField(default=1)
    times_redeemed = models.PositiveIntegerField(default=0)
    plan_codes = models.JSONField(default=list, blank=True)
    course_ids = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="percent", percent_off_bp__gte=1, percent_off_bp__lte=10000)
                    | models.Q(kind="fixed", amount_off_minor__gte=1)
                ),
                name="rev_coupon_amount_matches_kind",
            ),
            models.UniqueConstraint(Upper("code"), name="rev_coupon_code_case_insensitive"),
            models.CheckConstraint(
                condition=models.Q(kind="percent") | ~models.Q(currency=""), name="rev_coupon_fixed_has_currency"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class CouponRedemption(PublicModel):
    """One use of a coupon by a user; `reference` names what it paid for (an order or a subscription)."""

    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, related_name="redemptions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reference = models.CharField(max_length=200)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["coupon", "reference"], name="rev_coupon_redemption_once_per_reference"),
        ]
        indexes = [models.Index(fields=["coupon", "user"], name="rev_redemption_user_idx")]


class CoursePrice(PublicModel):
    """What a paid course costs in one currency; set by its instructors when their plan may sell."""

    course_id = models.UUIDField()
    currency = models.CharField(max_length=8)
    amount_minor = models.BigIntegerField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["course_id", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["course_id", "currency"], name="rev_course_price_unique"),
            models.CheckConstraint(condition=models.Q(amount_minor__gt=0), name="rev_course_price_positive"),
        ]
