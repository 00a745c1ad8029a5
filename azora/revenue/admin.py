"""Django admin for the revenue engine: platform admins edit plans, their prices and coupons, and verify students;
subscriptions, orders, shares, rewards, offers, redemptions and course prices are read-only records here."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from azora.accounts.public import user_has_platform_role
from azora.revenue.models import (
    CountryPrice,
    Coupon,
    CouponKind,
    CouponRedemption,
    CoursePrice,
    CourseRevenueSplit,
    Order,
    OrderShare,
    Plan,
    PlanPrice,
    Redemption,
    Reward,
    SeatAssignment,
    StudentVerification,
    Subscription,
    SubscriptionCharge,
    UpgradeOffer,
)
from azora.revenue.selectors.pricing import country_normalise, coupon_code_normalise, sellable_currencies
from azora.revenue.services.pricing import (
    PLATFORM_ADMIN_ROLE,
    student_verification_revoke,
    student_verify_manual,
)
from azora.shared.admin import ReadOnlyAdmin
from azora.shared.errors import DomainError

# A renewal from the admin keeps a manual student status for this long.
STUDENT_RENEWAL = timedelta(days=365)


def _is_platform_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_authenticated and user_has_platform_role(user_id=user.pk, role=PLATFORM_ADMIN_ROLE))


def _admin_id(request: HttpRequest) -> uuid.UUID:
    """The signed-in admin's user id (the admin site only serves signed-in staff)."""
    user_id = request.user.pk
    assert isinstance(user_id, uuid.UUID)
    return user_id


def _clean_currency(value: str) -> str:
    currency = value.strip().upper()
    if currency not in sellable_currencies():
        raise forms.ValidationError(_("Choose one of %(codes)s.") % {"codes": ", ".join(sorted(sellable_currencies()))})
    return currency


# --- Plans and their prices (editable) ---


class PlanPriceForm(forms.ModelForm[PlanPrice]):
    class Meta:
        model = PlanPrice
        fields = ("interval", "currency", "amount_minor")

    def clean_currency(self) -> str:
        return _clean_currency(self.cleaned_data["currency"])


class CountryPriceForm(forms.ModelForm[CountryPrice]):
    class Meta:
        model = CountryPrice
        fields = ("interval", "country", "currency", "amount_minor")

    def clean_currency(self) -> str:
        return _clean_currency(self.cleaned_data["currency"])

    def clean_country(self) -> str:
        try:
            return country_normalise(self.cleaned_data["country"]) or ""
        except DomainError as error:
            raise forms.ValidationError(error.detail) from error


class PlanPriceInline(admin.TabularInline[PlanPrice, Plan]):
    model = PlanPrice
    form = PlanPriceForm
    extra = 0


class CountryPriceInline(admin.TabularInline[CountryPrice, Plan]):
    model = CountryPrice
    form = CountryPriceForm
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin[Plan]):
    list_display = (
        "code", "name", "rank", "is_active", "is_per_seat", "enrolments_per_month", "elara_questions_per_month",
        "azr_earn_per_month_minor", "may_sell", "instructor_share_bp",
    )  # fmt: skip
    list_filter = ("is_active", "may_sell", "is_per_seat")
    search_fields = ("code", "name")
    inlines = (PlanPriceInline, CountryPriceInline)
    fieldsets = (
        (None, {"fields": ("code", "name", "description", "rank", "is_active", "is_per_seat", "trial_days")}),
        (
            _("Limits (empty = unlimited; AZR in minor units, 5000 = 50.00 AZR)"),
            {"fields": ("enrolments_per_month", "elara_questions_per_month", "azr_earn_per_month_minor")},
        ),
        (
            _("Features (shares in basis points, 7000 = 70%)"),
            {"fields": ("may_sell", "instructor_share_bp", "certificates", "offline_access")},
        ),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Plan | None = None) -> tuple[str, ...]:
        # Subscriptions, orders and offers name plans by code: a code never changes once the plan exists.
        return ("code",) if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a plan is retired by unticking "is active"; its subscribers keep it


@admin.register(PlanPrice)
class PlanPriceAdmin(admin.ModelAdmin[PlanPrice]):
    form = PlanPriceForm
    list_display = ("plan", "interval", "currency", "amount_minor")
    list_filter = ("interval", "currency", "plan")
    list_select_related = ("plan",)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("plan", "interval", "currency", "amount_minor")


@admin.register(CountryPrice)
class CountryPriceAdmin(admin.ModelAdmin[CountryPrice]):
    form = CountryPriceForm
    list_display = ("plan", "interval", "country", "currency", "amount_minor")
    list_filter = ("interval", "country", "plan")
    list_select_related = ("plan",)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("plan", "interval", "country", "currency", "amount_minor")


# --- Coupons (editable; redemptions read-only) ---


class CouponForm(forms.ModelForm[Coupon]):
    class Meta:
        model = Coupon
        fields = (
            "code", "kind", "percent_off_bp", "amount_off_minor", "currency", "expires_at", "max_redemptions",
            "max_redemptions_per_user", "plan_codes", "course_ids", "is_active",
        )  # fmt: skip

    def clean_code(self) -> str:
        code = coupon_code_normalise(self.cleaned_data["code"])
        taken = Coupon.objects.filter(code__iexact=code)
        if self.instance.pk is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if not code or taken.exists():
            raise forms.ValidationError(_("A coupon with this code exists already (codes ignore case)."))
        return code

    def clean_plan_codes(self) -> list[str]:
        codes = self.cleaned_data["plan_codes"] or []
        if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
            raise forms.ValidationError(_('A list of plan codes, e.g. ["pro"].'))
        return [code.strip().lower() for code in codes]

    def clean_course_ids(self) -> list[str]:
        ids = self.cleaned_data["course_ids"] or []
        if not isinstance(ids, list) or not all(isinstance(value, str) for value in ids):
            raise forms.ValidationError(_("A list of course ids."))
        return [value.strip().lower() for value in ids]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == CouponKind.PERCENT:
            if not data.get("percent_off_bp") or not 1 <= data["percent_off_bp"] <= 10_000:
                self.add_error("percent_off_bp", _("From 1 to 10000 basis points (10000 = 100%)."))
            data["amount_off_minor"], data["currency"] = None, ""
        elif data.get("kind") == CouponKind.FIXED:
            if not data.get("amount_off_minor") or data["amount_off_minor"] < 1:
                self.add_error("amount_off_minor", _("A fixed coupon takes at least 1 minor unit off."))
            try:
                data["currency"] = _clean_currency(data.get("currency") or "")
            except forms.ValidationError as error:
                self.add_error("currency", error)
            data["percent_off_bp"] = None
        return data


class CouponRedemptionInline(admin.TabularInline[CouponRedemption, Coupon]):
    model = CouponRedemption
    fields = ("user", "reference", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Coupon)
class CouponAdmin(admin.ModelAdmin[Coupon]):
    form = CouponForm
    list_display = (
        "code", "kind", "percent_off_bp", "amount_off_minor", "currency", "expires_at", "times_redeemed",
        "max_redemptions", "is_active",
    )  # fmt: skip
    list_filter = ("kind", "is_active")
    search_fields = ("code",)
    readonly_fields = ("times_redeemed",)
    inlines = (CouponRedemptionInline,)

    def save_model(self, request: HttpRequest, obj: Coupon, form: Any, change: bool) -> None:
        if not change:
            obj.created_by_id = request.user.pk
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # redemptions keep their coupon; retire one by unticking "is active"


@admin.register(CouponRedemption)
class CouponRedemptionAdmin(ReadOnlyAdmin[CouponRedemption]):
    list_display = ("coupon", "user", "reference", "created_at")
    search_fields = ("coupon__code", "=user__id", "reference")
    list_select_related = ("coupon", "user")


# --- Student verification (through the service) ---


class StudentVerificationForm(forms.ModelForm[StudentVerification]):
    class Meta:
        model = StudentVerification
        fields = ("user", "evidence", "expires_at")


@admin.register(StudentVerification)
class StudentVerificationAdmin(admin.ModelAdmin[StudentVerification]):
    """Adding here verifies a student by hand (platform admins); renew and revoke are actions. Each goes through
    the pricing service, which checks the admin's role and the evidence."""

    form = StudentVerificationForm
    list_display = ("user", "method", "evidence", "expires_at", "verified_by", "created_at")
    list_filter = ("method",)
    search_fields = ("=user__id", "user__email", "evidence")
    list_select_related = ("user", "verified_by")
    actions = ("renew_for_a_year", "revoke")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and _is_platform_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The rows stay read-only; the admin offers actions only to users who may change the model.
        return obj is None and _is_platform_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # "revoke" goes through the service

    def save_model(self, request: HttpRequest, obj: StudentVerification, form: Any, change: bool) -> None:
        student_verify_manual(
            user_id=obj.user_id, verified_by_id=_admin_id(request), evidence=obj.evidence, expires_at=obj.expires_at
        )
        # The admin logs and links the object it was given: point it at the row the service wrote.
        obj.pk = StudentVerification.objects.values_list("pk", flat=True).get(user_id=obj.user_id)
        obj._state.adding = False

    @admin.action(description=_("Renew for a year"), permissions=["change"])
    def renew_for_a_year(self, request: HttpRequest, queryset: QuerySet[StudentVerification]) -> None:
        until = timezone.now() + STUDENT_RENEWAL
        for row in queryset:
            student_verify_manual(
                user_id=row.user_id, verified_by_id=_admin_id(request), evidence=row.evidence, expires_at=until
            )
        self.message_user(request, _("Renewed until %(date)s.") % {"date": until.date()}, messages.SUCCESS)

    @admin.action(description=_("Revoke"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[StudentVerification]) -> None:
        for user_id in list(queryset.values_list("user_id", flat=True)):
            student_verification_revoke(user_id=user_id, revoked_by_id=_admin_id(request))
        self.message_user(request, _("Revoked."), messages.SUCCESS)


# --- Read-only records of the other areas ---


@admin.register(CoursePrice)
class CoursePriceAdmin(ReadOnlyAdmin[CoursePrice]):
    """Set by the course's instructors through the API (which keeps the course's paid flag in step)."""

    list_display = ("course_id", "currency", "amount_minor", "set_by", "updated_at")
    list_filter = ("currency",)
    search_fields = ("=course_id",)
    list_select_related = ("set_by",)


class SubscriptionChargeInline(admin.TabularInline[SubscriptionCharge, Subscription]):
    model = SubscriptionCharge
    fields = ("kind", "status", "amount_minor", "currency", "period_start", "period_end", "attempt", "failure_code")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin[Subscription]):
    list_display = ("id", "user", "plan", "status", "interval", "currency", "seats", "current_period_end")
    list_filter = ("status", "plan", "interval")
    search_fields = ("=id", "=user__id", "user__email", "=organisation_id")
    list_select_related = ("user", "plan")
    inlines = (SubscriptionChargeInline,)


@admin.register(SubscriptionCharge)
class SubscriptionChargeAdmin(ReadOnlyAdmin[SubscriptionCharge]):
    list_display = ("id", "subscription", "kind", "status", "amount_minor", "currency", "created_at")
    list_filter = ("kind", "status")
    search_fields = ("=id", "=subscription__id", "=payment_intent_id")


@admin.register(SeatAssignment)
class SeatAssignmentAdmin(ReadOnlyAdmin[SeatAssignment]):
    list_display = ("subscription", "user", "assigned_by", "created_at")
    search_fields = ("=subscription__id", "=user__id")
    list_select_related = ("subscription", "user", "assigned_by")


class OrderShareInline(admin.TabularInline[OrderShare, Order]):
    model = OrderShare
    fields = ("instructor", "amount_minor", "refunded_minor")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin[Order]):
    list_display = ("id", "buyer", "item", "status", "currency", "total_minor", "paid_at")
    list_filter = ("status", "item", "currency")
    search_fields = ("=id", "=buyer__id", "=course_id", "=payment_intent_id")
    list_select_related = ("buyer",)
    inlines = (OrderShareInline,)


@admin.register(OrderShare)
class OrderShareAdmin(ReadOnlyAdmin[OrderShare]):
    list_display = ("order", "instructor", "amount_minor", "refunded_minor")
    search_fields = ("=order__id", "=instructor__id")


@admin.register(CourseRevenueSplit)
class CourseRevenueSplitAdmin(ReadOnlyAdmin[CourseRevenueSplit]):
    list_display = ("course_id", "instructor", "share_bp")
    search_fields = ("=course_id", "=instructor__id")


@admin.register(Reward)
class RewardAdmin(ReadOnlyAdmin[Reward]):
    list_display = ("id", "user", "item", "status", "amount_minor", "created_at")
    list_filter = ("item", "status")
    search_fields = ("=id", "=user__id", "=event_id", "=course_id")


@admin.register(Redemption)
class RedemptionAdmin(ReadOnlyAdmin[Redemption]):
    list_display = ("id", "user", "azr_minor", "discount_minor", "currency", "reference", "created_at")
    search_fields = ("=id", "=user__id", "reference")


@admin.register(UpgradeOffer)
class UpgradeOfferAdmin(ReadOnlyAdmin[UpgradeOffer]):
    list_display = ("id", "user", "kind", "status", "plan_code", "percent_off_bp", "expires_at", "accepted_at")
    list_filter = ("kind", "status")
    search_fields = ("=id", "=user__id")
