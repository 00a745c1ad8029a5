"""Properties: fees are exact and within the amount; provider reports in any order never leave a terminal status."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from azora.payments.config import FeeRule
from azora.payments.state import STATUSES, TERMINAL, IntentStatus, may_transition, path_to
from azora.shared.money import Money


@given(
    minor=st.integers(min_value=1, max_value=10**12),
    basis_points=st.integers(min_value=0, max_value=10_000),
    fixed=st.integers(min_value=0, max_value=10_000),
)
def test_a_fee_is_the_rounded_percentage_plus_the_fixed_part_capped_at_the_amount(
    minor: int, basis_points: int, fixed: int
) -> None:
    fee = FeeRule(basis_points=basis_points, fixed_minor=fixed).fee_for(Money(minor, "ZAR"))
    half_up = (minor * basis_points * 2 + 10_000) // 20_000  # minor * bps / 10 000, rounded half up, in integers
    assert fee == Money(min(minor, half_up + fixed), "ZAR")


@given(reports=st.lists(st.sampled_from(STATUSES), max_size=12))
def test_reports_in_any_order_move_only_by_allowed_steps_and_never_leave_a_terminal_status(
    reports: list[IntentStatus],
) -> None:
    status: IntentStatus = "requires_payment_method"
    for reported in reports:
        path = path_to(status, reported)
        if status in TERMINAL:
            assert path == ([] if reported == status else None)
        if path is None:
            continue  # a stale or impossible report changes nothing
        for current, following in zip([status, *path], path, strict=False):
            assert may_transition(current, following)
        status = reported
