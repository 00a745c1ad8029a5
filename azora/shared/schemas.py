"""Request and response building blocks every app's /api/v1 schemas share: strict input, amounts of money."""

from __future__ import annotations

from ninja import Field, Schema
from pydantic import ConfigDict

from azora.shared.money import Money


class StrictIn(Schema):
    """A request body that refuses fields it does not declare (422 `extra_forbidden`, naming the field)."""

    model_config = ConfigDict(extra="forbid")


class AmountOut(Schema):
    """An amount three ways: the exact decimal string, its currency and the integer in minor units."""

    amount: str = Field(description='Exact decimal string with the currency\'s decimals, e.g. "12.50".')
    currency: str
    minor: int = Field(description="The amount in minor units (cents), an integer.")


def amount_out(money: Money) -> AmountOut:
    return AmountOut(amount=f"{money.to_decimal():.{money.exponent}f}", currency=money.currency, minor=money.minor)
