"""AI Routing's system checks: governed chats need a guard where one is required (production)."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register

from azora.ai_routing.config import router_settings
from azora.ai_routing.public import registered_guard


@register()
def check_guard_registered(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """ai_routing.E001: production (or AZORA_AI_REQUIRE_GUARD) with no guard registered by the constitution."""
    if router_settings().require_guard and registered_guard() is None:
        return [
            Error(
                "No AI guard is registered, so governed chats cannot run.",
                hint="Install azora.constitution (it registers its guard in AppConfig.ready()).",
                id="ai_routing.E001",
            )
        ]
    return []
