"""Template helpers of the Pay UI: amounts in the reader's number format, entry directions, status labels."""

from __future__ import annotations

from django import template
from django.utils import formats

from azora.shared.money import Money

register = template.Library()


@register.filter
def amount(money: Money | None) -> str:
    """The number alone in the reader's format, with its decimals and grouping ("1,234.50")."""
    if money is None:
        return ""
    return formats.number_format(money.to_decimal(), decimal_pos=money.exponent, use_l10n=True, force_grouping=True)


@register.filter
def money(money: Money | None) -> str:
    """An amount with its currency ("1,234.50 AZR")."""
    if money is None:
        return ""
    return f"{amount(money)} {money.currency}"


@register.filter
def plain_amount(money: Money | None) -> str:
    """An amount as a form field takes it back: dot decimal, no grouping ("1234.50")."""
    if money is None:
        return ""
    return f"{money.to_decimal():.{money.exponent}f}"
