"""Template helpers of the web shell: navigation state and the language switcher's choices."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.conf.locale import LANG_INFO

register = template.Library()


@register.filter
def is_within(path: str, prefix: str) -> bool:
    """True when `path` is the page at `prefix` or below it (the home page matches only itself)."""
    if prefix == "/":
        return path == "/"
    return path == prefix or path.startswith(prefix.rstrip("/") + "/")


@register.simple_tag
def language_choices() -> list[tuple[str, str]]:
    """Each available language with its own name for itself, so that a reader can find theirs."""
    return [(code, LANG_INFO.get(code, {}).get("name_local", str(name))) for code, name in settings.LANGUAGES]


@register.filter
def role_label(role: str) -> str:
    """An organisation role in the reader's words ("owner" → "Owner", translated)."""
    from azora.portals.shell.forms import ROLE_LABELS

    return str(ROLE_LABELS.get(role, role))
