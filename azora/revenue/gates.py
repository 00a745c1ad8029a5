"""The enrolment gate the revenue engine registers with Azora Education: plan limits on new enrolments.

Education calls the gate inside the transaction that writes a new enrolment (education.public.enrollment_gates).
A learner whose plan limits new enrolments per month (FREE: 5) is refused with `enrolment_limit_reached` once the
month's count is reached. A bought course (source "purchase") is never refused by the monthly limit: the learner
paid for it (docs/revenue.md, "Entitlements").
"""

from __future__ import annotations

from azora.education.public import EnrollmentRequest, register_enrollment_gate
from azora.revenue.public.pricing import EnrolmentLimitReached
from azora.revenue.selectors.pricing import entitlement_check, month_start
from azora.revenue.services.pricing import advisory_lock

__all__ = ["PURCHASE_SOURCE", "enrolment_limit_gate"]

PURCHASE_SOURCE = "purchase"
# With the user id, names the learner's advisory lock.
_LOCK_NAMESPACE = b"azora.revenue.enrolment-limit:"


def _serialise_per_user(request: EnrollmentRequest) -> None:
    """One transaction-scoped advisory lock per learner: two concurrent enrolments of the same learner count one
    after the other (the second sees the first's row once it commits), so both cannot take the last enrolment of
    the month."""
    advisory_lock(_LOCK_NAMESPACE, request.user_id)


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
