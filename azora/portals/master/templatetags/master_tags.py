"""Template filters of the Master UI: money as people read it, percentages and durations for operators."""

from __future__ import annotations

import uuid

from django import template

import azora.accounts.public as accounts
from azora.shared.formatting import money_text

register = template.Library()

NO_FIGURE = "\N{EN DASH}"  # shown where nothing was measured
NBSP = "\N{NO-BREAK SPACE}"  # keeps a figure and its unit on one line in narrow table cells

money = register.filter("money", money_text)


@register.filter
def percent(value: float | None, digits: int = 2) -> str:
    """`99.95 %`, or an en dash when there is no figure (nothing was measured)."""
    if value is None:
        return NO_FIGURE
    return f"{value:.{digits}f}{NBSP}%"


@register.filter
def milliseconds(value: float | None) -> str:
    if value is None:
        return NO_FIGURE
    return f"{value:.0f}{NBSP}ms" if value >= 10 else f"{value:.1f}{NBSP}ms"


@register.filter
def seconds(value: float | None) -> str:
    """A wait in seconds as the largest sensible unit."""
    if value is None:
        return NO_FIGURE
    if value < 120:
        return f"{value:.0f}{NBSP}s"
    if value < 7200:
        return f"{value / 60:.0f}{NBSP}min"
    return f"{value / 3600:.1f}{NBSP}h"


@register.filter
def get_item(mapping: dict[str, object], key: str) -> object:
    return mapping.get(key)


@register.filter
def micros(value: int | None) -> str:
    """Millionths of a currency unit (AI costs) as an amount with 4 decimals: 1234567 -> "1.2346"."""
    if value is None:
        return NO_FIGURE
    return f"{value / 1_000_000:.4f}"


@register.simple_tag(takes_context=True)
def is_operator(context: template.Context) -> bool:
    """Whether the signed-in person may open the Master UI (a platform or finance admin): the shell's menu shows
    its link only to them. Answered from the cache, so drawing the menu costs no query."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not isinstance(user.pk, uuid.UUID):
        return False
    return accounts.is_platform_operator(user_id=user.pk)
