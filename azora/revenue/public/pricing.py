"""The revenue engine's public functions for plans, prices, coupons, student pricing and entitlements."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from azora.shared.errors import NotFound, PermissionDenied, ValidationFailed
from azora.shared.money import Money

__all__ = [
    "ENTITLEMENT_NAMES",
    "CountryInvalid",
    "CouponExhausted",
    "CouponExpired",
    "CouponInvalid",
    "CouponNotApplicable",
    "CouponNotFound",
    "CouponPreview",
    "CoursePriceInvalid",
    "CoursePricesForbidden",
    "EnrolmentLimitReached",
    "EntitlementView",
    "PlanMayNotSell",
    "PlanNotFound",
    "PlanPriceView",
    "PlanView",
    "PlatformAdminRequired",
    "PriceNotAvailable",
    "StudentStatusView",
    "StudentVerificationInvalid",
    "UnknownEntitlement",
    "UsageCounter",
    "UsageUnknown",
    "azr_monthly_cap",
    "coupon_apply_preview",
    "coupon_redeem",
    "course_price",
    "course_prices",
    "course_prices_set",
    "entitlement_check",
    "plan_get",
    "plan_list",
    "plan_of_user",
    "plan_price",
    "register_usage_counter",
    "seller_share_bp",
    "student_discount_bp",
    "student_status",
    "student_verification_revoke",
    "student_verify_manual",
]

# The entitlements a plan grants. The first three are monthly counts (limit None = unlimited); the others are flags.
ENTITLEMENT_NAMES: tuple[str, ...] = (
    "enrolments_per_month",
    "elara_questions_per_month",
    "azr_earn_per_month",
    "may_sell",
    "certificates",
    "offline_access",
)


# --- Errors (stable codes; the API edge turns each into an RFC 9457 problem) ---


class PlanNotFound(NotFound):
    code = "plan_not_found"
    title = "There is no such plan."


class PriceNotAvailable(ValidationFailed):
    code = "price_not_available"
    title = "This is not sold in that currency."


class CountryInvalid(ValidationFailed):
    code = "country_invalid"
    title = "A country is a two-letter ISO 3166 code such as ZA."


class CouponInvalid(ValidationFailed):
    """The base of every refused coupon; callers catch this one and show the subclass's `code`."""

    code = "coupon_invalid"
    title = "The coupon cannot be used."


class CouponNotFound(CouponInvalid):
    code = "coupon_not_found"
    title = "There is no such coupon."


class CouponExpired(CouponInvalid):
    code = "coupon_expired"
    title = "The coupon has expired."


class CouponExhausted(CouponInvalid):
    code = "coupon_exhausted"
    title = "The coupon has been used as often as it may be."


class CouponNotApplicable(CouponInvalid):
    code = "coupon_not_applicable"
    title = "The coupon does not apply to this purchase."


class CoursePriceInvalid(ValidationFailed):
    code = "course_price_invalid"
    title = "A course price is one positive amount per supported currency."


class CoursePricesForbidden(PermissionDenied):
    code = "course_prices_forbidden"
    title = "Only an instructor of the course sets its prices."


class PlanMayNotSell(PermissionDenied):
    code = "plan_may_not_sell"
    title = "Your plan does not let you sell courses; upgrade to sell."


class PlatformAdminRequired(PermissionDenied):
    code = "platform_admin_required"
    title = "Only a platform admin may do that."


class StudentVerificationInvalid(ValidationFailed):
    code = "student_verification_invalid"
    title = "A manual student verification names its evidence and, if it expires, a time in the future."


class EnrolmentLimitReached(PermissionDenied):
    code = "enrolment_limit_reached"
    title = "Your plan's new enrolments for this month are used up; upgrade or wait for next month."


class UnknownEntitlement(ValueError):
    """A programming error: an entitlement name that is not in ENTITLEMENT_NAMES."""


class UsageUnknown(LookupError):
    """A programming error: a limited count with no registered counter and no `used` from the caller.

    Raised rather than guessing 0, so that a limit is never silently unenforced.
    """


# --- Views ---


@dataclass(frozen=True, slots=True)
class PlanPriceView:
    """One price of a plan. `source`: "base" (a PlanPrice row), "country" (an explicit CountryPrice for
    `country`) or "converted" (the base price converted with the FX table and moved to a local price point).
    `student_amount`: what a verified student pays (the configured student discount taken off as the quote takes
    it), None when the plan has no student discount."""

    interval: Literal["month", "year"]
    amount: Money
    source: Literal["base", "country", "converted"]
    country: str | None = None
    student_amount: Money | None = None


@dataclass(frozen=True, slots=True)
class PlanView:
    id: uuid.UUID
    code: str
    name: str
    description: str
    rank: int
    is_per_seat: bool
    trial_days: int
    enrolments_per_month: int | None  # None = unlimited
    elara_questions_per_month: int | None
    azr_earn_per_month: Money
    may_sell: bool
    instructor_share_bp: int
    certificates: bool
    offline_access: bool
    prices: tuple[PlanPriceView, ...]

    def price(self, *, interval: str, currency: str) -> Money | None:
        """This view's price for the interval in the currency, if it lists one."""
        return next((p.amount for p in self.prices if p.interval == interval and p.amount.currency == currency), None)


@dataclass(frozen=True, slots=True)
class EntitlementView:
    """What the user's plan allows for one entitlement. For flags, `allowed` is the flag and the counts are None.
    For monthly counts: `limit` None = unlimited (then `used`/`remaining` may be None too)."""

    name: str
    allowed: bool
    limit: int | None
    used: int | None
    remaining: int | None
    plan_code: str


@dataclass(frozen=True, slots=True)
class CouponPreview:
    coupon_id: uuid.UUID
    code: str
    discount: Money


@dataclass(frozen=True, slots=True)
class StudentStatusView:
    """Whether the user counts as a student, and why: "email_domain" (a verified address at a configured domain)
    or "manual" (a platform admin verified them, until `expires_at` if set)."""

    user_id: uuid.UUID
    is_verified: bool
    method: Literal["email_domain", "manual"] | None
    evidence: str
    expires_at: datetime | None


class UsageCounter(Protocol):
    """Counts a user's use of a monthly entitlement since the start of the month (registered by the app that
    records the use, e.g. the agents app for "elara_questions_per_month")."""

    def __call__(self, *, user_id: uuid.UUID, since: datetime) -> int: ...


# --- Plans and prices ---


def plan_list(*, country: str | None = None) -> list[PlanView]:
    """Active plans in rank order with their prices: every base price, or with `country` the prices in that
    country's currency (explicit country price, else base price in that currency, else converted)."""
    from azora.revenue.selectors import pricing

    return pricing.plan_list(country=country)


def plan_get(*, code: str) -> PlanView:
    """The active plan with this code (case-insensitive), with its base prices; PlanNotFound otherwise."""
    from azora.revenue.selectors import pricing

    return pricing.plan_get(code=code)


def plan_of_user(*, user_id: uuid.UUID) -> PlanView:
    """The plan of the user's live subscription, or FREE when there is none."""
    from azora.revenue.selectors import pricing

    return pricing.plan_of_user(user_id=user_id)


def plan_price(*, plan_code: str, interval: str, currency: str, country: str | None = None) -> Money:
    """The list price of one period (one seat): an explicit country price in `currency` wins, then the base price
    in `currency`, then the base-currency price converted; PlanNotFound / PriceNotAvailable otherwise."""
    from azora.revenue.selectors import pricing

    return pricing.plan_price(plan_code=plan_code, interval=interval, currency=currency, country=country)


def seller_share_bp(*, user_id: uuid.UUID) -> int | None:
    """The instructor share (basis points) the user's plan gives on a sale; None when the plan may not sell."""
    from azora.revenue.selectors import pricing

    return pricing.seller_share_bp(user_id=user_id)


def azr_monthly_cap(*, user_id: uuid.UUID) -> Money:
    """The AZR the user's plan lets them earn in a calendar month (UTC)."""
    from azora.revenue.selectors import pricing

    return pricing.azr_monthly_cap(user_id=user_id)


# --- Entitlements ---


def register_usage_counter(name: str, counter: UsageCounter) -> None:
    """Let `entitlement_check` count `name` by itself (call it in the counting app's AppConfig.ready)."""
    from azora.revenue.selectors import pricing

    pricing.register_usage_counter(name, counter)


def entitlement_check(*, user_id: uuid.UUID, name: str, used: int | None = None) -> EntitlementView:
    """What the user's plan allows for `name` (one of ENTITLEMENT_NAMES) this UTC month.

    For a limited monthly count, `used` comes from the caller when given, else from the registered counter
    ("enrolments_per_month" counts itself); with neither, UsageUnknown. `allowed` means one more use fits.
    """
    from azora.revenue.selectors import pricing

    return pricing.entitlement_check(user_id=user_id, name=name, used=used)


# --- Student pricing ---


def student_status(*, user_id: uuid.UUID) -> StudentStatusView:
    from azora.revenue.selectors import pricing

    return pricing.student_status(user_id=user_id)


def student_discount_bp(*, user_id: uuid.UUID, plan_code: str) -> int:
    """The student discount on the plan for this user in basis points (5000 on PRO for a verified student)."""
    from azora.revenue.selectors import pricing

    return pricing.student_discount_bp(user_id=user_id, plan_code=plan_code)


def student_verify_manual(
    *, user_id: uuid.UUID, verified_by_id: uuid.UUID, evidence: str, expires_at: datetime | None = None
) -> StudentStatusView:
    """A platform admin verifies the user as a student (replacing an earlier manual verification)."""
    from azora.revenue.services import pricing

    return pricing.student_verify_manual(
        user_id=user_id, verified_by_id=verified_by_id, evidence=evidence, expires_at=expires_at
    )


def student_verification_revoke(*, user_id: uuid.UUID, revoked_by_id: uuid.UUID) -> None:
    """A platform admin withdraws a manual verification (an email-domain status follows the address)."""
    from azora.revenue.services import pricing

    pricing.student_verification_revoke(user_id=user_id, revoked_by_id=revoked_by_id)


# --- Coupons ---


def coupon_apply_preview(
    *, code: str, user_id: uuid.UUID, plan_code: str | None, course_id: uuid.UUID | None, amount: Money
) -> CouponPreview:
    """What the coupon would take off `amount` for this purchase, without using it; a CouponInvalid subclass
    (coupon_not_found, coupon_expired, coupon_exhausted, coupon_not_applicable) when it cannot be used."""
    from azora.revenue.selectors import pricing

    return pricing.coupon_apply_preview(
        code=code, user_id=user_id, plan_code=plan_code, course_id=course_id, amount=amount
    )


def coupon_redeem(*, coupon_id: uuid.UUID, user_id: uuid.UUID, reference: str) -> None:
    """Use the coupon once for `reference`, inside the caller's transaction: locks the coupon's row and checks its
    expiry and limits again, so concurrent last uses cannot both pass. The same reference again changes nothing."""
    from azora.revenue.services import pricing

    pricing.coupon_redeem(coupon_id=coupon_id, user_id=user_id, reference=reference)


# --- Course prices ---


def course_prices(*, course_id: uuid.UUID) -> dict[str, Money]:
    """The course's price per currency; {} when the course is free."""
    from azora.revenue.selectors import pricing

    return pricing.course_prices(course_id=course_id)


def course_price(*, course_id: uuid.UUID, currency: str) -> Money | None:
    """The course's price in `currency`; None when the course is free; PriceNotAvailable when it sells, but not in
    that currency."""
    from azora.revenue.selectors import pricing

    return pricing.course_price(course_id=course_id, currency=currency)


def course_prices_set(*, course_id: uuid.UUID, user_id: uuid.UUID, prices: Sequence[Money]) -> dict[str, Money]:
    """Replace the course's prices (an instructor whose plan may sell); an empty list makes the course free."""
    from azora.revenue.services import pricing

    return pricing.course_prices_set(course_id=course_id, user_id=user_id, prices=prices)
