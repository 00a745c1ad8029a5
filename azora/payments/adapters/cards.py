"""Card numbers: the sandbox's test cards (as Stripe's test mode has them), Luhn checks, brands and last four digits."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

# card number -> outcome, shown on the checkout page.
SANDBOX_TEST_CARDS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "4242424242424242": "succeeded",
        "4000000000000002": "card_declined",
        "4000000000009995": "insufficient_funds",
        "4000000000000069": "expired_card",
        "4000000000003220": "requires_action",
        "4000000000000077": "processing",
    }
)


def digits_of(number: str) -> str:
    return "".join(character for character in number if not character.isspace() and character != "-")


def luhn_valid(number: str) -> bool:
    if not number.isdigit() or not 12 <= len(number) <= 19:
        return False
    total = 0
    for index, character in enumerate(reversed(number)):
        digit = int(character)
        if index % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def brand_of(number: str) -> str:
    if number.startswith("4"):
        return "visa"
    if number[:2] in {"51", "52", "53", "54", "55"} or (number[:4].isdigit() and 2221 <= int(number[:4]) <= 2720):
        return "mastercard"
    if number[:2] in {"34", "37"}:
        return "amex"
    if number.startswith("506") or number.startswith("650"):
        return "verve"
    return "card"
