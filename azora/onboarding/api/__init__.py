"""Elara Onboarding's /api/v1 routes, one router per area."""

from ninja import Router

from azora.onboarding.api.flows import router as flows_router
from azora.onboarding.api.placement import router as placement_router

router = Router(tags=["onboarding"])
router.add_router("", flows_router)
router.add_router("", placement_router)
