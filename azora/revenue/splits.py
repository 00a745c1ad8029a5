"""The pure arithmetic of a course sale: provider fee, the instructors' share (split among co-instructors) and the
platform's share, in integer minor units. No database, no Money: the service wraps the figures.

The rules (docs/revenue.md "Checkout and revenue shares"):
- the provider's fee is recovered first and never more than the gross: net = gross - min(fee, gross);
- the instructors' share is `share_bp` basis points of the net, rounded DOWN (a fraction of a cent stays with the
  platform, so the platform never pays out more than the plan promises);
- co-instructors divide that share by their basis points (summing to 10000) with the largest remainder method, so
  the parts add up to the share exactly and no part differs from its exact value by a cent or more;
- the platform's share is what remains: fee + instructors + platform = gross, always.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

BASIS_POINTS = 10_000


class SplitConfigInvalid(ValueError):
    """The co-instructors' basis points do not describe a split (empty, non-positive, or not summing to 10000)."""


@dataclass(frozen=True, slots=True)
class SaleSplit[Key: Hashable]:
    gross: int
    fee: int
    instructor_total: int
    instructor_parts: tuple[tuple[Key, int], ...]
    platform: int

    @property
    def net(self) -> int:
        return self.gross - self.fee


def largest_remainder[Key: Hashable](total: int, weights: Sequence[tuple[Key, int]]) -> tuple[tuple[Key, int], ...]:
    """`total` divided in proportion to the weights; the parts sum to `total` exactly.

    Each part is first floor(total * weight / sum); the units left over go one each to the largest remainders,
    ties broken by the order given (so the result is deterministic).
    """
    if total < 0:
        raise ValueError("A split divides a non-negative total.")
    if not weights or any(weight <= 0 for _, weight in weights):
        raise SplitConfigInvalid("A split needs at least one part, each with a positive weight.")
    weight_sum = sum(weight for _, weight in weights)
    floors = [(total * weight) // weight_sum for _, weight in weights]
    remainders = [(total * weight) % weight_sum for _, weight in weights]
    left = total - sum(floors)
    order = sorted(range(len(weights)), key=lambda index: (-remainders[index], index))
    for index in order[:left]:
        floors[index] += 1
    return tuple((key, part) for (key, _), part in zip(weights, floors, strict=True))


def sale_split[Key: Hashable](
    *, gross: int, fee: int, share_bp: int, instructors: Sequence[tuple[Key, int]]
) -> SaleSplit[Key]:
    """Splits one sale of `gross` minor units; `instructors` are (who, basis points) summing to 10000."""
    if gross < 0 or fee < 0:
        raise ValueError("The gross and the fee are never negative.")
    if not 0 <= share_bp <= BASIS_POINTS:
        raise ValueError("The instructors' share is between 0 and 10000 basis points.")
    if sum(weight for _, weight in instructors) != BASIS_POINTS:
        raise SplitConfigInvalid("The co-instructors' shares must add up to 100%.")
    recovered_fee = min(fee, gross)
    net = gross - recovered_fee
    instructor_total = net * share_bp // BASIS_POINTS
    parts = largest_remainder(instructor_total, instructors)
    return SaleSplit(
        gross=gross,
        fee=recovered_fee,
        instructor_total=instructor_total,
        instructor_parts=parts,
        platform=net - instructor_total,
    )
