"""Health Monitor's /api/v1 routes, one router per area."""

from ninja import Router

from azora.health.api.checks import router as checks_router
from azora.health.api.status import router as status_router

router = Router(tags=["health"])
router.add_router("", status_router)
router.add_router("", checks_router)
