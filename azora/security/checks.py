"""System checks of Azora Aegis: a mistyped rate limit fails `manage.py check` at start-up, not a login."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from azora.security.rules import RateLimitConfigError, limits_with_overrides


@register()
def check_rate_limits(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    overrides = getattr(settings, "AZORA_RATE_LIMITS", None) or {}
    try:
        limits_with_overrides(overrides)
    except RateLimitConfigError as error:
        return [Error(f"AZORA_RATE_LIMITS: {error}", id="security.E001")]
    except (TypeError, AttributeError):
        return [Error("AZORA_RATE_LIMITS must map limit names to rates such as '10/1m'.", id="security.E001")]
    return []
