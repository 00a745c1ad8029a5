"""The enrolment gate the revenue engine registers with Azora Education: plan limits on new enrolments.

Education calls the gate inside the transaction that writes a new enrolment (education.public.enrollment_gates).
A learner whose plan limits new enrolments per month (FREE: 5) is refused with `enrolment_limit_reached` once the
month's count is reached. A bought course (source "purchase") is never refused by the monthly limit: the learner
paid for it (docs/revenue.md, "Entitlements").
"""

from __future__ import annotations

import hashlib

from django.db import connection

from azora.education.public import EnrollmentRequest, register_enrollment_gate
from azora.revenue.public.pricing import EnrolmentLimitReached
from azora.revenue.selectors.pricing import entitlement_check, month_start

__all__ = ["PURCHASE_SOURCE", "enrolment_limit_gate"]

PURCHASE_SOURCE = "purchase"
# The first 8 bytes of a hash of this text and the user id name the user's advisory lock (a 64-bit key).
_LOCK_NAMESPACE = b"azora.revenue.enrolment-limit:"


def _serialise_per_user(request: EnrollmentRequest) -> None:
    """On PostgreSQL, one transaction-scoped advisory lock per learner: two concurrent enrolments of the same
    learner count one after the other (the second sees the first's row once it commits), so both cannot take the
    last enrolment of the month. SQLite runs one writing transaction at a time already."""
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b(_LOCK_NAMESPACE + request.user_id.bytes, digest_size=8).digest()
    key = int.from_bytes(digest, "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def enrolment_limit_gate(request: EnrollmentRequest) -> None:
    """Refuse a new enrolment beyond the plan's monthly limit; purchases pass."""
    if request.source == PURCHASE_SOURCE:
        return
    _serialise_per_user(request)
    entitlement = entitlement_check(user_id=request.user_id, name="enrolments_per_month")
    if not entitlement.allowed:
        start = month_start()
        resets_at = (
            start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)
        )
        raise EnrolmentLimitReached(
            extra={
                "limit": entitlement.limit,
                "used": entitlement.used,
                "plan": entitlement.plan_code,
                "resets_at": resets_at.isoformat(),
            }
        )


register_enrollment_gate(enrolment_limit_gate)
