"""AI Routing's part of data protection: the person's AI usage (provider, model, tokens, cost), for their export.

Usage rows hold no text and name the person by id only; they are kept for billing and budgets.
"""

from __future__ import annotations

import uuid
from typing import Any

from azora.ai_routing.models import Usage
from azora.security.public import export_rows, register_exporter


def export_ai_routing_data(user_id: uuid.UUID) -> dict[str, Any]:
    return {
        "usage": export_rows(
            Usage.objects.filter(user_id=user_id).order_by("-created_at"),
            ["created_at", "purpose", "provider", "model", "tokens_in", "tokens_out", "cost_micros", "currency"],
        ),
    }


register_exporter("ai_routing", export_ai_routing_data)
