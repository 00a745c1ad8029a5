"""The pure sale split: fee + instructors + platform = gross exactly, parts within a cent of their exact share."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from azora.revenue.splits import SplitConfigInvalid, largest_remainder, sale_split


@st.composite
def basis_points(draw: st.DrawFn) -> list[tuple[int, int]]:
    """1..6 instructors whose basis points (each ≥ 1) add up to 10000."""
    count = draw(st.integers(min_value=1, max_value=6))
    cuts = sorted(
        draw(st.lists(st.integers(min_value=1, max_value=9_999), min_size=count - 1, max_size=count - 1, unique=True))
    )
    bounds = [0, *cuts, 10_000]
    return [(index, bounds[index + 1] - bounds[index]) for index in range(count)]


@given(
    gross=st.integers(min_value=0, max_value=10**12),
    fee=st.integers(min_value=0, max_value=10**9),
    share_bp=st.integers(min_value=0, max_value=10_000),
    instructors=basis_points(),
)
def test_the_parts_always_add_up_to_the_gross(
    gross: int, fee: int, share_bp: int, instructors: list[tuple[int, int]]
) -> None:
    split = sale_split(gross=gross, fee=fee, share_bp=share_bp, instructors=instructors)
    assert split.fee + split.instructor_total + split.platform == gross
    assert sum(part for _, part in split.instructor_parts) == split.instructor_total
    assert split.fee == min(fee, gross)
    assert all(part >= 0 for _, part in split.instructor_parts)
    assert split.platform >= 0
    # The instructors' share is rounded down: never more than the plan promises, less by under one cent.
    exact_share = Fraction(split.net * share_bp, 10_000)
    assert 0 <= exact_share - split.instructor_total < 1
    for (_, part), (_, bp) in zip(split.instructor_parts, instructors, strict=True):
        assert abs(Fraction(split.instructor_total * bp, 10_000) - part) < 1


@given(
    total=st.integers(min_value=0, max_value=10**12),
    weights=st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=8),
)
def test_largest_remainder_is_exact_and_fair(total: int, weights: list[int]) -> None:
    keyed = list(enumerate(weights))
    parts = largest_remainder(total, keyed)
    assert sum(part for _, part in parts) == total
    weight_sum = sum(weights)
    for (_, part), weight in zip(parts, weights, strict=True):
        assert abs(Fraction(total * weight, weight_sum) - part) < 1


def test_known_values() -> None:
    # R180 with the sandbox fee R5.52 on PRO (70%): R122.13 to the instructor, R52.35 to the platform.
    split = sale_split(gross=18_000, fee=552, share_bp=7_000, instructors=[("thabo", 10_000)])
    assert (split.fee, split.instructor_parts, split.platform) == (552, (("thabo", 12_213),), 5_235)
    # Three equal co-instructors share 100 cents 34/33/33: the first in order takes the leftover cent.
    assert largest_remainder(100, [("a", 1), ("b", 1), ("c", 1)]) == (("a", 34), ("b", 33), ("c", 33))
    # A fee above the gross is recovered only up to the gross.
    assert sale_split(gross=20, fee=35, share_bp=7_000, instructors=[("a", 10_000)]).fee == 20


def test_a_split_that_does_not_add_up_to_100_percent_is_refused() -> None:
    with pytest.raises(SplitConfigInvalid):
        sale_split(gross=100, fee=0, share_bp=7_000, instructors=[("a", 6_000), ("b", 3_000)])
    with pytest.raises(SplitConfigInvalid):
        largest_remainder(100, [])
    with pytest.raises(SplitConfigInvalid):
        largest_remainder(100, [("a", 0)])
