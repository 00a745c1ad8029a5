"""Template helpers of the Student Portal: the section menu's state, durations and percentages for people."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

import azora.accounts.public as accounts

register = template.Library()

TEACHING_ROLES = ("instructor", "platform_admin")


@register.simple_tag(takes_context=True)
def may_teach(context: template.Context) -> bool:
    """Whether the menu offers the instructor area (the pages themselves ask the Education service)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    cached = getattr(request, "_student_may_teach", None)
    if cached is None:
        roles = accounts.platform_roles_of(user_id=user.pk)
        cached = any(role in roles for role in TEACHING_ROLES)
        request._student_may_teach = cached  # type: ignore[union-attr]  # one lookup per request
    return bool(cached)


@register.filter
def minutes_label(minutes: int | None) -> str:
    """45 → "45 min", 90 → "1 h 30 min"."""
    if not minutes:
        return ""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return _("%(minutes)d min") % {"minutes": rest}
    if not rest:
        return _("%(hours)d h") % {"hours": hours}
    return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": rest}


@register.filter
def hours_label(hours: Decimal | float | int | None) -> str:
    """1.5 → "1.5 hours"."""
    if not hours:
        return ""
    value = Decimal(str(hours)).normalize()
    text = f"{value:f}"
    return ngettext("%(hours)s hour", "%(hours)s hours", 1 if value == 1 else 2) % {"hours": text}


@register.filter
def percent(value: Any) -> str:
    """0.745 or Decimal("74.5") → "74.5%"; a value above 1 is read as already a percentage."""
    if value is None or value == "":
        return "—"
    number = Decimal(str(value))
    if number <= 1 and not isinstance(value, int):
        number *= 100
    number = number.quantize(Decimal("0.1"))
    text = f"{number.normalize():f}"
    return f"{text}%"


@register.filter
def seconds_label(seconds: int | None) -> str:
    """125 → "2:05"."""
    if seconds is None:
        return ""
    minutes, rest = divmod(max(0, int(seconds)), 60)
    return f"{minutes}:{rest:02d}"


@register.filter
def language_label(code: str) -> str:
    """A language code in that language's own name ("fr" → "français"); an unknown code as it is."""
    return str(LANG_INFO.get(code, {}).get("name_local", code))
