"""Azora Marketplace's /api/v1 routes, one router per area."""

from ninja import Router

from azora.marketplace.api.applications import router as applications_router
from azora.marketplace.api.contracts import router as contracts_router
from azora.marketplace.api.listings import router as listings_router
from azora.marketplace.api.skills import router as skills_router

router = Router(tags=["marketplace"])
router.add_router("", listings_router)
router.add_router("", skills_router)
router.add_router("", applications_router)
router.add_router("", contracts_router)
