"""The read side of pricing: the plan catalogue and its prices per currency and country, the user's plan and
entitlements, student status, coupon previews and course prices; and the pricing settings."""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from fractions import Fraction
from functools import lru_cache
from typing import Final, Literal, cast

from django.conf import settings
from django.utils import timezone

import azora.accounts.public as accounts
from azora.revenue.models import (
    BillingInterval,
    CountryPrice,
    Coupon,
    CouponKind,
    CouponRedemption,
    CoursePrice,
    Plan,
    PlanPrice,
    StudentVerification,
    StudentVerificationMethod,
)
from azora.revenue.pricing import (
    COUNTRY_CURRENCIES,
    CouponTerms,
    FxTable,
    convert,
    coupon_discount,
    fx_parse,
    quote,
)
from azora.revenue.public.pricing import (
    ENTITLEMENT_NAMES,
    CountryInvalid,
    CouponExhausted,
    CouponExpired,
    CouponNotApplicable,
    CouponNotFound,
    CouponPreview,
    EntitlementView,
    PlanNotFound,
    PlanPriceView,
    PlanView,
    PriceNotAvailable,
    StudentStatusView,
    UnknownEntitlement,
    UsageCounter,
    UsageUnknown,
)
from azora.shared.errors import ValidationFailed
from azora.shared.money import CURRENCY_EXPONENTS, Money

__all__ = [
    "FREE_PLAN_CODE",
    "azr_monthly_cap",
    "base_currency",
    "country_normalise",
    "coupon_apply_preview",
    "coupon_check_usable",
    "coupon_code_normalise",
    "coupon_terms",
    "course_price",
    "course_prices",
    "entitlement_check",
    "free_plan_fallback",
    "fx_table",
    "month_start",
    "plan_get",
    "plan_list",
    "plan_of_user",
    "plan_price",
    "plan_row_of_user",
    "register_usage_counter",
    "sellable_currencies",
    "seller_share_bp",
    "student_discount_bp",
    "student_discount_bp_of_plan",
    "student_status",
]

FREE_PLAN_CODE: Final = "free"
INTERVALS: Final = (BillingInterval.MONTH.value, BillingInterval.YEAR.value)

# Settings (config/env.py reads the environment; these are the defaults when a setting is absent).
DEFAULT_BASE_CURRENCY: Final = "ZAR"
DEFAULT_FX: Final = (
    "USD:ZAR=18.50,USD:EUR=0.92,USD:GBP=0.79,USD:KES=129.00,USD:NGN=1550.00,USD:GHS=15.50,USD:JPY=150.00"
)
DEFAULT_STUDENT_DOMAINS: Final = "ac.za,.edu"
DEFAULT_STUDENT_DISCOUNT_BP: Final = 5_000
DEFAULT_STUDENT_DISCOUNT_PLANS: Final = "pro"
# AZR is the platform's reward token: it is redeemed for discounts, never charged as a price.
NOT_SELLABLE: Final = frozenset({"AZR"})
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def _csv(value: str | Iterable[str]) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else list(value)
    return tuple(item.strip().lower() for item in items if item.strip())


def base_currency() -> str:
    return str(getattr(settings, "AZORA_REVENUE_BASE_CURRENCY", DEFAULT_BASE_CURRENCY))


@lru_cache(maxsize=8)
def _fx_parsed(text: str) -> Mapping[tuple[str, str], Fraction]:
    return fx_parse(text)


def fx_table() -> FxTable:
    """AZORA_REVENUE_FX parsed: "A:B=r" means 1 A = r B (parsed once per distinct text)."""
    return _fx_parsed(str(getattr(settings, "AZORA_REVENUE_FX", DEFAULT_FX)))


def _student_domains() -> tuple[str, ...]:
    return tuple(
        d.lstrip(".") for d in _csv(getattr(settings, "AZORA_REVENUE_STUDENT_DOMAINS", DEFAULT_STUDENT_DOMAINS))
    )


def _student_discount_bp_setting() -> int:
    return int(getattr(settings, "AZORA_REVENUE_STUDENT_DISCOUNT_BP", DEFAULT_STUDENT_DISCOUNT_BP))


def _student_discount_plans() -> tuple[str, ...]:
    return _csv(getattr(settings, "AZORA_REVENUE_STUDENT_DISCOUNT_PLANS", DEFAULT_STUDENT_DISCOUNT_PLANS))


def sellable_currencies() -> frozenset[str]:
    return frozenset(CURRENCY_EXPONENTS) - NOT_SELLABLE


def month_start(now: datetime | None = None) -> datetime:
    """The start of the current calendar month in UTC: monthly limits reset then."""
    moment = (now or timezone.now()).astimezone(UTC)
    return datetime(moment.year, moment.month, 1, tzinfo=UTC)


def country_normalise(country: str | None) -> str | None:
    """An ISO 3166 alpha-2 code upper-cased, or None; CountryInvalid for anything else."""
    if country is None:
        return None
    value = country.strip().upper() if isinstance(country, str) else ""
    if not _COUNTRY.match(value):
        raise CountryInvalid(extra={"errors": [{"field": "country", "message": CountryInvalid.title}]})
    return value


# --- Plans ---


def _interval_order(interval: str) -> int:
    return INTERVALS.index(interval) if interval in INTERVALS else len(INTERVALS)


def _base_price_views(plan: Plan) -> tuple[PlanPriceView, ...]:
    base = base_currency()
    rows = sorted(plan.prices.all(), key=lambda p: (_interval_order(p.interval), p.currency != base, p.currency))
    return tuple(
        PlanPriceView(
            interval=cast(Literal["month", "year"], row.interval),
            amount=Money(row.amount_minor, row.currency),
            source="base",
        )
        for row in rows
    )


def _local_price(
    *, plan_prices: Iterable[PlanPrice], country_price: CountryPrice | None, interval: str, currency: str
) -> PlanPriceView | None:
    """One interval's price in `currency`: explicit country price, base price in the currency, converted base."""
    literal_interval = cast(Literal["month", "year"], interval)
    if country_price is not None:
        return PlanPriceView(
            interval=literal_interval,
            amount=Money(country_price.amount_minor, country_price.currency),
            source="country",
            country=country_price.country,
        )
    by_currency = {row.currency: row for row in plan_prices if row.interval == interval}
    if currency in by_currency:
        return PlanPriceView(
            interval=literal_interval, amount=Money(by_currency[currency].amount_minor, currency), source="base"
        )
    base = by_currency.get(base_currency())
    if base is None:
        return None
    converted = convert(Money(base.amount_minor, base.currency), target=currency, table=fx_table())
    if converted is None:
        return PlanPriceView(interval=literal_interval, amount=Money(base.amount_minor, base.currency), source="base")
    return PlanPriceView(interval=literal_interval, amount=converted, source="converted")


def _with_student_amounts(plan: Plan, prices: tuple[PlanPriceView, ...]) -> tuple[PlanPriceView, ...]:
    bp = student_discount_bp_of_plan(plan.code)
    if not bp:
        return prices
    return tuple(
        replace(price, student_amount=quote(list_price=price.amount, student_discount_bp=bp).total) for price in prices
    )


def _view(plan: Plan, prices: tuple[PlanPriceView, ...]) -> PlanView:
    prices = _with_student_amounts(plan, prices)
    return PlanView(
        id=plan.id,
        code=plan.code,
        name=plan.name,
        description=plan.description,
        rank=plan.rank,
        is_per_seat=plan.is_per_seat,
        trial_days=plan.trial_days,
        enrolments_per_month=plan.enrolments_per_month,
        elara_questions_per_month=plan.elara_questions_per_month,
        azr_earn_per_month=Money(plan.azr_earn_per_month_minor, "AZR"),
        may_sell=plan.may_sell,
        instructor_share_bp=plan.instructor_share_bp,
        certificates=plan.certificates,
        offline_access=plan.offline_access,
        prices=prices,
    )


def plan_list(*, country: str | None = None) -> list[PlanView]:
    """Active plans in rank order with their prices, in two queries (three with a country)."""
    country = country_normalise(country)
    plans = list(Plan.objects.filter(is_active=True).prefetch_related("prices").order_by("rank", "code"))
    if country is None:
        return [_view(plan, _base_price_views(plan)) for plan in plans]
    currency = COUNTRY_CURRENCIES.get(country, base_currency())
    explicit = {
        (row.plan_id, row.interval): row
        for row in CountryPrice.objects.filter(plan__in=[plan.id for plan in plans], country=country)
    }
    views = []
    for plan in plans:
        rows = list(plan.prices.all())
        prices = tuple(
            price
            for interval in INTERVALS
            if (
                price := _local_price(
                    plan_prices=rows,
                    country_price=explicit.get((plan.id, interval)),
                    interval=interval,
                    currency=currency,
                )
            )
            is not None
        )
        views.append(_view(plan, prices))
    return views


def free_plan_fallback() -> Plan:
    """The FREE plan as the catalogue's data migration seeds it, unsaved: used when the catalogue has no FREE row
    (a database emptied by hand or by a test), so that limits still apply and nobody is refused for lack of data."""
    return Plan(
        code=FREE_PLAN_CODE,
        name="Free",
        rank=0,
        enrolments_per_month=5,
        elara_questions_per_month=10,
        azr_earn_per_month_minor=5_000,
        may_sell=False,
        instructor_share_bp=0,
        certificates=True,
        offline_access=False,
    )


def _plan_row(code: str, *, active_only: bool) -> Plan:
    queryset = Plan.objects.filter(code__iexact=code.strip()) if isinstance(code, str) else Plan.objects.none()
    if active_only:
        queryset = queryset.filter(is_active=True)
    plan = queryset.first()
    if plan is None:
        raise PlanNotFound()
    return plan


def plan_get(*, code: str) -> PlanView:
    plan = _plan_row(code, active_only=True)
    return _view(plan, _base_price_views(plan))


def plan_row_of_user(*, user_id: uuid.UUID) -> Plan:
    """The Plan row of the user's live subscription (whether or not the plan is still sold), else FREE."""
    # The subscriptions area owns what "live" means (trial, active, past due; organisation seats).
    from azora.revenue.public.subscriptions import subscription_live_plan_code

    code = subscription_live_plan_code(user_id=user_id)
    if code is not None:
        return _plan_row(code, active_only=False)
    try:
        return _plan_row(FREE_PLAN_CODE, active_only=False)
    except PlanNotFound:
        return free_plan_fallback()


def plan_of_user(*, user_id: uuid.UUID) -> PlanView:
    plan = plan_row_of_user(user_id=user_id)
    return _view(plan, _base_price_views(plan))


def plan_price(*, plan_code: str, interval: str, currency: str, country: str | None = None) -> Money:
    if interval not in INTERVALS:
        raise ValidationFailed(
            "interval is month or year.", extra={"errors": [{"field": "interval", "message": "month or year"}]}
        )
    if currency not in sellable_currencies():
        raise PriceNotAvailable(f"Plans are not sold in {currency!r}.")
    country = country_normalise(country)
    plan = _plan_row(plan_code, active_only=True)
    country_price = None
    if country is not None:
        country_price = CountryPrice.objects.filter(
            plan=plan, interval=interval, country=country, currency=currency
        ).first()
    found = _local_price(
        plan_prices=plan.prices.all(), country_price=country_price, interval=interval, currency=currency
    )
    if found is None or found.amount.currency != currency:
        raise PriceNotAvailable(f"The {plan.code} plan has no {interval}ly price in {currency}.")
    return found.amount


def seller_share_bp(*, user_id: uuid.UUID) -> int | None:
    plan = plan_row_of_user(user_id=user_id)
    return plan.instructor_share_bp if plan.may_sell else None


def azr_monthly_cap(*, user_id: uuid.UUID) -> Money:
    return Money(plan_row_of_user(user_id=user_id).azr_earn_per_month_minor, "AZR")


# --- Entitlements ---

_counters_lock = threading.Lock()
_counters: dict[str, UsageCounter] = {}


def register_usage_counter(name: str, counter: UsageCounter) -> None:
    if name not in ("elara_questions_per_month", "azr_earn_per_month"):
        raise UnknownEntitlement(f"{name!r} is not a monthly count another app counts.")
    with _counters_lock:
        _counters[name] = counter


# Bought courses and enrolments by an organisation are paid for otherwise; only free self-enrolment uses the limit.
COUNTED_ENROLMENT_SOURCES = frozenset({"self"})


def _enrolments_counted(*, user_id: uuid.UUID, since: datetime) -> int:
    """New self-enrolments this month: what the plan limits (see docs/revenue.md, "Entitlements")."""
    from azora.education.public import enrollments_created_since

    return enrollments_created_since(user_id=user_id, since=since, sources=COUNTED_ENROLMENT_SOURCES)


def _limit_of(plan: Plan, name: str) -> int | None:
    if name == "enrolments_per_month":
        return plan.enrolments_per_month
    if name == "elara_questions_per_month":
        return plan.elara_questions_per_month
    return plan.azr_earn_per_month_minor  # azr_earn_per_month, in AZR minor units


def entitlement_check(*, user_id: uuid.UUID, name: str, used: int | None = None) -> EntitlementView:
    if name not in ENTITLEMENT_NAMES:
        raise UnknownEntitlement(f"{name!r} is not one of {', '.join(ENTITLEMENT_NAMES)}.")
    if used is not None and (isinstance(used, bool) or not isinstance(used, int) or used < 0):
        raise ValueError("used is a count that is not negative.")
    plan = plan_row_of_user(user_id=user_id)
    if name in ("may_sell", "certificates", "offline_access"):
        flag = bool(getattr(plan, name))
        return EntitlementView(name=name, allowed=flag, limit=None, used=None, remaining=None, plan_code=plan.code)
    limit = _limit_of(plan, name)
    if limit is None:
        return EntitlementView(name=name, allowed=True, limit=None, used=used, remaining=None, plan_code=plan.code)
    if used is None:
        since = month_start()
        if name == "enrolments_per_month":
            used = _enrolments_counted(user_id=user_id, since=since)
        elif name in _counters:
            used = _counters[name](user_id=user_id, since=since)
        else:
            raise UsageUnknown(f"No counter is registered for {name!r}; pass used=.")
    return EntitlementView(
        name=name, allowed=used < limit, limit=limit, used=used, remaining=max(0, limit - used), plan_code=plan.code
    )


# --- Student pricing ---


def _student_domain(email: str, domains: Iterable[str]) -> str | None:
    """The configured domain the address belongs to: the same domain or a subdomain of it ("uct.ac.za" is in
    "ac.za"; "mit.edu" is in "edu"; "notac.za" is not in "ac.za")."""
    host = email.rpartition("@")[2].strip().lower().rstrip(".")
    for domain in domains:
        if host == domain or host.endswith(f".{domain}"):
            return domain
    return None


def student_status(*, user_id: uuid.UUID) -> StudentStatusView:
    now = timezone.now()
    manual = (
        StudentVerification.objects.filter(user_id=user_id, method=StudentVerificationMethod.MANUAL)
        .only("evidence", "expires_at")
        .first()
    )
    if manual is not None and (manual.expires_at is None or manual.expires_at > now):
        return StudentStatusView(
            user_id=user_id, is_verified=True, method="manual", evidence=manual.evidence, expires_at=manual.expires_at
        )
    domains = _student_domains()
    for email in accounts.user_verified_emails(user_id=user_id):
        domain = _student_domain(email, domains)
        if domain is not None:
            return StudentStatusView(
                user_id=user_id, is_verified=True, method="email_domain", evidence=domain, expires_at=None
            )
    return StudentStatusView(user_id=user_id, is_verified=False, method=None, evidence="", expires_at=None)


def student_discount_bp_of_plan(plan_code: str) -> int:
    """The configured student discount on the plan (for showing it), whoever asks."""
    return _student_discount_bp_setting() if plan_code.strip().lower() in _student_discount_plans() else 0


def student_discount_bp(*, user_id: uuid.UUID, plan_code: str) -> int:
    if plan_code.strip().lower() not in _student_discount_plans():
        return 0
    return _student_discount_bp_setting() if student_status(user_id=user_id).is_verified else 0


# --- Coupons ---


def coupon_code_normalise(code: str) -> str:
    """Codes are compared trimmed and upper-cased ("welcome10 " is WELCOME10)."""
    return code.strip().upper()


def coupon_terms(coupon: Coupon) -> CouponTerms:
    if coupon.kind == CouponKind.PERCENT:
        return CouponTerms(kind="percent", percent_bp=coupon.percent_off_bp or 0)
    return CouponTerms(kind="fixed", amount_off=Money(coupon.amount_off_minor or 0, coupon.currency))


def coupon_check_usable(coupon: Coupon, *, user_id: uuid.UUID, now: datetime) -> None:
    """Active, unexpired, under its total limit and under the user's limit (0 per user = no per-user limit)."""
    if not coupon.is_active:
        raise CouponNotFound()
    if coupon.expires_at is not None and coupon.expires_at <= now:
        raise CouponExpired()
    if coupon.max_redemptions is not None and coupon.times_redeemed >= coupon.max_redemptions:
        raise CouponExhausted()
    if coupon.max_redemptions_per_user:
        used = CouponRedemption.objects.filter(coupon=coupon, user_id=user_id).count()
        if used >= coupon.max_redemptions_per_user:
            raise CouponExhausted("You have used this coupon as often as it may be used.")


def _check_applicable(coupon: Coupon, *, plan_code: str | None, course_id: uuid.UUID | None, amount: Money) -> None:
    """A coupon restricted to plans or courses applies only to those; a fixed coupon only in its currency."""
    plans = {str(code).lower() for code in coupon.plan_codes or []}
    courses = {str(course).lower() for course in coupon.course_ids or []}
    if plans or courses:
        matches_plan = plan_code is not None and plan_code.strip().lower() in plans
        matches_course = course_id is not None and str(course_id).lower() in courses
        if not (matches_plan or matches_course):
            raise CouponNotApplicable()
    if coupon.kind == CouponKind.FIXED and coupon.currency != amount.currency:
        raise CouponNotApplicable(f"The coupon takes {coupon.currency} off, not {amount.currency}.")


def coupon_apply_preview(
    *, code: str, user_id: uuid.UUID, plan_code: str | None, course_id: uuid.UUID | None, amount: Money
) -> CouponPreview:
    if not isinstance(code, str) or not code.strip() or len(code.strip()) > 40:
        raise CouponNotFound()
    if amount.minor < 0:
        raise ValueError("A coupon applies to an amount that is not negative.")
    coupon = Coupon.objects.filter(code__iexact=coupon_code_normalise(code)).first()
    if coupon is None:
        raise CouponNotFound()
    coupon_check_usable(coupon, user_id=user_id, now=timezone.now())
    _check_applicable(coupon, plan_code=plan_code, course_id=course_id, amount=amount)
    return CouponPreview(
        coupon_id=coupon.id, code=coupon.code, discount=coupon_discount(coupon_terms(coupon), amount=amount)
    )


# --- Course prices ---


def course_prices(*, course_id: uuid.UUID) -> dict[str, Money]:
    return {
        currency: Money(amount, currency)
        for currency, amount in CoursePrice.objects.filter(course_id=course_id)
        .order_by("currency")
        .values_list("currency", "amount_minor")
    }


def course_price(*, course_id: uuid.UUID, currency: str) -> Money | None:
    prices = course_prices(course_id=course_id)
    if not prices:
        return None
    if currency not in prices:
        raise PriceNotAvailable(
            f"This course is sold in {', '.join(sorted(prices))}, not in {currency}.",
            extra={"currencies": sorted(prices)},
        )
    return prices[currency]
