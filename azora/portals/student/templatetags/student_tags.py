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


def _plain_number(value: Any) -> str:
    """Decimal("70.00") → "70", Decimal("66.67") → "66.67" (never exponent notation)."""
    number = Decimal(str(value)).normalize()
    return f"{number:f}"


@register.filter
def percent(value: Any) -> str:
    """A percentage from the Education service (0-100, 2 decimals) for people: 66.67 → "66.67%", 70.00 → "70%"."""
    if value is None or value == "":
        return "—"
    return f"{_plain_number(value)}%"


@register.filter
def number(value: Any) -> str:
    """Decimal("2.00") → "2", Decimal("2.50") → "2.5"."""
    if value is None or value == "":
        return "—"
    return _plain_number(value)


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


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    """`mapping|lookup:key` — a value of a dict by a variable key (None when missing)."""
    if isinstance(mapping, dict):
        return mapping.get(key) if key in mapping else mapping.get(str(key))
    return None


@register.filter
def contains(values: Any, value: Any) -> bool:
    """`values|contains:value` for lists of chosen options."""
    try:
        return str(value) in [str(item) for item in values]
    except TypeError:
        return False


def _option_texts(question: Any) -> dict[str, str]:
    content = getattr(question, "content", {}) or {}
    entries = list(content.get("options", [])) + list(content.get("items", []))
    return {
        str(entry.get("id")): str(entry.get("text", entry.get("id"))) for entry in entries if isinstance(entry, dict)
    }


@register.simple_tag
def answer_text(question: Any, value: Any) -> str:
    """An answer (the learner's or the right one) in words: option texts instead of ids, "True" for true."""
    if value is None or value == "" or value == []:
        return _("(no answer)")
    kind = getattr(question, "kind", "")
    texts = _option_texts(question)
    if kind == "true_false" or isinstance(value, bool):
        return _("True") if value in (True, "true") else _("False")
    if isinstance(value, list | tuple):
        words = [texts.get(str(item), str(item)) for item in value]
        return " → ".join(words) if kind == "ordering" else ", ".join(words)
    if kind == "numeric" and isinstance(value, dict):
        tolerance = Decimal(str(value.get("tolerance", "0")))
        exact = _plain_number(value.get("value", ""))
        return f"{exact} (± {_plain_number(tolerance)})" if tolerance else exact
    if kind == "short_text" and isinstance(value, dict):
        return ", ".join(str(item) for item in value.get("accepted", []))
    if isinstance(value, dict):
        return ", ".join(f"{key}: {item}" for key, item in value.items())
    return texts.get(str(value), str(value))


@register.filter
def points_label(points: Decimal | int | None) -> str:
    """Decimal("1.00") → "1 point", Decimal("2.50") → "2.5 points"."""
    value = Decimal(str(points or 0)).normalize()
    text = f"{value:f}"
    return ngettext("%(points)s point", "%(points)s points", 1 if value == 1 else 2) % {"points": text}


@register.filter
def time_limit_label(seconds: int | None) -> str:
    """1800 → "30 min" (a time limit in the words of minutes_label)."""
    if not seconds:
        return ""
    return minutes_label(max(1, int(seconds) // 60))
