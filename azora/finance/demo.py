"""Finance demo data: the AZR supply, some AZR for the demo learner and instructor, and ZAR earnings."""

from __future__ import annotations

import uuid

from azora.finance import services
from azora.finance.public import Posting
from azora.shared.money import Money

DEMO_NAMESPACE = uuid.UUID("6a0d5c8e-2f43-4c1e-9a51-3b7f0c2d9e14")
DEMO_GRANTS = (
    ("learner@azora.local", 250_00, "Welcome reward for joining Azora (demo)"),
    ("instructor@azora.local", 1_000_00, "Launch bonus for publishing a first course (demo)"),
)
DEMO_INSTRUCTOR_EARNINGS = ("instructor@azora.local", Money(1_250_00, "ZAR"), "Course sales (demo)")


def load_demo_data() -> None:
    """Idempotent: fixed transfer ids, so a second run returns the first transfers instead of paying twice."""
    import azora.accounts.public as accounts

    services.supply_issue()
    treasury = services.platform_account(code="treasury", currency="AZR")
    for email, minor, reason in DEMO_GRANTS:
        user_id = accounts.active_user_id_by_email(email=email)
        if user_id is None:
            continue
        wallet = services.user_wallet(user_id=user_id)
        amount = Money(minor, "AZR")
        services.transfer_post(
            transfer_id=uuid.uuid5(DEMO_NAMESPACE, f"grant:{email}"),
            kind="reward",
            reason=reason,
            reference=f"demo:{email}",
            postings=[Posting(treasury.id, "debit", amount), Posting(wallet.id, "credit", amount)],
        )
    email, amount, reason = DEMO_INSTRUCTOR_EARNINGS
    instructor_id = accounts.active_user_id_by_email(email=email)
    if instructor_id is None:
        return
    earnings = services.user_earnings_account(user_id=instructor_id, currency=amount.currency)
    clearing = services.platform_account(code="clearing:sandbox", currency=amount.currency)
    services.transfer_post(
        transfer_id=uuid.uuid5(DEMO_NAMESPACE, f"earnings:{email}"),
        kind="earnings",
        reason=reason,
        reference="demo:course-sales",
        postings=[Posting(clearing.id, "debit", amount), Posting(earnings.id, "credit", amount)],
    )
