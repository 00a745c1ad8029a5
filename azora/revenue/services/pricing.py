"""The write side of pricing: manual student verification, coupon redemption and course prices."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from datetime import datetime

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

import azora.accounts.public as accounts
import azora.education.public as education
from azora.revenue.models import (
    Coupon,
    CouponRedemption,
    CoursePrice,
    StudentVerification,
    StudentVerificationMethod,
)
from azora.revenue.public.pricing import (
    CouponNotFound,
    CoursePriceInvalid,
    CoursePricesForbidden,
    PlanMayNotSell,
    PlatformAdminRequired,
    StudentStatusView,
    StudentVerificationInvalid,
)
from azora.revenue.selectors.pricing import (
    coupon_check_usable,
    course_prices,
    sellable_currencies,
    seller_share_bp,
    student_status,
)
from azora.shared.errors import ValidationFailed
from azora.shared.money import Money

__all__ = [
    "COURSE_PRICE_MAX_MAJOR",
    "PLATFORM_ADMIN_ROLE",
    "advisory_lock",
    "coupon_redeem",
    "course_prices_set",
    "student_verification_revoke",
    "student_verify_manual",
]

PLATFORM_ADMIN_ROLE = "platform_admin"
EVIDENCE_MAX_LENGTH = 200
REFERENCE_MAX_LENGTH = 200
# A course costs at most this many major units in any currency (a typo of three extra zeros is refused).
COURSE_PRICE_MAX_MAJOR = 1_000_000
COURSE_PRICE_MAX_CURRENCIES = 10


def advisory_lock(namespace: bytes, key: uuid.UUID) -> None:
    """On PostgreSQL, a transaction-scoped advisory lock on (namespace, key), released at commit or rollback; it
    serialises work on something that has no row to lock yet. SQLite runs one writing transaction at a time."""
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b(namespace + key.bytes, digest_size=8).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)])


def _require_platform_admin(user_id: uuid.UUID) -> None:
    if not accounts.user_has_platform_role(user_id=user_id, role=PLATFORM_ADMIN_ROLE):
        raise PlatformAdminRequired()


# --- Student verification ---


def student_verify_manual(
    *, user_id: uuid.UUID, verified_by_id: uuid.UUID, evidence: str, expires_at: datetime | None = None
) -> StudentStatusView:
    """Record that a platform admin verified the user as a student (one row per user, replaced on renewal)."""
    _require_platform_admin(verified_by_id)
    text = evidence.strip() if isinstance(evidence, str) else ""
    if not text or len(text) > EVIDENCE_MAX_LENGTH:
        raise StudentVerificationInvalid(
            extra={"errors": [{"field": "evidence", "message": f"1 to {EVIDENCE_MAX_LENGTH} characters."}]}
        )
    if expires_at is not None and (timezone.is_naive(expires_at) or expires_at <= timezone.now()):
        raise StudentVerificationInvalid(
            extra={"errors": [{"field": "expires_at", "message": "A time in the future with its time zone."}]}
        )
    accounts.user_profile(user_id=user_id)  # NotFound for an unknown or inactive user
    StudentVerification.objects.update_or_create(
        user_id=user_id,
        defaults={
            "method": StudentVerificationMethod.MANUAL,
            "evidence": text,
            "verified_by_id": verified_by_id,
            "expires_at": expires_at,
        },
    )
    return student_status(user_id=user_id)


def student_verification_revoke(*, user_id: uuid.UUID, revoked_by_id: uuid.UUID) -> None:
    """Withdraw a manual verification; idempotent. A verified address at a student domain still counts."""
    _require_platform_admin(revoked_by_id)
    StudentVerification.objects.filter(user_id=user_id, method=StudentVerificationMethod.MANUAL).delete()


# --- Coupons ---


def coupon_redeem(*, coupon_id: uuid.UUID, user_id: uuid.UUID, reference: str) -> None:
    """Use the coupon once, inside the caller's transaction (a savepoint when there is one).

    The coupon's row is locked first (SELECT ... FOR UPDATE), then expiry and both limits are checked again:
    a second caller waits for the first to commit and then sees its redemption, so the last use goes to one
    caller only. The same (coupon, reference) again by the same user is a no-op, so a redelivered event or a
    retried checkout never counts twice.
    """
    if not isinstance(reference, str) or not reference.strip() or len(reference) > REFERENCE_MAX_LENGTH:
        raise ValidationFailed(f"reference is 1 to {REFERENCE_MAX_LENGTH} characters.")
    with transaction.atomic():
        coupon = Coupon.objects.select_for_update().filter(pk=coupon_id).first()
        if coupon is None:
            raise CouponNotFound()
        earlier = CouponRedemption.objects.filter(coupon=coupon, reference=reference).values_list("user_id", flat=True)
        earlier_user = earlier.first()
        if earlier_user is not None:
            if earlier_user != user_id:
                raise ValidationFailed("The reference was used with this coupon by someone else.")
            return
        coupon_check_usable(coupon, user_id=user_id, now=timezone.now())
        CouponRedemption.objects.create(coupon=coupon, user_id=user_id, reference=reference)
        Coupon.objects.filter(pk=coupon.pk).update(times_redeemed=F("times_redeemed") + 1, updated_at=timezone.now())


# --- Course prices ---


def _validated_prices(prices: Sequence[Money]) -> list[Money]:
    """One positive amount per sellable currency, at most COURSE_PRICE_MAX_MAJOR major units each."""
    errors = []
    seen: set[str] = set()
    if len(prices) > COURSE_PRICE_MAX_CURRENCIES:
        errors.append({"field": "prices", "message": f"At most {COURSE_PRICE_MAX_CURRENCIES} currencies."})
    for index, price in enumerate(prices):
        field = f"prices.{index}"
        if price.currency not in sellable_currencies():
            errors.append({"field": f"{field}.currency", "message": f"Courses are not sold in {price.currency}."})
        elif price.currency in seen:
            errors.append({"field": f"{field}.currency", "message": f"{price.currency} is given twice."})
        if price.minor <= 0:
            errors.append({"field": f"{field}.amount", "message": "A price is more than zero."})
        elif price.minor > COURSE_PRICE_MAX_MAJOR * 10**price.exponent:
            errors.append({"field": f"{field}.amount", "message": f"At most {COURSE_PRICE_MAX_MAJOR}."})
        seen.add(price.currency)
    if errors:
        raise CoursePriceInvalid(extra={"errors": errors})
    return list(prices)


def course_prices_set(*, course_id: uuid.UUID, user_id: uuid.UUID, prices: Sequence[Money]) -> dict[str, Money]:
    """Replace the course's prices and keep Education's `is_paid` in step, in one transaction.

    Only an instructor of the course may; selling (a non-empty list) also needs a plan that may sell, while
    making a course free again (an empty list) does not. Every check runs before the first write.
    """
    facts = education.course_facts(course_id=course_id)  # CourseNotFound
    if user_id not in facts.instructor_ids:
        raise CoursePricesForbidden()
    valid = _validated_prices(prices)
    if valid and seller_share_bp(user_id=user_id) is None:
        raise PlanMayNotSell()
    with transaction.atomic():
        # Two instructors saving at once: the second replaces the first's list whole, never a mix of both.
        advisory_lock(b"azora.revenue.course-prices:", course_id)
        CoursePrice.objects.filter(course_id=course_id).exclude(currency__in=[p.currency for p in valid]).delete()
        for price in valid:
            CoursePrice.objects.update_or_create(
                course_id=course_id,
                currency=price.currency,
                defaults={"amount_minor": price.minor, "set_by_id": user_id},
            )
        # Always, under the lock: a flag read before it could be stale when another save committed meanwhile.
        education.course_set_paid(course_id=course_id, is_paid=bool(valid))
    return course_prices(course_id=course_id)
