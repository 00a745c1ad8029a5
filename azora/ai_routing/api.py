"""AI Routing's /api/v1/ai endpoints: chat (streamed or whole), providers, usage and budgets."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["ai"])
