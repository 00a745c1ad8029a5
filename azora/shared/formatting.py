"""Money as people read it in pages: the reader's number format, with the currency's decimals and grouping."""

from __future__ import annotations

from django.utils import formats

from azora.shared.money import Money


def amount_text(money: Money | None) -> str:
    """The number alone in the reader's format, with its decimals and grouping ("1,234.50"); "" for None."""
    if money is None:
        return ""
    return formats.number_format(money.to_decimal(), decimal_pos=money.exponent, use_l10n=True, force_grouping=True)


def money_text(money: Money | None) -> str:
    """An amount with its currency ("1,234.50 ZAR"); "" for None."""
    if money is None:
        return ""
    return f"{amount_text(money)} {money.currency}"
