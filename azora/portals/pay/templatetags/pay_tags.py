"""Template helpers of the Pay UI: amounts in the reader's number format, entry directions, status labels."""

from __future__ import annotations

from django import template

from azora.shared.formatting import amount_text, money_text
from azora.shared.money import Money

register = template.Library()


# The Pay UI and the Marketplace UI print money alike (azora.shared.formatting).
amount = register.filter("amount", amount_text)
money = register.filter("money", money_text)


@register.filter
def plain_amount(money: Money | None) -> str:
    """An amount as a form field takes it back: dot decimal, no grouping ("1234.50")."""
    if money is None:
        return ""
    return f"{money.to_decimal():.{money.exponent}f}"
