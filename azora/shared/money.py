"""The Money value type: integer minor units plus a currency code, never floats."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from azora.shared.errors import ValidationFailed

# Minor-unit exponent per currency; AZR is the platform's reward token (2 decimals).
CURRENCY_EXPONENTS: Final[dict[str, int]] = {
    "AZR": 2,
    "ZAR": 2,
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "KES": 2,
    "NGN": 2,
    "GHS": 2,
    "JPY": 0,
}


class CurrencyMismatch(ValidationFailed):
    code = "currency_mismatch"
    title = "Amounts in different currencies cannot be combined."


class UnknownCurrency(ValidationFailed):
    code = "unknown_currency"
    title = "The currency is not supported."


@dataclass(frozen=True, slots=True, order=False)
class Money:
    minor: int
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.minor, bool) or not isinstance(self.minor, int):
            raise TypeError("Money.minor must be an int of minor units.")
        if self.currency not in CURRENCY_EXPONENTS:
            raise UnknownCurrency(f"Unknown currency {self.currency!r}.")

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @classmethod
    def from_decimal(cls, amount: Decimal | str, currency: str) -> Money:
        """Exact conversion; refuses amounts finer than the currency's minor unit."""
        if currency not in CURRENCY_EXPONENTS:
            raise UnknownCurrency(f"Unknown currency {currency!r}.")
        scaled = Decimal(amount).scaleb(CURRENCY_EXPONENTS[currency])
        if scaled != scaled.to_integral_value():
            raise ValidationFailed(f"{amount} has more precision than {currency} allows.")
        return cls(int(scaled), currency)

    @property
    def exponent(self) -> int:
        return CURRENCY_EXPONENTS[self.currency]

    def to_decimal(self) -> Decimal:
        return Decimal(self.minor).scaleb(-self.exponent)

    def _same_currency(self, other: Money) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatch(f"{self.currency} and {other.currency} cannot be combined.")

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.minor - other.minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.minor < other.minor

    def __le__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.minor <= other.minor

    def is_zero(self) -> bool:
        return self.minor == 0

    def __str__(self) -> str:
        return f"{self.to_decimal():.{self.exponent}f} {self.currency}"
