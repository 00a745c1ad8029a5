"""The Elara AI Orchestrator's /api/v1 routes, one router per area."""

from ninja import Router

from azora.agents.api.conversations import router as conversations_router
from azora.agents.api.memory import router as memory_router
from azora.agents.api.oversight import router as oversight_router

router = Router(tags=["agents"])
router.add_router("", conversations_router)
router.add_router("", memory_router)
router.add_router("", oversight_router)
