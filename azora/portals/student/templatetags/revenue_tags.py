"""Template helpers of the Student Portal's revenue pages: prices and AZR for people, reward proofs, the buy box."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import azora.revenue.public as revenue
from azora.shared.errors import DomainError
from azora.shared.money import Money

register = template.Library()

# Currencies whose readers write the symbol before the amount ("R200", "$7.99"); others read "200.00 KES".
SYMBOLS = {"ZAR": "R", "USD": "$", "EUR": "€", "GBP": "£"}
REWARD_ITEMS = {
    "course_completion": gettext_lazy("Course completed"),
    "lesson_completion": gettext_lazy("Lesson completed"),
    "assessment_passed": gettext_lazy("Assessment passed"),
    "certificate_earned": gettext_lazy("Certificate earned"),
}
OFFER_KINDS = {
    # xgettext:no-python-format
    "progress": gettext_lazy("For reaching 40% of a course."),
    "first_pass": gettext_lazy("For passing your first assessment."),
    "completion": gettext_lazy("For completing a course."),
}
# The proof's keys in the reader's words, in the order they are shown (nested formula and cap figures included);
# keys not listed follow under their own names. Amounts named "*_minor" are AZR in minor units.
PROOF_LABELS = {
    "base": gettext_lazy("Base reward"),
    "weight": gettext_lazy("Weight"),
    "level": gettext_lazy("Course level"),
    "difficulty": gettext_lazy("Difficulty factor"),
    "score": gettext_lazy("Score"),
    "score_bonus": gettext_lazy("Score bonus"),
    "seconds_spent": gettext_lazy("Seconds spent"),
    "hours": gettext_lazy("Hours counted"),
    "time_bonus": gettext_lazy("Time bonus"),
    "rounding": gettext_lazy("Rounding"),
    "formula_amount_minor": gettext_lazy("Formula result"),
    "monthly_cap_minor": gettext_lazy("Monthly cap"),
    "monthly_room_minor": gettext_lazy("Left of the monthly cap"),
    "daily_cap_minor": gettext_lazy("Daily cap"),
    "daily_room_minor": gettext_lazy("Left of the daily cap"),
    "event_type": gettext_lazy("Event"),
    "event_id": gettext_lazy("Event id"),
}
PROOF_HIDDEN = ("course_title",)  # shown beside the reward already


def _number(money: Money, *, trim: bool) -> str:
    places = 0 if trim and money.minor % (10**money.exponent) == 0 else money.exponent
    return formats.number_format(money.to_decimal(), decimal_pos=places, use_l10n=True, force_grouping=True)


@register.filter
def price(money: Money | None) -> str:
    """A price as people read it: "R200", "R149.50", "$7.99", "1,200 KES"."""
    if money is None:
        return ""
    symbol = SYMBOLS.get(money.currency)
    number = _number(money, trim=True)
    return f"{symbol}{number}" if symbol else f"{number} {money.currency}"


@register.filter
def azr(money: Money | None) -> str:
    """An AZR amount with its two decimals: "12.50 AZR"."""
    if money is None:
        return ""
    return f"{_number(money, trim=False)} {money.currency}"


@register.filter
def bp_percent(bp: int | None) -> str:
    """Basis points as a percent: 5000 → "50%", 1250 → "12.5%"."""
    if not bp:
        return "0%"
    whole, rest = divmod(int(bp), 100)
    return f"{whole}%" if not rest else f"{whole}.{rest:02d}".rstrip("0") + "%"


@register.filter
def cap_used_percent(month: Any) -> int:
    """How much of the monthly cap is earned, 0-100, for the progress bar beside the figures."""
    cap = getattr(month, "cap", None)
    earned = getattr(month, "earned", None)
    if not isinstance(cap, Money) or not isinstance(earned, Money) or cap.minor <= 0:
        return 0
    return min(100, earned.minor * 100 // cap.minor)


@register.filter
def reward_item_label(item: str) -> str:
    return str(REWARD_ITEMS.get(item, item))


@register.filter
def offer_kind_label(kind: str) -> str:
    return str(OFFER_KINDS.get(kind, ""))


@register.filter
def proof_rows(proof: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """The reward's proof as (label, value) rows: the formula's inputs first, then the caps, then anything else."""
    flat: dict[str, Any] = {}
    for key, value in (proof or {}).items():
        if isinstance(value, Mapping):
            flat.update({str(inner_key): inner for inner_key, inner in value.items()})
        elif key not in PROOF_HIDDEN:
            flat[key] = value
    known = [(str(label), _proof_value(key, flat[key])) for key, label in PROOF_LABELS.items() if key in flat]
    rest = [
        (key.replace("_", " ").capitalize(), _proof_value(key, value))
        for key, value in flat.items()
        if key not in PROOF_LABELS
    ]
    return known + rest


def _proof_value(key: str, value: Any) -> str:
    if key.endswith("_minor") and isinstance(value, int) and not isinstance(value, bool):
        return azr(Money(value, "AZR"))
    return _plain(value)


def _plain(value: Any) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{key}: {_plain(inner)}" for key, inner in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_plain(inner) for inner in value)
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


@register.inclusion_tag("student/revenue/_buy_box.html", takes_context=True)
def course_buy_box(context: template.Context, course: Any) -> dict[str, Any]:
    """The course page's "Buy for R200" box for a paid course the viewer does not own (prices: the revenue engine)."""
    try:
        prices = revenue.course_prices(course_id=course.id)
    except DomainError:
        prices = {}
    shown = prices.get("ZAR") or (prices[min(prices)] if prices else None)
    return {"course": course, "price": shown, "user": context.get("user"), "request": context.get("request")}
