"""The Education Revenue Engine's /api/v1 routes, one router per area."""

from ninja import Router

from azora.revenue.api.checkout import router as checkout_router
from azora.revenue.api.pricing import router as pricing_router
from azora.revenue.api.reports import router as reports_router
from azora.revenue.api.rewards import router as rewards_router
from azora.revenue.api.subscriptions import router as subscriptions_router

router = Router(tags=["revenue"])
router.add_router("", pricing_router)
router.add_router("", subscriptions_router)
router.add_router("", checkout_router)
router.add_router("", rewards_router)
router.add_router("", reports_router)
