"""Checks of what operators type into incidents, maintenance windows and alert channels: titles, messages and
service names, each refused with the field and why before anything is written."""

from __future__ import annotations

import re

from django.utils.translation import gettext

from azora.health.models import HttpCheck, ProbeState, Slo
from azora.shared.errors import ValidationFailed

SERVICE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MAX_TITLE = 200
MAX_MESSAGE = 5000


def invalid[E: ValidationFailed](error: type[E], field: str, message: str) -> E:
    """The domain error for one bad field, in the problem body's `errors` list."""
    return error(message, extra={"errors": [{"field": field, "message": message}]})


def known_services() -> set[str]:
    """Every service the monitor knows: those with probes, SLOs or operators' HTTP checks."""
    services: set[str] = set(ProbeState.objects.values_list("service", flat=True))
    services.update(Slo.objects.values_list("service", flat=True))
    services.update(HttpCheck.objects.values_list("service", flat=True))
    return services


def clean_title(error: type[ValidationFailed], value: str, *, field: str = "title") -> str:
    title = " ".join(str(value or "").split())
    if not 1 <= len(title) <= MAX_TITLE:
        raise invalid(error, field, gettext("A title has 1 to %(max)d characters.") % {"max": MAX_TITLE})
    if "\x00" in title:
        raise invalid(error, field, gettext("Text cannot contain NUL characters."))
    return title


def clean_message(error: type[ValidationFailed], value: str, *, field: str = "message") -> str:
    message = str(value or "").strip()
    if not 1 <= len(message) <= MAX_MESSAGE:
        raise invalid(error, field, gettext("A message has 1 to %(max)d characters.") % {"max": MAX_MESSAGE})
    if "\x00" in message:
        raise invalid(error, field, gettext("Text cannot contain NUL characters."))
    return message


def clean_service(error: type[ValidationFailed], value: str, *, field: str = "service") -> str:
    service = str(value or "").strip()
    if not SERVICE_PATTERN.match(service) or service not in known_services():
        known = ", ".join(sorted(known_services())) or "-"
        message = gettext("Unknown service %(service)s; known services: %(known)s.")
        raise invalid(error, field, message % {"service": service[:64], "known": known})
    return service


def clean_choice(error: type[ValidationFailed], value: str, *, field: str, choices: list[str]) -> str:
    if value not in choices:
        message = gettext("%(field)s is one of %(choices)s.") % {"field": field, "choices": ", ".join(choices)}
        raise invalid(error, field, message)
    return value
